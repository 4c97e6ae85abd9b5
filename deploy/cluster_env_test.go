package deploy_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"

	"bandoso/internal/testwait"
	"bandoso/store/storetest"
)

// cluster is a cluster.sh run of the test's own: every port and folder its own.
type cluster struct {
	url         string // nginx
	databaseURL string // the primary's fresh database
	replicaURL  string // the same database on the replica
	dir         string // CLUSTER_DIR
	env         []string
	bin         string
	instances   []instance
}

// instance is one `bandoso serve` of the cluster.
type instance struct {
	addr, url, pidFile string
}

// instances is how many the test runs: enough to kill one and still be served.
const instances = 2

// startCluster loads the demo city, small, into a fresh database and starts a cluster on it.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	if _, err := exec.LookPath("nginx"); err != nil && os.Getuid() != 0 {
		if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
			t.Skip("nginx is not installed and only root may install it: sudo apt-get install nginx")
		}
	}
	c := &cluster{bin: bandosoBin(t), dir: t.TempDir()}
	base := freePorts(t)
	replicaPort, redisPort, primaryPort := base+instances+1, base+instances+2, base+instances+3
	// The databases' folders belong to their owner (postgres, when the test runs as root),
	// who must be able to make them.
	shared, err := os.MkdirTemp("", "bandoso-cluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(shared) })
	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	// A primary of its own: the replica copies a whole cluster, and the shared one holds
	// gigabytes of other databases.
	c.env = append(cleanEnv(), "PG_DIR="+filepath.Join(shared, "pg"), "PG_PORT="+strconv.Itoa(primaryPort))
	t.Setenv("DATABASE_URL", strings.TrimSpace(c.run(t, "scripts/pg.sh", "url")))
	t.Cleanup(func() { c.run(t, "scripts/pg.sh", "stop") })
	c.databaseURL = storetest.NewURL(t)
	c.bandoso(t, "demo", "--size", "200")

	c.env = append(c.env,
		"DATABASE_URL="+c.databaseURL,
		"CLUSTER_DIR="+c.dir,
		"CLUSTER_PORT="+strconv.Itoa(base),
		"CLUSTER_INSTANCES="+strconv.Itoa(instances),
		"BANDOSO_BIN="+c.bin,
		"REPLICA_PORT="+strconv.Itoa(replicaPort),
		"REPLICA_DIR="+filepath.Join(shared, "replica"),
		"REDIS_PORT="+strconv.Itoa(redisPort),
		"REDIS_DIR="+filepath.Join(shared, "redis"),
		// The tests' clients all come from one address; the limits stay on, shared through Redis.
		"CLUSTER_SERVE_ARGS=--rate-limit 1000 --rate-burst 2000",
	)
	c.replicaURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", replicaPort, databaseName(c.databaseURL))
	for i := range instances {
		addr := fmt.Sprintf("127.0.0.1:%d", base+1+i)
		c.instances = append(c.instances, instance{addr: addr, url: "http://" + addr,
			pidFile: filepath.Join(c.dir, fmt.Sprintf("serve-%d.pid", base+1+i))})
	}
	t.Cleanup(func() {
		c.script(t, "stop")
		c.run(t, "scripts/redis.sh", "stop")
		c.run(t, "scripts/replica.sh", "stop")
	})
	c.url = strings.TrimSpace(c.script(t, "start"))
	if want := fmt.Sprintf("http://127.0.0.1:%d", base); c.url != want {
		t.Fatalf("cluster.sh start printed %q, want %q", c.url, want)
	}
	return c
}

// script runs scripts/cluster.sh with the cluster's settings and returns what it printed.
func (c *cluster) script(t *testing.T, command string) string {
	t.Helper()
	return c.run(t, "scripts/cluster.sh", command)
}

func (c *cluster) run(t *testing.T, script, command string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*testwait.Patience)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, command)
	cmd.Dir = ".."
	cmd.Env = c.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", script, command, err, stderr.String(), c.logs())
	}
	return string(out)
}

// logs is the end of every log in the cluster's folder, for a failure message.
func (c *cluster) logs() string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(c.dir, "*.log"))
	more, _ := filepath.Glob(filepath.Join(c.dir, "nginx", "logs", "error.log"))
	for _, f := range append(files, more...) {
		text, _ := os.ReadFile(f)
		lines := strings.Split(strings.TrimSpace(string(text)), "\n")
		fmt.Fprintf(&b, "--- %s\n%s\n", f, strings.Join(lines[max(len(lines)-15, 0):], "\n"))
	}
	return b.String()
}

// bandoso runs the program on the cluster's database and returns its standard output.
func (c *cluster) bandoso(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(c.bin, append(args, "--database-url", c.databaseURL)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bandoso %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// cleanEnv is the environment without what would point the scripts at shared services.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "DATABASE_URL", name == "REDIS_URL", name == "REPLICA_URL", name == "PGBOUNCER_URL",
			strings.HasPrefix(name, "CLUSTER_"), strings.HasPrefix(name, "REPLICA_"), strings.HasPrefix(name, "REDIS_"), strings.HasPrefix(name, "PG_"),
			strings.HasPrefix(name, "BANDOSO_"):
			continue
		}
		env = append(env, kv)
	}
	return env
}

// freePorts finds a base port whose block (nginx, the instances, the replica, Redis, the
// primary) is free.
func freePorts(t *testing.T) int {
	t.Helper()
	for range 100 {
		base := 20000 + rand.IntN(20000)
		ports := []int{}
		for i := range instances + 4 {
			ports = append(ports, base+i)
		}
		if allFree(ports) {
			return base
		}
	}
	t.Fatal("no free block of ports")
	return 0
}

func allFree(ports []int) bool {
	for _, p := range ports {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return false
		}
		ln.Close()
	}
	return true
}

func databaseName(url string) string {
	rest := url[strings.LastIndex(url, "/")+1:]
	name, _, _ := strings.Cut(rest, "?")
	return name
}

// pid is the instance's process id, from the file cluster.sh keeps.
func (in instance) pid(t *testing.T) int {
	t.Helper()
	text, err := os.ReadFile(in.pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(text)))
	if err != nil {
		t.Fatalf("%s: %v", in.pidFile, err)
	}
	return pid
}

// metric reads one unlabelled metric from the instance's /metrics.
func (in instance) metric(t *testing.T, name string) float64 {
	t.Helper()
	r := get(t, in.url+"/metrics")
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %q", name, v)
			}
			return f
		}
	}
	t.Fatalf("%s has no %s", in.addr, name)
	return 0
}

// client sends only the Accept-Encoding a test asks for: Go's transport would ask for gzip
// itself and hide Content-Encoding.
var client = &http.Client{Transport: &http.Transport{DisableCompression: true}}

// readiness is what the test reads of an instance's /readyz: Redis and the replicas are
// optional, so it is ready (200) whether they answer or not, and says which.
type readiness struct {
	Status   string
	Redis    struct{ Up bool }
	Replicas []struct {
		Name string
		Up   bool
	}
}

func (in instance) ready(t *testing.T) readiness {
	t.Helper()
	r := get(t, in.url+"/readyz")
	var ready readiness
	if err := json.Unmarshal(r.body, &ready); err != nil || r.status != http.StatusOK || ready.Status != "ready" {
		t.Fatalf("%s/readyz: status %d, %v: %s", in.addr, r.status, err, r.body)
	}
	return ready
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// get sends a GET with headers given as name, value pairs.
func get(t *testing.T, url string, headers ...string) response {
	t.Helper()
	return do(t, http.MethodGet, url, nil, headers...)
}

func do(t *testing.T, method, url string, body io.Reader, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] != "" {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// landUse is the land use of parcel id in a parcels tile.
func landUse(t *testing.T, r response, id int64) string {
	t.Helper()
	var layers mvt.Layers
	var err error
	if r.header.Get("Content-Encoding") == "gzip" {
		layers, err = mvt.UnmarshalGzipped(r.body)
	} else {
		layers, err = mvt.Unmarshal(r.body)
	}
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	for _, l := range layers {
		for _, f := range l.Features {
			if l.Name == "parcels" && fmt.Sprint(f.ID) == strconv.FormatInt(id, 10) {
				s, _ := f.Properties["land_use"].(string)
				return s
			}
		}
	}
	t.Fatalf("parcel %d is not in its tile", id)
	return ""
}
