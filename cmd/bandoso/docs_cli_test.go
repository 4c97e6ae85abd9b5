package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"bandoso/store/storetest"
)

// TestDocsCLIExamples runs every `bin/bandoso` line of the sh blocks of README.md and docs/*.md,
// in order, on one migrated database: each must succeed and print what its comment says after
// "→". The import examples, which need files, run in TestDocsImportExamples.
func TestDocsCLIExamples(t *testing.T) {
	pages, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, page := range append(pages, "../../README.md") {
		lines = append(lines, shCommands(readText(t, page), "bin/bandoso ")...)
	}
	if len(lines) == 0 {
		t.Skip("no bin/bandoso examples in the docs")
	}
	bin := buildBandoso(t)
	url := storetest.NewURL(t)
	if out, err := exec.Command(bin, "migrate", "--database-url", url).CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	for _, line := range lines {
		command, comment, _ := strings.Cut(line, "#")
		_, want, ok := strings.Cut(comment, "→")
		if want = strings.TrimSpace(want); !ok || want == "" {
			t.Errorf("%s: no answer after \"→\" to check", line)
			continue
		}
		cmd := exec.Command("bash", "-c", strings.Replace(command, "bin/bandoso", bin, 1))
		cmd.Env = append(os.Environ(), "DATABASE_URL="+url)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("%s\n%v: %s\nwant %s", line, err, out, want)
		}
	}
}
