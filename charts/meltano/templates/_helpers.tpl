{{/* Names. */}}

{{- define "meltano.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "meltano.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "meltano.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "meltano.serviceAccountName" -}}
{{- default (include "meltano.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{- define "meltano.jobs.serviceAccountName" -}}
{{- default (printf "%s-jobs" (include "meltano.fullname" .) | trunc 63 | trimSuffix "-") .Values.jobs.serviceAccount.name }}
{{- end }}

{{- define "meltano.jobs.configMapName" -}}
{{- default (printf "%s-job-pod-template" (include "meltano.fullname" .) | trunc 63 | trimSuffix "-") .Values.jobs.podTemplateConfigMap }}
{{- end }}

{{/* Labels. */}}

{{- define "meltano.selectorLabels" -}}
app.kubernetes.io/name: {{ include "meltano.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "meltano.labels" -}}
helm.sh/chart: {{ include "meltano.chart" . }}
{{ include "meltano.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: meltano
{{- end }}

{{/* The container image: repository, then the digest or the tag. */}}
{{- define "meltano.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The service account annotations, with the IRSA role when one is set. */}}
{{- define "meltano.serviceAccountAnnotations" -}}
{{- $annotations := deepCopy (default dict .annotations) }}
{{- if .roleArn }}
{{- $_ := set $annotations "eks.amazonaws.com/role-arn" .roleArn }}
{{- end }}
{{- with $annotations -}}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Environment shared by every Meltano container: the project, the system
database (never in clear: a whole URI from a Secret, or a URI built from the
inventory's host with the password from a Secret), then the extra variables.
*/}}
{{- define "meltano.env" -}}
- name: MELTANO_PROJECT_ROOT
  value: {{ .Values.projectDir | quote }}
{{- with .Values.environment }}
- name: MELTANO_ENVIRONMENT
  value: {{ . | quote }}
{{- end }}
- name: MELTANO_SEND_ANONYMOUS_USAGE_STATS
  value: "false"
- name: HOME
  value: /tmp
{{- $db := .Values.database }}
{{- if $db.uriKey }}
- name: MELTANO_DATABASE_URI
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret | quote }}
      key: {{ $db.uriKey | quote }}
{{- else }}
- name: MELTANO_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret | quote }}
      key: {{ $db.passwordKey | quote }}
- name: MELTANO_DATABASE_URI
  value: {{ printf "%s://%s:$(MELTANO_DATABASE_PASSWORD)@%s:%d/%s?sslmode=%s" $db.scheme $db.username $db.host (int $db.port) $db.name $db.sslmode | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "meltano.envFrom" -}}
{{- with .Values.extraEnvFrom }}
envFrom:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Volumes of every Meltano pod. The root filesystem is read-only, so the
directories Meltano writes to at run time are volumes: /tmp (also HOME), the
project's .meltano/run (plugin configuration files of a run) and its logs.
*/}}
{{- define "meltano.volumes" -}}
- name: tmp
  emptyDir: {}
- name: run
  emptyDir: {}
- name: logs
{{- if .Values.logs.claimName }}
  persistentVolumeClaim:
    claimName: {{ .Values.logs.claimName | quote }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- with .Values.dotenv.existingSecret }}
- name: dotenv
  secret:
    secretName: {{ . | quote }}
    items:
      - key: {{ $.Values.dotenv.key | quote }}
        path: .env
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "meltano.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: run
  mountPath: {{ printf "%s/.meltano/run" .Values.projectDir | quote }}
- name: logs
  mountPath: {{ printf "%s/.meltano/logs" .Values.projectDir | quote }}
{{- if and .Values.logs.claimName .Values.logs.subPath }}
  subPath: {{ .Values.logs.subPath | quote }}
{{- end }}
{{- if .Values.dotenv.existingSecret }}
- name: dotenv
  mountPath: {{ printf "%s/.env" .Values.projectDir | quote }}
  subPath: .env
  readOnly: true
{{- end }}
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* A Meltano container's image, environment, mounts and security context. */}}
{{- define "meltano.containerCommon" -}}
image: {{ include "meltano.image" . | quote }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
workingDir: {{ .Values.projectDir | quote }}
env:
  {{- include "meltano.env" . | nindent 2 }}
{{- include "meltano.envFrom" . }}
volumeMounts:
  {{- include "meltano.volumeMounts" . | nindent 2 }}
{{- with .Values.securityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Pod-level settings shared by every Meltano pod. */}}
{{- define "meltano.podCommon" -}}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
