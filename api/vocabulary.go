package api

// Media types, written once.
const (
	mediaJSON    = "application/json"
	mediaProblem = "application/problem+json"
)
