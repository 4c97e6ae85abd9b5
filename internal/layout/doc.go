// Package layout holds no code, only the test that keeps the packages to the layering that
// docs/layout.md draws: which bandoso packages each may import, and which depend on no
// database and no HTTP at all.
package layout
