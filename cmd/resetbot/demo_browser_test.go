package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/resetbot/resetbot/internal/golden"
)

// The demo people the browser test plays (internal/demo/people.go).
const (
	demoAda   = "U0DEMOADA"   // support engineer, the requester
	demoLena  = "U0DEMOLENA"  // support lead
	demoMarco = "U0DEMOMARCO" // support lead
	demoOtto  = "U0DEMOOTTO"  // the outsider
)

// screenshotPath is the README's picture of the demo, written by TestDemoInABrowser when the
// tests run with -update (into the test's temporary directory otherwise).
const screenshotPath = "../../docs/demo.png"

// chromiumPath finds Debian's chromium. Without it the browser test is skipped, except in CI
// (CI=true), where scripts/test installs it and its absence is a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%v: scripts/test installs it; the browser test must run in CI", errNoChromium)
	}
	t.Skipf("%v: install Debian's chromium (scripts/test does) to run the browser test", errNoChromium)
	return ""
}

// browser is a headless chromium tab on the demo's page.
type browser struct {
	t   *testing.T
	ctx context.Context
}

func newBrowser(t *testing.T, ctx context.Context, chromium string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox, // the tests may run as root, where chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.WindowSize(1600, 1080),
		chromedp.Flag("lang", "en-GB"),
		// One raster thread, whole tiles: the same page gives the same pixels on every run
		// (with several threads, edges of rounded corners come out a shade apart now and then).
		chromedp.Flag("num-raster-threads", "1"),
		chromedp.Flag("disable-partial-raster", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The browser lives as long as the context of the first run: start it on the tab's own.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return &browser{t: t, ctx: tabCtx}
}

// run runs browser actions, failing the test with what was being done.
func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body.innerText`))
		b.t.Fatalf("%s: %v\nthe page shows:\n%s", what, err, body)
	}
}

// value runs an action that returns a value.
func value[T any](b *browser, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// js quotes a Go string as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitText waits until the element sel shows text.
func (b *browser) waitText(sel, text string) {
	b.t.Helper()
	b.run(fmt.Sprintf("waiting for %s to show %q", sel, text), chromedp.Poll[chromedp.Void](
		fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && e.innerText.includes(%s); })()`, js(sel), js(text)),
		chromedp.WithPollingTimeout(45*time.Second)))
}

// be chooses who the page acts as and waits until the page shows their view.
func (b *browser) be(person, realName string) {
	b.t.Helper()
	b.run("choosing "+person, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%s).click()`, js("as-"+person))))
	b.waitText("#conv-sub", "as "+realName)
}

// command types a slash command in the message box and sends it.
func (b *browser) command(text string) {
	b.t.Helper()
	b.run("typing "+text, chromedp.SendKeys(chromedp.ID("composer-input"), text+kb.Enter))
}

// clickOn clicks the button matching button on the message in container that shows text.
func (b *browser) clickOn(container, text, button string) {
	b.t.Helper()
	find := fmt.Sprintf(`[...document.querySelectorAll(%s)].reverse().find((m) => m.innerText.includes(%s))?.querySelector(%s)`,
		js(container+" .msg"), js(text), js(button))
	b.run(fmt.Sprintf("clicking %s on the message showing %q", button, text),
		chromedp.Poll[chromedp.Void]("!!"+find, chromedp.WithPollingTimeout(45*time.Second)),
		chromedp.Evaluate[chromedp.Void](find+".click()"))
}

// confirm answers the confirm dialog with its confirm button.
func (b *browser) confirm() {
	b.t.Helper()
	b.run("confirming", chromedp.WaitVisible(chromedp.ID("confirm-ok")), chromedp.Click(chromedp.ID("confirm-ok")),
		chromedp.WaitNotVisible(chromedp.ID("confirm-backdrop")))
}

// innerText is what the page shows now.
func (b *browser) innerText() string {
	b.t.Helper()
	return value(b, "reading the page", chromedp.Evaluate[string](`document.body.innerText`))
}

// passwordShown finds a generated password on the page.
var passwordShown = regexp.MustCompile(`for your eyes only:\s*(\S+)`)

// passwordOnPage waits until the page shows a generated password, and returns it. The page is
// redrawn as updates arrive, so it is read again until the password is there or time runs out.
func (b *browser) passwordOnPage() string {
	b.t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		text := b.innerText()
		if m := passwordShown.FindStringSubmatch(text); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("the requester's view shows no password; it reads:\n%s", text)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// steadyPage stops the page from redrawing and writes, in what it shows, the same time, ids
// and durations on every run: the times of day, the request ids, the UUIDs (users' subs, AWS
// request ids), the lease owner (host and process id) and the call durations. Each distinct
// value gets one stand-in, so a value shown twice still matches itself. The bot makes some
// Cognito calls at once (the user and the pool after a reset), which the side panel lists in
// either order: it lists them by name. The message box loses the focus, so that no blinking
// text cursor shows. resumePage redraws the page as it is.
const (
	steadyPage = `(() => {
	window.savedDraw = draw;
	draw = () => {};
	document.activeElement?.blur(); // no text cursor, which blinks
	const seen = new Map();
	const standIn = (kind, v, make) => {
		const key = kind + v;
		if (!seen.has(key)) seen.set(key, make([...seen.keys()].filter((k) => k.startsWith(kind)).length + 1));
		return seen.get(key);
	};
	const hex = (n, len) => n.toString(16).padStart(len, "0");
	const rules = [
		[/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
			(v) => standIn("uuid", v, (n) => "5eed" + hex(n, 4) + "-0000-4000-8000-" + hex(n, 12))],
		[/\br-[a-z2-7]{10}\b/g, (v) => standIn("id", v, (n) => "r-demo" + hex(n, 6))],
		[/\b\d{1,2}:\d{2}:\d{2}\b/g, (v) => (v.length === 8 ? "09:41:07" : "9:41:07")],
		[/\b\d+ ms\b/g, () => "1 ms"],
		[/\bowner \S+/g, () => "owner demo-host-1"],
	];
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		let text = n.nodeValue;
		for (const [re, f] of rules) text = text.replace(re, f);
		if (text !== n.nodeValue) n.nodeValue = text;
	}
	const calls = document.getElementById("calls");
	[...calls.children].sort((a, b) => a.textContent.localeCompare(b.textContent)).forEach((li) => calls.appendChild(li));
})()`
	resumePage = `draw = window.savedDraw; draw()`
)

// screenshot writes a picture of the page to path, the same bytes on every run while the page
// looks the same (steadyPage), so that a test run leaves the file alone.
func (b *browser) screenshot(path string) {
	b.t.Helper()
	b.run("steadying the page", chromedp.Evaluate[chromedp.Void](steadyPage))
	png := value(b, "taking the screenshot", chromedp.CaptureScreenshot())
	b.run("resuming the page", chromedp.Evaluate[chromedp.Void](resumePage))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestDemoInABrowser goes through the demo as people would, in Debian's chromium: a support
// engineer asks for a reset, a lead approves, the thread shows the result and Cognito's side
// panel RESET_REQUIRED; a temporary password is shown to the requester alone; the form shows a
// missing field's error beside it; self-approval and an outsider's click are refused. It
// takes the README's screenshot on the way, and writes it to docs/demo.png with -update.
func TestDemoInABrowser(t *testing.T) {
	chromium := chromiumPath(t)
	p := startDemoProcess(t)
	t.Logf("resetbot demo printed its URL %s after %s", p.url, p.startup.Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	b := newBrowser(t, ctx, chromium)

	// A support engineer asks for a reset; a lead approves it.
	b.run("opening the page", chromedp.Navigate(p.url+"/?as="+demoAda), chromedp.WaitVisible(chromedp.CSS("#as-"+demoAda+".active")))
	b.waitText("#conv-sub", "as Ada Lovelace")
	b.command("/cognito reset alice@example.com --ticket SUP-123 --verified-by callback Locked out after a phone change")
	b.waitText("#messages", "Waiting for approval")
	b.be(demoLena, "Lena Fischer")
	b.clickOn("#messages", "reset the password of", `button[data-click="approve"]`)
	b.confirm()
	b.waitText("#messages", "Done")
	b.clickOn("#messages", "reset the password of", "button.replies")
	b.waitText("#thread-messages", "Approved")
	b.waitText("#thread-messages", "Done")
	b.waitText(`#users tr[data-user="prod/alice"]`, "RESET_REQUIRED")
	b.waitText("#audit", "succeeded")

	b.run("scrolling to the thread's last reply", chromedp.Evaluate[chromedp.Void](`document.querySelector("#thread-messages").scrollTop = 1e6`))
	shot := filepath.Join(t.TempDir(), "demo.png")
	if golden.Updating() {
		shot = screenshotPath
	}
	b.screenshot(shot)
	b.run("closing the thread", chromedp.Click(chromedp.ID("close-thread")))

	// A temporary password: on the page for the requester alone.
	b.be(demoAda, "Ada Lovelace")
	b.command("/cognito temp-password carol --ticket SUP-124 --verified-by video-call Never got the invitation")
	b.waitText("#messages", "set a temporary password")
	b.be(demoMarco, "Marco Rossi")
	b.clickOn("#messages", "temporary password", `button[data-click="approve"]`)
	b.confirm()
	b.waitText(`#users tr[data-user="prod/carol"]`, "FORCE_CHANGE_PASSWORD")
	b.waitText("#audit", "succeeded")
	b.be(demoAda, "Ada Lovelace")
	b.waitText("#messages", "for your eyes only:")
	password := b.passwordOnPage()
	forms := jsonForms(password)
	if !containsAny(p.stateBody(ctx, t, demoAda), forms) {
		t.Error("the requester's state does not hold the password the page showed")
	}
	for _, who := range []struct{ id, name string }{{demoLena, "Lena Fischer"}, {demoMarco, "Marco Rossi"}, {demoOtto, "Otto Berg (marketing)"}} {
		b.be(who.id, who.name)
		b.waitText("#messages", "temporary password")
		if strings.Contains(b.innerText(), password) {
			t.Errorf("%s's view of the page shows the requester's password", who.name)
		}
		if containsAny(p.stateBody(ctx, t, who.id), forms) {
			t.Errorf("the state served for %s holds the requester's password", who.name)
		}
	}
	var channelAndThreads string
	var st struct {
		Messages json.RawMessage `json:"messages"`
		Threads  json.RawMessage `json:"threads"`
	}
	if err := json.Unmarshal([]byte(p.stateBody(ctx, t, demoAda)), &st); err != nil {
		t.Fatal(err)
	}
	channelAndThreads = string(st.Messages) + string(st.Threads)
	if containsAny(channelAndThreads, forms) {
		t.Error("the password is in the channel or a thread")
	}

	// The form: a reset in prod without the ticket the policy requires.
	b.be(demoAda, "Ada Lovelace")
	b.command("/cognito")
	b.run("filling in the form",
		chromedp.WaitVisible(chromedp.ID("modal")),
		chromedp.SetValue(chromedp.CSS(`#modal [name="pool"]`), "prod"),
		chromedp.SendKeys(chromedp.CSS(`#modal [name="target"]`), "alice"),
		chromedp.SetValue(chromedp.CSS(`#modal [name="action"]`), "reset"),
		chromedp.SendKeys(chromedp.CSS(`#modal [name="reason"]`), "Locked out again"),
		chromedp.SetValue(chromedp.CSS(`#modal [name="verified_by"]`), "callback"),
		chromedp.Click(chromedp.ID("modal-submit")))
	b.waitText(`#modal .b-input[data-block="ticket"] .field-error`, "ticket")
	b.run("closing the form", chromedp.Click(chromedp.ID("modal-close")), chromedp.WaitNotVisible(chromedp.ID("modal-backdrop")))

	// Self-approval refused: a lead asks, then clicks Approve on their own request.
	b.be(demoLena, "Lena Fischer")
	b.command("/cognito reset frank --ticket SUP-125 --verified-by callback Lost the phone")
	b.waitText("#messages", "frank")
	b.clickOn("#messages", "frank", `button[data-click="approve"]`)
	b.confirm()
	b.waitText("#messages", "You cannot approve your own request")

	// An outsider's click refused.
	b.be(demoOtto, "Otto Berg (marketing)")
	b.clickOn("#messages", "frank", `button[data-click="approve"]`)
	b.confirm()
	b.waitText("#messages", "may approve this request")

	// The renderer shows a block type it does not know as such, and draws what people typed
	// as text, never as markup.
	drawn := value(b, "rendering blocks", chromedp.Evaluate[string](
		`blocks([{type: "video", title: {type: "plain_text", text: "a clip"}}, {type: "section", text: {type: "mrkdwn", text: "&lt;img src=x onerror=alert(1)&gt; <!channel> *bold*"}}])`))
	for _, want := range []string{"Unknown block type <code>video</code>", "&lt;img src=x onerror=alert(1)&gt;", "<b>bold</b>"} {
		if !strings.Contains(drawn, want) {
			t.Errorf("the renderer drew %s, want it to hold %s", drawn, want)
		}
	}
	if strings.Contains(drawn, "<img") {
		t.Errorf("the renderer turned typed text into markup: %s", drawn)
	}

	if err := p.stop(t); err != nil {
		t.Errorf("resetbot demo exited with %v after SIGINT, want 0", err)
	}
	left, err := os.ReadDir(p.tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("resetbot demo left %d files in its temporary directory after stopping: %v", len(left), left)
	}
}
