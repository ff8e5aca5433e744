"""Run Meltano pipelines in pods of their own.

Each task starts one pod from the Meltano release's pod template (image,
service account, system database, logs, resources) and runs `meltano run`
with the task's blocks. The schedule and the blocks below are an example:
list your own pipelines.
"""

import os
from datetime import datetime, timedelta

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk import DAG

# Set in deploy/airflow/values.yaml; read from the environment, not the
# metadata database, so that parsing this file costs no query.
POD_TEMPLATE_FILE = os.environ.get(
    "AIRFLOW_VAR_MELTANO_POD_TEMPLATE_FILE",
    "/opt/airflow/pod_templates/meltano/pod-template.yaml",
)

PIPELINES = {
    # task id: blocks of `meltano run`
    "github_to_postgres": ["tap-github", "target-postgres"],
}

with DAG(
    dag_id="meltano",
    schedule="@hourly",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["meltano"],
):
    for task_id, blocks in PIPELINES.items():
        KubernetesPodOperator(
            task_id=task_id,
            name=f"meltano-{task_id.replace('_', '-')}",
            pod_template_file=POD_TEMPLATE_FILE,
            arguments=["run", *blocks],
            get_logs=True,
            on_finish_action="delete_succeeded_pod",
        )
