package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/policy/policyfile"
)

// readmeSection returns the README's section under the "## " heading title, up to the next one.
func readmeSection(t *testing.T, title string) string {
	t.Helper()
	readme := readFile(t, "../../README.md")
	_, rest, ok := strings.Cut(readme, "\n## "+title+"\n")
	if !ok {
		t.Fatalf("the README has no section %q", title)
	}
	section, _, _ := strings.Cut(rest, "\n## ")
	return section
}

// awsErrorCodes reads, from the cognito package's source, every AWS error code it classifies:
// the aws fields of its rules and the credential errors.
func awsErrorCodes(t *testing.T) []string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "../../cognito/errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.Ident); ok && k.Name == "aws" {
				codes = append(codes, stringLit(t, n.Value))
			}
		case *ast.ValueSpec:
			if len(n.Names) == 1 && n.Names[0].Name == "credentialErrors" {
				for _, e := range n.Values[0].(*ast.CompositeLit).Elts {
					codes = append(codes, stringLit(t, e))
				}
			}
		}
		return true
	})
	if len(codes) < 10 {
		t.Fatalf("found only %d AWS error codes in cognito/errors.go: %v", len(codes), codes)
	}
	return codes
}

func stringLit(t *testing.T, e ast.Expr) string {
	t.Helper()
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		t.Fatalf("expected a string literal, got %T", e)
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestREADMETroubleshootingCoversTheErrors holds the README's troubleshooting to the errors the
// code names: every Slack error check explains, every AWS error code the cognito package
// classifies, and every log line it quotes still written by the code.
func TestREADMETroubleshootingCoversTheErrors(t *testing.T) {
	section := readmeSection(t, "Troubleshooting")
	slackCodes := map[string]bool{}
	for _, m := range []map[string]problem{botTokenProblems, appTokenProblems} {
		for code := range m {
			slackCodes[code] = true
		}
	}
	for _, code := range slices.Sorted(maps.Keys(slackCodes)) {
		if !strings.Contains(section, "`"+code+"`") {
			t.Errorf("Troubleshooting does not explain the Slack error `%s`, which resetbot check names", code)
		}
	}
	for _, code := range awsErrorCodes(t) {
		if !strings.Contains(section, "`"+code+"`") {
			t.Errorf("Troubleshooting does not explain the AWS error `%s`, which the cognito package classifies", code)
		}
	}

	// The log lines it quotes must still be what the code writes: those after "log:", and
	// the first column of the table of the bot's own log lines.
	source := sourceText(t)
	var logLines []string
	for _, m := range regexp.MustCompile("log: `([^`]+)`").FindAllStringSubmatch(section, -1) {
		logLines = append(logLines, m[1])
	}
	_, own, _ := strings.Cut(section, "**The bot itself**")
	for _, m := range regexp.MustCompile("(?m)^\\| (``?)(.+?)``? \\|").FindAllStringSubmatch(own, -1) {
		msg := m[2]
		msg, _, _ = strings.Cut(msg, "; …")
		msg, _, _ = strings.Cut(msg, " (with ")
		logLines = append(logLines, msg)
	}
	if len(logLines) < 5 {
		t.Fatalf("found only %d quoted log lines in Troubleshooting: %q", len(logLines), logLines)
	}
	for _, msg := range logLines {
		if !strings.Contains(source, `"`+msg) {
			t.Errorf("Troubleshooting quotes the log line %q, which no Go source of the project writes", msg)
		}
	}
}

// sourceText is every non-test Go file of the project, joined.
func sourceText(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir("../..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "tools" || d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			b.Write(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// readmeCommands returns the command lines of the README's shell blocks that start with
// prefix, continuation lines joined and trailing comments dropped.
func readmeCommands(t *testing.T, prefix string) []string {
	t.Helper()
	var cmds []string
	inBlock, cur := false, ""
	for line := range strings.SplitSeq(readFile(t, "../../README.md"), "\n") {
		if strings.HasPrefix(line, "```") {
			inBlock, cur = !inBlock, ""
			continue
		}
		if !inBlock {
			continue
		}
		line = strings.TrimSpace(line)
		if cur == "" && !strings.HasPrefix(line, prefix) {
			continue
		}
		if more, ok := strings.CutSuffix(line, `\`); ok {
			cur += more
			continue
		}
		code, _, _ := strings.Cut(cur+line, " #")
		cmds = append(cmds, strings.TrimSpace(code))
		cur = ""
	}
	return cmds
}

// TestREADMEPolicyCommandsRun runs the README's `resetbot policy` commands on the example
// policy, as someone who copied it to policy.yaml would: each must succeed.
func TestREADMEPolicyCommandsRun(t *testing.T) {
	cmds := readmeCommands(t, "resetbot policy ")
	if len(cmds) == 0 {
		t.Fatal("the README shows no resetbot policy command")
	}
	for _, line := range cmds {
		args := shellWords(t, strings.TrimPrefix(line, "resetbot "))
		for i, a := range args {
			if a == "policy.yaml" {
				args[i] = examplePolicy
			}
		}
		var out, errOut strings.Builder
		if code := dispatch(t.Context(), args, &out, &errOut); code != exitOK {
			t.Errorf("%s\nexited %d, want 0:\n%s%s", line, code, out.String(), errOut.String())
		}
	}
}

// TestREADMEPolicyExamplesAreValid loads every YAML block of the README as a policy file.
func TestREADMEPolicyExamplesAreValid(t *testing.T) {
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(readFile(t, "../../README.md"), -1)
	if len(blocks) == 0 {
		t.Fatal("the README shows no YAML policy")
	}
	for i, b := range blocks {
		if _, err := policyfile.Parse([]byte(b[1]), fmt.Sprintf("README.md yaml block %d", i+1)); err != nil {
			t.Errorf("the README's policy does not load:\n%v", err)
		}
	}
}

// TestREADMEScopeTableIsTheBotScopes holds the README's table of bot scopes, each with why the
// bot needs it, to the scopes the bot asks for.
func TestREADMEScopeTableIsTheBotScopes(t *testing.T) {
	section := readmeSection(t, "Set it up")
	_, table, ok := strings.Cut(section, "| scope | why |")
	if !ok {
		t.Fatal(`the README's "Set it up" has no "| scope | why |" table`)
	}
	row := regexp.MustCompile("^\\s*\\| `([a-z:._]+)` \\| (.*) \\|$")
	lines := strings.Split(table, "\n")
	if len(lines) < 3 {
		t.Fatal("the README's scope table has no rows")
	}
	var scopes []string
	for _, line := range lines[2:] { // after the header's end and the |---| line
		m := row.FindStringSubmatch(line)
		if m == nil {
			break
		}
		if strings.TrimSpace(m[2]) == "" {
			t.Errorf("the README gives no reason for the scope %s", m[1])
		}
		scopes = append(scopes, m[1])
	}
	want := slices.Sorted(slices.Values(botScopes))
	if diff := cmp.Diff(want, slices.Sorted(slices.Values(scopes))); diff != "" {
		t.Errorf("the README's scope table vs botScopes (-botScopes +README):\n%s", diff)
	}
}

// TestREADMEExitTable holds the README's table of exit codes to the ones the commands use.
func TestREADMEExitTable(t *testing.T) {
	if want := markdownExitTable(); !strings.Contains(readmeSection(t, "Commands"), want) {
		t.Errorf("the README's Commands section lacks the table of exit codes; paste this:\n%s", want)
	}
}
