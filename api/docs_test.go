package api_test

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"bandoso/api"
	"bandoso/store/storetest"
)

// TestDocsExamples runs the commands of docs/api.md's sections, as written, against the
// router: each must succeed and its answer hold what the comment after "# →" says. The
// geocoding and conversion examples run on the demo city that `make run` loads (seed 1, 20,000 parcels).
func TestDocsExamples(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	t.Run("Geocoding", func(t *testing.T) {
		t.Parallel()
		u := storetest.NewURL(t)
		db := openStore(t, u)
		storetest.LoadDemo(t, db, 1, 20000)
		ts := httptest.NewServer(testServer(api.Server{DB: db}).Handler())
		t.Cleanup(ts.Close)
		runDocsExamples(t, "## Geocoding", ts.URL)
		runDocsExamples(t, "## Old → new administrative units", ts.URL)
	})
	t.Run("Address standardisation", func(t *testing.T) {
		t.Parallel()
		runDocsExamples(t, "## Address standardisation (chuẩn hoá địa chỉ)", newParseServer(t))
	})
}

// runDocsExamples runs each line of the first sh block of docs/api.md's section heading
// against base (for localhost:8080) and checks its answer.
func runDocsExamples(t *testing.T, heading, base string) {
	t.Helper()
	raw, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, found := strings.Cut(string(raw), heading+"\n")
	section, _, _ = strings.Cut(section, "\n## ")
	_, block, _ := strings.Cut(section, "```sh\n")
	block, _, _ = strings.Cut(block, "```")
	if !found || strings.TrimSpace(block) == "" {
		t.Fatalf("docs/api.md has no commands under %q", heading)
	}
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		c, want, ok := strings.Cut(line, "# →")
		if want = strings.TrimSpace(want); !ok || want == "" {
			t.Errorf("%s: no answer after \"# →\" to check", line)
			continue
		}
		c = strings.ReplaceAll(c, "localhost:8080", base)
		out, err := exec.Command("bash", "-c", "set -o pipefail; "+strings.TrimSpace(c)+" --fail-with-body --silent --show-error").CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("%s\n%v: %s\nwant %s", line, err, out, want)
		}
	}
}
