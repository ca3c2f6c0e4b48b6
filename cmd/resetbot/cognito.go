package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/resetbot/resetbot/cognito"
)

// loadAWSConfig reads the AWS SDK's default chain: environment, shared config and
// credentials files, the ECS task role, IRSA on EKS, the instance role. Each pool is called in
// its own region, so no region is required here. The SDK's own log lines (such as "falling
// back to IMDSv1") go through log.
func loadAWSConfig(ctx context.Context, log *slog.Logger) (aws.Config, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithLogger(awsLogger{log: log}))
	if err != nil {
		return aws.Config{}, fmt.Errorf("reading the AWS configuration: %w", err)
	}
	return cfg, nil
}

// newCognito is the Cognito client, calling through hc and reporting every call to observe. It
// reads the SDK's default chain unless given an AWS configuration.
func newCognito(ctx context.Context, cfg Config, awsCfg *aws.Config, hc *http.Client, log *slog.Logger,
	observe func(op string, d time.Duration, errCode string)) (*cognito.Client, error) {
	if awsCfg == nil {
		loaded, err := loadAWSConfig(ctx, log)
		if err != nil {
			return nil, err
		}
		awsCfg = &loaded
	}
	withClient := awsCfg.Copy()
	withClient.HTTPClient = hc
	return cognito.New(withClient, cognito.Options{
		Endpoint: cfg.CognitoEndpoint,
		Logger:   log,
		Observe:  observe,
	}), nil
}
