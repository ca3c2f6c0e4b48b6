package cognitotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// The AWS JSON 1.1 protocol: every call is a POST to "/" whose X-Amz-Target header names the
// operation and whose body is the JSON input; the answer is the JSON output, or an error whose
// type travels in the body's "__type" and in the X-Amzn-ErrorType header.
const (
	targetPrefix = "AWSCognitoIdentityProviderService."
	contentType  = "application/x-amz-json-1.1"
	maxBodyBytes = 1 << 20
)

// apiError is an error in the shape Cognito answers with.
type apiError struct {
	Code    string
	Message string
	Status  int
	// hangup: the call is carried out, then the connection is closed with no answer.
	hangup bool
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// errf returns a client error (HTTP 400), the status Cognito uses for all but internal errors.
func errf(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// The errors Cognito answers with, worded as Cognito words them.
func errUserNotFound() *apiError { return errf("UserNotFoundException", "User does not exist.") }

func errPoolNotFound(id string) *apiError {
	return errf("ResourceNotFoundException", "User pool %s does not exist.", id)
}

func errClientNotFound(id string) *apiError {
	return errf("ResourceNotFoundException", "User pool client %s does not exist.", id)
}

func errInvalidParameter(format string, args ...any) *apiError {
	return errf("InvalidParameterException", format, args...)
}

func errRequired(field string) *apiError {
	return errInvalidParameter("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

func errIncorrectCredentials() *apiError {
	return errf("NotAuthorizedException", "Incorrect username or password.")
}

func errUserDisabled() *apiError { return errf("NotAuthorizedException", "User is disabled.") }

// errCannotReset is the answer to a reset of a user who never chose a password.
func errCannotReset() *apiError {
	return errf("NotAuthorizedException", "User password cannot be reset in the current state.")
}

func errNoVerifiedContact() *apiError {
	return errInvalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
}

func writeJSON(w http.ResponseWriter, requestID string, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"__type":"InternalErrorException","message":"Internal server error."}`)
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Amzn-Requestid", requestID)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, requestID string, e *apiError) {
	w.Header().Set("X-Amzn-Errortype", e.Code)
	writeJSON(w, requestID, e.Status, map[string]string{"__type": e.Code, "message": e.Message})
}

// credentialScope returns the region of a Signature Version 4 Authorization header, and whether
// the header is a well-formed one for cognito-idp. The signature itself is not checked: the fake
// holds no secret keys.
func credentialScope(authorization string) (region string, ok bool) {
	const scheme = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(authorization, scheme) {
		return "", false
	}
	for _, part := range strings.Split(strings.TrimPrefix(authorization, scheme), ",") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found || k != "Credential" {
			continue
		}
		// AKID/20250101/eu-west-1/cognito-idp/aws4_request
		f := strings.Split(v, "/")
		if len(f) != 5 || f[0] == "" || f[2] == "" || f[3] != "cognito-idp" || f[4] != "aws4_request" {
			return "", false
		}
		return f[2], true
	}
	return "", false
}
