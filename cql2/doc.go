// Package cql2 reads filters in the Common Query Language (OGC 21-065r2, CQL2 1.0), the
// filter language of OGC API – Features Part 3, and checks them against a collection's
// queryables.
//
// ParseText reads CQL2 Text and ParseJSON reads CQL2 JSON; both return the same tree (Expr)
// for the same filter. Check checks the tree against a Schema, the queryables a collection
// publishes with their types. The package knows nothing of HTTP or of the database: store
// translates a checked tree to SQL. Errors are *Error, whose message is meant for the person
// who wrote the filter.
//
// # Supported
//
// Comparisons (= <> < <= > >=), LIKE with % and _, IN, BETWEEN, IS [NOT] NULL, AND, OR and
// NOT; string, number, boolean, DATE and TIMESTAMP literals; properties on either side of
// a comparison; the spatial functions S_INTERSECTS, S_WITHIN, S_CONTAINS, S_DISJOINT,
// S_EQUALS, S_TOUCHES, S_CROSSES and S_OVERLAPS on two-dimensional WKT (text), GeoJSON
// (JSON) and bbox literals; and S_DWITHIN, our distance function (see Functions).
// Conformance lists the matching conformance classes. Not supported: CASEI and ACCENTI,
// temporal and array functions, arithmetic, intervals.
//
// # Limits
//
// A filter is at most MaxLength bytes of valid UTF-8, nests at most MaxDepth levels and holds
// at most MaxLiterals literals; no input makes the parsers panic (see the fuzz tests).
package cql2
