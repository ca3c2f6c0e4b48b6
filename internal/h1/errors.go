package h1

import "errors"

var (
	errClosedBeforeAnswer   = errors.New("the server closed the connection before answering")
	errHeadersTooLong       = errors.New("the answer's headers are too long")
	errTooManyInformational = errors.New("too many 1xx answers")
	errBodyClosed           = errors.New("h1: read on a closed response body")
)

// timeoutError is the error of a request whose answer's headers did not come within
// Config.ResponseHeaderTimeout. Like net/http's, it is a net.Error that times out.
type timeoutError struct{ host string }

func (e *timeoutError) Error() string   { return "h1: timeout awaiting response headers from " + e.host }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }
