package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is the release, set at build time: go build -ldflags "-X main.version=v1.2.0" (the
// Makefile sets `git describe`).
var version string

// programVersion is version, or else the module's version the Go toolchain recorded in the
// binary: the release of `go install bandoso/cmd/bandoso@v1.2.0`, or for `go build` in a git
// checkout a pseudo-version naming the commit (v0.0.0-20260101120000-abcdef123456+dirty).
func programVersion() string {
	if version != "" {
		return version
	}
	bi, _ := debug.ReadBuildInfo()
	return moduleVersion(bi)
}

// moduleVersion is the main module's version in bi, or "dev" when it has none: a build
// outside version control, or with -buildvcs=false.
func moduleVersion(bi *debug.BuildInfo) string {
	if bi == nil || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return "dev"
	}
	return bi.Main.Version
}

func runVersion(_ context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("bandoso version", flag.ContinueOnError)
	fs.SetOutput(env.Stdout)
	h := help{command: "version", about: "Print the version of bandoso, and the Go release and platform it was built with.\n`bandoso --version` does the same."}
	fs.Usage = func() { writeHelp(fs.Output(), fs, h) }
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "bandoso %s (%s %s/%s)\n", programVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
