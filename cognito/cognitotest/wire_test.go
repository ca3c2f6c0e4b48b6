package cognitotest

import (
	"strings"
	"testing"
)

func TestCredentialScope(t *testing.T) {
	tests := []struct {
		header, region string
		ok             bool
	}{
		{"AWS4-HMAC-SHA256 Credential=AKID/20260301/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc", "eu-west-1", true},
		{"AWS4-HMAC-SHA256 SignedHeaders=host, Credential=AKID/20260301/local/cognito-idp/aws4_request", "local", true},
		{"AWS4-HMAC-SHA256 Credential=AKID/20260301/eu-west-1/s3/aws4_request", "", false},
		{"AWS4-HMAC-SHA256 Credential=AKID/20260301//cognito-idp/aws4_request", "", false},
		{"AWS4-HMAC-SHA256 Credential=AKID/eu-west-1/cognito-idp/aws4_request", "", false},
		{"AWS4-HMAC-SHA256 SignedHeaders=host", "", false},
		{"Bearer token", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		region, ok := credentialScope(tc.header)
		if region != tc.region || ok != tc.ok {
			t.Errorf("credentialScope(%q) = %q, %v; want %q, %v", tc.header, region, ok, tc.region, tc.ok)
		}
	}
}

// FuzzCredentialScope checks the Authorization parser never panics, and that a region it
// finds is one the header names.
func FuzzCredentialScope(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20260301/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00")
	f.Add("AWS4-HMAC-SHA256 Credential=/////")
	f.Add("AWS4-HMAC-SHA256 ,,=,Credential==")
	f.Fuzz(func(t *testing.T, header string) {
		region, ok := credentialScope(header)
		if ok && (region == "" || !strings.Contains(header, "/"+region+"/cognito-idp/aws4_request")) {
			t.Fatalf("credentialScope(%q) = %q", header, region)
		}
		if !ok && region != "" {
			t.Fatalf("credentialScope(%q) = %q but not ok", header, region)
		}
	})
}
