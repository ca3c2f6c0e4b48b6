package cognito

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// ownBody is the HTTP client of the Cognito calls: it sends every request from a copy of its
// body that the client alone holds.
//
// The SDK closes a request's body as soon as the response's headers arrive. net/http may still
// be reading that body then: after sending Content-Length bytes it reads once more to check the
// body ends there, and Cognito can answer before that read. The read then fails on the closed
// body and net/http closes the connection under the answer, so a call Cognito carried out fails
// with "use of closed network connection" when its answer was not read whole yet (a page of
// groups or users, rarely a short answer). The SDK sends a read again; a reset is not sent
// again (retryUnappliedOnly) and would be reported as "may or may not have happened". A body
// held in memory ends where Content-Length says, whatever the SDK closes. Cognito requests are
// small JSON documents.
type ownBody struct{ next cip.HTTPClient }

// WithOwnBody is the client option that installs ownBody: every Cognito client of the
// project's takes it (the bot's, resetbot check's probes, the demo's directory).
func WithOwnBody(o *cip.Options) { o.HTTPClient = ownBody{next: o.HTTPClient} }

func (c ownBody) Do(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return c.next.Do(req)
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	held := req.Clone(req.Context())
	held.Body = io.NopCloser(bytes.NewReader(body))
	held.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return c.next.Do(held)
}
