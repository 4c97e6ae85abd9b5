package cql2

import (
	"fmt"
	"strconv"
)

// Limits on what the parsers accept, so that no filter costs more than a small, fixed amount
// of memory, stack and SQL parameters.
const (
	// MaxLength is the longest filter accepted, in bytes.
	MaxLength = 256 << 10
	// MaxDepth bounds the nesting of predicates, parentheses and geometry collections.
	MaxDepth = 100
	// MaxLiterals bounds the literals of a filter (a geometry counts once); each becomes
	// one to four SQL parameters, well under PostgreSQL's 65535.
	MaxLiterals = 1000
)

// Error is a filter the package cannot parse or check. Offset is the byte offset in CQL2
// Text (-1 when not known), Path the JSON Pointer of the faulty member in CQL2 JSON ("" for
// the whole document or for text). Msg is written for the person who typed the filter.
type Error struct {
	Offset int
	Path   string
	Msg    string
}

func (e *Error) Error() string {
	switch {
	case e.Path != "":
		return "cql2: " + e.Msg + " at " + e.Path
	case e.Offset >= 0:
		return "cql2: " + e.Msg + " at " + strconv.Itoa(e.Offset)
	}
	return "cql2: " + e.Msg
}

func errAt(offset int, format string, a ...any) *Error {
	return &Error{Offset: offset, Msg: fmt.Sprintf(format, a...)}
}

func errPath(path, format string, a ...any) *Error {
	if path == "" {
		return &Error{Offset: -1, Msg: fmt.Sprintf(format, a...)}
	}
	return &Error{Offset: -1, Path: path, Msg: fmt.Sprintf(format, a...)}
}

func errCheck(format string, a ...any) *Error {
	return &Error{Offset: -1, Msg: fmt.Sprintf(format, a...)}
}
