package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth"

	"github.com/resetbot/resetbot/store/postgres"
)

// checkStoreAuth checks the PostgreSQL sign-in variables against the store they sign in to.
func checkStoreAuth(c *Config) error {
	pg := c.Store.Scheme == "postgres"
	switch {
	case !pg && c.StorePasswordFile != "":
		return errors.New("RESETBOT_STORE_PASSWORD_FILE is set, but the store is not PostgreSQL: unset it, or set RESETBOT_STORE to postgres://…")
	case !pg && c.StoreIAMAuth:
		return errors.New("RESETBOT_STORE_IAM_AUTH is true, but the store is not PostgreSQL: unset it, or set RESETBOT_STORE to postgres://…")
	case c.StoreIAMAuth && c.StorePasswordFile != "":
		return errors.New("RESETBOT_STORE_IAM_AUTH and RESETBOT_STORE_PASSWORD_FILE are both set: IAM authentication needs no password; unset one")
	case c.StoreIAMAuth && c.Store.Password():
		return errors.New("RESETBOT_STORE_IAM_AUTH is true, but RESETBOT_STORE holds a password: IAM authentication needs none; remove it from the URL")
	case c.StoreIAMAuth && !tlsRequired(c.Store):
		return errors.New("RESETBOT_STORE_IAM_AUTH needs TLS to the database (RDS refuses IAM sign-in without it): add sslmode=verify-full (or require) to RESETBOT_STORE")
	}
	return nil
}

// tlsRequired reports whether the connection string insists on TLS.
func tlsRequired(u StoreURL) bool {
	p, err := url.Parse(u.ConnString())
	if err != nil {
		return false
	}
	switch p.Query().Get("sslmode") {
	case "require", "verify-ca", "verify-full":
		return true
	}
	return false
}

// storePassword is how each new PostgreSQL connection gets its password: from the file, from
// an IAM authentication token, or (nil) from the connection string or PGPASSWORD as the
// driver finds them.
func storePassword(ctx context.Context, cfg Config, log *slog.Logger) (func(context.Context, postgres.Endpoint) (string, error), error) {
	switch {
	case cfg.StorePasswordFile != "":
		return passwordFromFile(cfg.StorePasswordFile), nil
	case cfg.StoreIAMAuth:
		awsCfg, err := loadAWSConfig(ctx, log)
		if err != nil {
			return nil, err
		}
		return iamToken(awsCfg.Region, awsCfg.Credentials), nil
	}
	return nil, nil
}

// passwordFromFile reads the password from path for each connection, so a rotated secret is
// picked up without a restart. A trailing newline is not part of it.
func passwordFromFile(path string) func(context.Context, postgres.Endpoint) (string, error) {
	return func(context.Context, postgres.Endpoint) (string, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("reading RESETBOT_STORE_PASSWORD_FILE: %w", err)
		}
		pw := strings.TrimRight(string(b), "\r\n")
		if pw == "" {
			return "", fmt.Errorf("RESETBOT_STORE_PASSWORD_FILE %s is empty", path)
		}
		return pw, nil
	}
}

// iamToken signs an RDS IAM authentication token for each connection with the bot's AWS
// credentials: a token is valid for 15 minutes, and only for opening a connection. The region
// is the SDK's (AWS_REGION), or else the one in an RDS host name.
func iamToken(region string, creds aws.CredentialsProvider) func(context.Context, postgres.Endpoint) (string, error) {
	return func(ctx context.Context, e postgres.Endpoint) (string, error) {
		r := region
		if r == "" {
			r = rdsRegion(e.Host)
		}
		if r == "" {
			return "", fmt.Errorf("no AWS region for the IAM authentication token of %s: set AWS_REGION", e.Host)
		}
		token, err := auth.BuildAuthToken(ctx, net.JoinHostPort(e.Host, fmt.Sprint(e.Port)), r, e.User, creds)
		if err != nil {
			return "", fmt.Errorf("signing the IAM authentication token: %w", err)
		}
		return token, nil
	}
}

// rdsRegion is the region in an RDS endpoint's name (NAME.ID.REGION.rds.amazonaws.com), or "".
func rdsRegion(host string) string {
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	n := len(labels)
	if n < 4 || labels[n-3] != "rds" || labels[n-2] != "amazonaws" {
		return ""
	}
	return labels[n-4]
}
