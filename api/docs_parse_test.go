package api_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDocsParseExamples runs the commands of docs/api.md's "Address standardisation" section,
// as written, against the router: each must succeed and answer the Phường Sài Gòn or Bàn Cờ of
// today (migrations/reference: Phường 1 of Quận 3, 27160, went whole into Phường Bàn Cờ, 27154).
func TestDocsParseExamples(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	t.Parallel()
	raw, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(raw), "## Address standardisation")
	section, _, _ = strings.Cut(section, "\n## ")
	_, block, _ := strings.Cut(section, "```sh\n")
	block, _, _ = strings.Cut(block, "```")
	commands := strings.Split(strings.TrimSpace(block), "\n")
	if len(commands) != 2 {
		t.Fatalf("%d commands in the section: %q", len(commands), commands)
	}
	base := newParseServer(t)
	for i, want := range []string{`"standard":"12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh"`, "ok,357/28,Ng-T- Thuật,27154,Phường Bàn Cờ,79,"} {
		c, _, _ := strings.Cut(commands[i], "   #") // the comment after the command
		c = strings.ReplaceAll(c, "localhost:8080", base)
		out, err := exec.Command("bash", "-c", "set -o pipefail; "+c+" --fail-with-body --silent --show-error").CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("%s\n%v: %s\nwant %s", commands[i], err, out, want)
		}
	}
}
