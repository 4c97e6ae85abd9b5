package deploy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// binDir holds the program the tests build, once, for all of them.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bandoso-deploy-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	buildErr  error
)

// bandosoBin builds bandoso from this checkout, once.
func bandosoBin(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(binDir, "bandoso")
	buildOnce.Do(func() {
		if out, err := exec.Command("go", "build", "-o", bin, "../cmd/bandoso").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bin
}
