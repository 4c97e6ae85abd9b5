package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// redocly is the redocly CLI (@redocly/cli, a devDependency in package.json) run by node.
type redocly struct{ node, cli, config string }

// needRedocly finds node, the redocly CLI and the repository's redocly.yaml, skipping the test
// when node or the CLI is missing: `make test` installs the CLI (npm ci) first.
func needRedocly(t *testing.T) redocly {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIPPED: node is missing, so the OpenAPI document is not linted: install Node.js and run `make test`")
	}
	cli := filepath.Join(root, "node_modules/@redocly/cli/bin/cli.js")
	if _, err := os.Stat(cli); err != nil {
		t.Skipf("SKIPPED: %s is missing, so the OpenAPI document is not linted: `make test` installs it (npm ci)", cli)
	}
	return redocly{node: node, cli: cli, config: filepath.Join(root, "redocly.yaml")}
}

// lintProblem is one finding of redocly lint --format json.
type lintProblem struct {
	RuleID   string `json:"ruleId"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Location []struct {
		Pointer string `json:"pointer"`
	} `json:"location"`
}

func (p lintProblem) String() string {
	where := ""
	if len(p.Location) > 0 {
		where = p.Location[0].Pointer
	}
	return p.Severity + " " + p.RuleID + " at " + where + ": " + p.Message
}

// lint runs redocly lint on doc, offline, and returns every problem, errors and warnings.
func (r redocly) lint(t *testing.T, doc []byte) []lintProblem {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	// a ceiling for a machine busy with other work, never a measure: a lint takes a second
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.node, r.cli, "lint", "--config", r.config, "--format", "json", "--max-problems", "100000", file)
	cmd.Dir = dir
	// no usage data, no look-up of a newer version
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	out, err := cmd.Output()
	var report struct {
		Totals   struct{ Errors, Warnings int }
		Problems []lintProblem
	}
	if jerr := json.Unmarshal(out, &report); jerr != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("redocly lint: %v\n%s\n%s", err, out, ee.Stderr)
		}
		t.Fatalf("redocly lint: %v, report %v\n%s", err, jerr, out)
	}
	if len(report.Problems) != report.Totals.Errors+report.Totals.Warnings {
		t.Fatalf("redocly lint reports %d problems, its totals %+v", len(report.Problems), report.Totals)
	}
	if err != nil && len(report.Problems) == 0 {
		t.Fatalf("redocly lint: %v without a problem", err)
	}
	return report.Problems
}

// TestOpenAPILint: the OpenAPI document the demo city's server serves passes redocly's
// recommended rules (redocly.yaml) without an error or a warning.
func TestOpenAPILint(t *testing.T) {
	t.Parallel()
	lint := needRedocly(t)
	e := newTileEnv(t)
	_, res := e.loadOpenAPI(t)

	t.Run("no error, no warning", func(t *testing.T) {
		for _, p := range lint.lint(t, res.body) {
			t.Error(p)
		}
		if t.Failed() {
			t.Log("fix the document in api/openapi*.go; every operation is marked anyone, keyOptional or keyed (api/openapi_access.go)")
		}
	})

	t.Run("an operation without its security requirement is found", func(t *testing.T) {
		var doc map[string]any
		if err := json.Unmarshal(res.body, &doc); err != nil {
			t.Fatal(err)
		}
		health := doc["paths"].(map[string]any)["/healthz"].(map[string]any)["get"].(map[string]any)
		delete(health, "security")
		planted, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		problems := lint.lint(t, planted)
		if len(problems) != 1 || problems[0].RuleID != "security-defined" || len(problems[0].Location) == 0 ||
			!strings.HasPrefix(problems[0].Location[0].Pointer, "#/paths/~1healthz/get") {
			t.Errorf("problems %v, want security-defined at /healthz", problems)
		}
	})
}
