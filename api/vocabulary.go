package api

// Media types, written once.
const (
	mediaJSON    = "application/json"
	mediaProblem = "application/problem+json"
)

// statusClientClosed is the status logged for a request whose client went away (nginx's 499).
const statusClientClosed = 499
