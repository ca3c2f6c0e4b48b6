package bot

import (
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
)

// newTestDirectory is the Cognito adapter as the binary builds it, pointed at the fake.
func newTestDirectory(t *testing.T, endpoint string, log *slog.Logger) approval.Directory {
	t.Helper()
	cfg := aws.Config{
		Region:      "eu-west-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "not-a-secret", ""),
	}
	return cognito.NewDirectory(cognito.New(cfg, cognito.Options{Endpoint: endpoint, Logger: log}))
}
