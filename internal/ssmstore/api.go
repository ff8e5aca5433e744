package ssmstore

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// ssmAPI is the part of the SSM client the store uses. UnlabelParameterVersion
// is only called when a parameter reaches the 100 versions SSM keeps and the
// oldest one still has a label.
type ssmAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
	PutParameter(ctx context.Context, in *ssm.PutParameterInput, optFns ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
	GetParameterHistory(ctx context.Context, in *ssm.GetParameterHistoryInput,
		optFns ...func(*ssm.Options)) (*ssm.GetParameterHistoryOutput, error)
	LabelParameterVersion(ctx context.Context, in *ssm.LabelParameterVersionInput,
		optFns ...func(*ssm.Options)) (*ssm.LabelParameterVersionOutput, error)
	UnlabelParameterVersion(ctx context.Context, in *ssm.UnlabelParameterVersionInput,
		optFns ...func(*ssm.Options)) (*ssm.UnlabelParameterVersionOutput, error)
	DeleteParameter(ctx context.Context, in *ssm.DeleteParameterInput,
		optFns ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error)
}

var _ ssmAPI = (*ssm.Client)(nil)
