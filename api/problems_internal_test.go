package api

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every problem type the code answers has its page, with the same title, and every page is
// of a problem the code answers.
func TestEveryProblemTypeHasItsPage(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	titled := regexp.MustCompile(`Type: "/problems/([a-z-]+)", Title: "([^"]+)"`)
	named := regexp.MustCompile(`"/problems/([a-z-]+)"`)
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range named.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
		for _, m := range titled.FindAllStringSubmatch(string(src), -1) {
			if p, ok := typeNamed(m[1]); ok && p.Title != m[2] {
				t.Errorf("%s: /problems/%s titled %q, its page %q", f, m[1], m[2], p.Title)
			}
		}
	}
	if len(used) < 15 {
		t.Fatalf("found only %d problem types in the code: %v", len(used), used)
	}
	for name := range used {
		if _, ok := typeNamed(name); !ok {
			t.Errorf("/problems/%s has no page in problemTypes", name)
		}
	}
	for _, p := range problemTypes {
		if !used[p.Name] {
			t.Errorf("problemTypes documents /problems/%s, which no code answers", p.Name)
		}
	}
}

func typeNamed(name string) (problemType, bool) {
	for _, p := range problemTypes {
		if p.Name == name {
			return p, true
		}
	}
	return problemType{}, false
}
