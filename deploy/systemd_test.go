package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// installedBin is where the units expect the program.
const installedBin = "/usr/local/bin/bandoso"

// TestSystemdUnits runs `systemd-analyze verify` on the units as shipped, an instance of the
// template among them, with ExecStart pointed at a program that exists (verify checks that it
// does). Any complaint fails: an unknown key or a misplaced one is only a warning to systemd,
// which then ignores the setting.
func TestSystemdUnits(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed (Debian package systemd): the units are not verified")
	}
	units := []string{"bandoso@.service", "bandoso-migrate.service", "bandoso.target"}
	dir := t.TempDir()
	for _, u := range units {
		text, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(u, ".service") && !strings.Contains(string(text), "ExecStart="+installedBin+" ") {
			t.Fatalf("%s: ExecStart does not run %s", u, installedBin)
		}
		text = []byte(strings.ReplaceAll(string(text), installedBin, bandosoBin(t)))
		if err := os.WriteFile(filepath.Join(dir, u), text, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// An instance is verified through a link named after it, as systemctl would load it.
	if err := os.Symlink("bandoso@.service", filepath.Join(dir, "bandoso@8081.service")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(analyze, "verify", "./bandoso@8081.service", "./bandoso-migrate.service", "./bandoso.target")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}

	t.Run("hardened", func(t *testing.T) {
		text, err := os.ReadFile("bandoso@.service")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "Restart=on-failure",
			"EnvironmentFile=/etc/bandoso/bandoso.env", "Environment=LISTEN_ADDR=127.0.0.1:%i"} {
			if !strings.Contains(string(text), "\n"+want+"\n") {
				t.Errorf("bandoso@.service lacks %s", want)
			}
		}
	})
}
