package api

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"testing"
)

// TestWriteCSVRecord: a download's rows, written from bytes, are what encoding/csv writes of
// the same cells once csvSafe has neutralised them, as the items' CSV is.
func TestWriteCSVRecord(t *testing.T) {
	cells := []string{"", "plain", "a,b", `say "hi"`, " leading space", "\tTab", "line\nbreak", "cr\r", `\.`,
		"=HYPERLINK(\"http://x\",\"y\")", "+x,y", "-1.5", "+84", "@sum", "-", "Bến Thành", "1e5", "MULTIPOLYGON(((1 2,3 4)))"}
	for _, c := range cells {
		var want bytes.Buffer
		cw := csv.NewWriter(&want)
		if err := cw.Write(csvSafe([]string{c, "x", c})); err != nil {
			t.Fatal(err)
		}
		cw.Flush()
		var got bytes.Buffer
		bw := bufio.NewWriter(&got)
		if err := writeCSVRecord(bw, [][]byte{[]byte(c), []byte("x"), []byte(c)}); err != nil {
			t.Fatal(err)
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%q: wrote %q, want %q", c, got.String(), want.String())
		}
	}
}
