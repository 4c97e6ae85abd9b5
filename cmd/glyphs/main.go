// Command glyphs writes the glyphs map labels are drawn with, for the binary to embed: for each
// font file, the ranges of internal/glyphs.VietnameseRanges as MapLibre fetches them,
// DIR/<font name>/<first>-<last>.pbf ("web/fonts/Noto Sans Regular/7680-7935.pbf"). `make
// web` runs it on Debian's Noto Sans:
//
//	go run ./cmd/glyphs -out web/fonts NotoSans-Regular.ttf NotoSans-Bold.ttf
//
// It replaces a font's folder whole, so that no range of an earlier run is left behind.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"bandoso/internal/glyphs"
)

func main() {
	out := flag.String("out", "web/fonts", "the `folder` to write each font's folder of ranges into")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: go run ./cmd/glyphs [-out DIR] FONT.ttf...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	for _, path := range flag.Args() {
		if err := writeFont(*out, path); err != nil {
			fmt.Fprintf(os.Stderr, "glyphs: %s: %v\n", path, err)
			os.Exit(1)
		}
	}
}

// writeFont writes the ranges of the font file at path into a folder of dir named after the
// font, written aside and renamed into place.
func writeFont(dir, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	font, err := glyphs.Parse(data)
	if err != nil {
		return err
	}
	name, err := font.Name()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, ".glyphs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, start := range glyphs.VietnameseRanges {
		list, err := font.Range(start)
		if err != nil {
			return err
		}
		file := filepath.Join(tmp, glyphs.RangeName(start)+".pbf")
		if err := os.WriteFile(file, glyphs.Encode(name, start, list), 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	final := filepath.Join(dir, name)
	if err := os.RemoveAll(final); err != nil {
		return err
	}
	return os.Rename(tmp, final)
}
