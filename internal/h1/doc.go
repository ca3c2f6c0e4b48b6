// Package h1 is an HTTP/1.1 client transport that holds nothing per connection but the
// connection itself.
//
// net/http's Transport runs two goroutines per connection (one reading, one writing) and keeps
// a 4 KiB read and a 4 KiB write buffer for as long as the connection is open, busy or idle.
// For a client that keeps a thousand calls in flight, each waiting a second for its answer,
// that is two thousand goroutine stacks and eight megabytes of buffers the garbage collector
// scans, on top of the thousand goroutines that wait for the calls. A Transport instead speaks
// HTTP/1.1 on the goroutine that calls RoundTrip: it writes the request through a pooled
// buffer, waits for the answer's first bytes in a small array of the connection's own, and
// only then takes a pooled read buffer, which goes back to the pool once the body has been
// read to its end. Context cancellation and deadlines set the connection's deadline from
// context.AfterFunc, so waiting holds no goroutine either. An idle connection is a socket, a
// small struct and a timer.
//
// What it leaves out: HTTP/2, proxies (a request a proxy is configured for goes to
// Config.ProxyTransport), transparent gzip, Expect: 100-continue, and upgrades. Request and
// response parsing are net/http's (Request.Write, http.ReadResponse); what this package adds
// is the connection's lifetime: dial, TLS, idle pool, reuse, deadlines.
//
// To extend it, keep the rule that every byte buffer is taken from a pool for the length of
// one read or write and given back, and that no goroutine waits on a connection's behalf.
package h1
