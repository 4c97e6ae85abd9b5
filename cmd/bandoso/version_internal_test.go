package main

import (
	"runtime/debug"
	"testing"
)

// Without -ldflags, the version is the one the Go toolchain recorded.
func TestModuleVersion(t *testing.T) {
	for _, c := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{Main: debug.Module{Path: "bandoso", Version: "v1.4.0"}}, "v1.4.0"},
		{&debug.BuildInfo{Main: debug.Module{Path: "bandoso", Version: "v0.0.0-20261205225138-b7b48f1586fb+dirty"}}, "v0.0.0-20261205225138-b7b48f1586fb+dirty"},
		{&debug.BuildInfo{Main: debug.Module{Path: "bandoso", Version: "(devel)"}}, "dev"},
		{&debug.BuildInfo{}, "dev"},
		{nil, "dev"},
	} {
		if got := moduleVersion(c.bi); got != c.want {
			t.Errorf("moduleVersion(%+v) = %q, want %q", c.bi, got, c.want)
		}
	}
}
