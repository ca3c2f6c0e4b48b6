package slacktest_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// TestCloseWhileCallsArrive closes the server while Web API calls keep arriving, as it is when
// an app's work outlives the test that closes the fake. The open Socket Mode connection keeps
// Close waiting for its handlers; under -race the test fails when a handler can be counted in
// without being ordered before that wait.
func TestCloseWhileCallsArrive(t *testing.T) {
	for range 50 {
		srv, err := slacktest.Start()
		must(t, err, "Start")
		c, _ := dialRaw(t, srv)
		transport := &http.Transport{}
		client := slack.New(srv.BotToken(), slack.OptionAPIURL(srv.APIURL()), slack.OptionHTTPClient(&http.Client{Transport: transport}))
		var callers, calling sync.WaitGroup
		for range 8 {
			calling.Add(1)
			callers.Go(func() {
				first := true
				for {
					_, err := client.AuthTestContext(t.Context())
					if first {
						calling.Done()
						first = false
					}
					if err != nil {
						return
					}
				}
			})
		}
		calling.Wait()
		srv.Close()
		callers.Wait()
		c.waitClosed(t)
		_ = c.ws.Close()
		transport.CloseIdleConnections()
	}
}
