package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// readyTimeout bounds `resetbot ready`: well inside the health check timeouts of orchestrators.
const readyTimeout = 3 * time.Second

// cmdReady is `resetbot ready`: exit 0 when the resetbot serving on this host says it is ready
// (GET /readyz on RESETBOT_HTTP_ADDR answers 200), 1 otherwise. It is the container health
// check of an image with no shell and no curl, such as the distroless one: ECS runs the
// command inside the container.
func cmdReady(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if code, ok := noArgs("ready", args, stdout, stderr); !ok {
		return code
	}
	addr := os.Getenv(envPrefix + "_HTTP_ADDR")
	if addr == "" {
		addr = configDefault("HTTPAddr")
	}
	return probeReady(ctx, addr, stdout, stderr)
}

// probeReady asks the process listening on addr (RESETBOT_HTTP_ADDR's form) for /readyz.
func probeReady(ctx context.Context, addr string, stdout, stderr io.Writer) int {
	url, err := readyURL(addr)
	if err != nil {
		say(stderr, "resetbot ready: %v\n", err)
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		say(stderr, "resetbot ready: %v\n", err)
		return exitUsage
	}
	// Never through a proxy: the question is about this host.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		say(stderr, "not ready: %v\n", err)
		return exitFail
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		say(stderr, "not ready: %s answered %d %s\n", url, resp.StatusCode, strings.TrimSpace(string(body)))
		return exitFail
	}
	say(stdout, "ready\n")
	return exitOK
}

// readyURL is the /readyz URL of a process listening on addr: an address that listens on
// every interface (":8080", "0.0.0.0:8080", "[::]:8080") is asked on the loopback.
func readyURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("RESETBOT_HTTP_ADDR %q is not host:port (e.g. :8080): %w", addr, err)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}

// configDefault is the default of Config's field.
func configDefault(field string) string {
	for _, v := range configVars() {
		if v.Field == field {
			return v.Default
		}
	}
	return ""
}
