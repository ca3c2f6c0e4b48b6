package cognito

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

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
//
// When the client is an *http.Client that adds nothing to its transport's round trip (no
// cookie jar, redirect policy or timeout: Cognito does not redirect, and each call has its
// context's deadline), the request goes straight to the transport, its errors wrapped as the
// client wraps them (*url.Error). The client's layers are a kilobyte and a half of stack on
// every goroutine that waits for Cognito.
type ownBody struct {
	next cip.HTTPClient
	rt   http.RoundTripper // next's transport when next adds nothing to it; else nil
}

// WithOwnBody is the client option that installs ownBody: every Cognito client of the
// project's takes it (the bot's, resetbot check's probes, the demo's directory).
func WithOwnBody(o *cip.Options) {
	c := ownBody{next: o.HTTPClient}
	if hc, ok := o.HTTPClient.(*http.Client); ok && hc.Jar == nil && hc.CheckRedirect == nil && hc.Timeout == 0 {
		c.rt = cmp.Or[http.RoundTripper](hc.Transport, http.DefaultTransport)
	}
	o.HTTPClient = c
}

func (c ownBody) Do(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return c.send(req)
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	// The request is the SDK's copy for this attempt alone (smithy's Request.Build clones it),
	// so its body is replaced in place.
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return c.send(req)
}

// send sends req through next, or straight to its transport.
func (c ownBody) send(req *http.Request) (*http.Response, error) {
	if c.rt == nil {
		return c.next.Do(req)
	}
	resp, err := c.rt.RoundTrip(req)
	if err == nil && resp == nil {
		err = errors.New("http: RoundTripper implementation returned a nil *Response with a nil error")
	}
	if err == nil && resp.Body == nil {
		resp.Body = http.NoBody
	}
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		return nil, &url.Error{Op: urlErrorOp(req.Method), URL: req.URL.Redacted(), Err: err}
	}
	return resp, nil
}

// urlErrorOp is the Op of an *url.Error as http.Client names it: "Post" for POST.
func urlErrorOp(method string) string {
	if method == "" {
		return "Get"
	}
	lower := strings.ToLower(method)
	return method[:1] + lower[1:]
}
