package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Exit statuses of the program.
const (
	ExitOK      = 0
	ExitFailed  = 1
	ExitUsage   = 2 // a command, flag, value or setting used wrongly; nothing was done
	ExitRefused = 3 // an import whose file validation refused: nothing was written
)

// usageError is a command used wrongly: an unknown command or flag, a bad value, a setting
// missing. The program exits with ExitUsage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef is a usageError saying format; %w wraps as in fmt.Errorf.
func usagef(format string, a ...any) error { return &usageError{fmt.Errorf(format, a...)} }

// errShown is a usage error whose usage is on the screen already: there is nothing to add.
var errShown = &usageError{errors.New("usage shown")}

// exitError ends the program with a code of its own, after its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Main runs the program with args as a user does and returns its exit status: ExitOK (help
// included), ExitFailed, ExitUsage, or an import's ExitRefused. An error goes to Stderr as
// one line.
func Main(ctx context.Context, env Env, args []string) int {
	err := Run(ctx, env, args)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case err == errShown:
		return ExitUsage
	}
	fmt.Fprintln(env.Stderr, "bandoso: "+oneLineMessage(err))
	var usage *usageError
	var exit *exitError
	switch {
	case errors.As(err, &usage):
		return ExitUsage
	case errors.As(err, &exit):
		return exit.code
	}
	return ExitFailed
}

// oneLineMessage is err in one line for a person. A failure to connect says where, as whom and
// why, once, instead of pgx's line per attempt.
func oneLineMessage(err error) string {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return connectMessage(ce)
	}
	return oneLine(err.Error())
}

// connectMessage says why the database named by ce.Config could not be reached: the cause of
// the last attempt, as libpq does. pgx tries again without TLS, or at each address of a
// host, and words each attempt on a line of its own.
func connectMessage(ce *pgconn.ConnectError) string {
	cause := errors.Unwrap(ce)
	if j, ok := cause.(interface{ Unwrap() []error }); ok && len(j.Unwrap()) > 0 {
		attempts := j.Unwrap()
		cause = attempts[len(attempts)-1]
	}
	if c := errors.Unwrap(cause); c != nil {
		cause = c // without the attempt's "host:port (name):", which the message says once
	}
	c := ce.Config
	where := c.Host
	if !strings.HasPrefix(where, "/") { // a Unix socket's directory has no port
		where += ":" + strconv.Itoa(int(c.Port))
	}
	return fmt.Sprintf("database unavailable: cannot connect to database %q at %s as %q: %s (is PostgreSQL running there, and is DATABASE_URL right?)",
		c.Database, where, c.User, oneLine(cause.Error()))
}

// oneLine joins the lines of a message: pgx and others put each detail on a line of its own.
func oneLine(s string) string {
	var out strings.Builder
	for i, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if i > 0 && out.Len() > 0 {
			if strings.HasSuffix(out.String(), ":") {
				out.WriteString(" ")
			} else {
				out.WriteString("; ")
			}
		}
		out.WriteString(l)
	}
	return out.String()
}

// rewordedError is an error said for a person at the program's edge, its cause kept for
// errors.Is and errors.As.
type rewordedError struct {
	msg string
	err error
}

func (e *rewordedError) Error() string { return e.msg }
func (e *rewordedError) Unwrap() error { return e.err }

// reword says err as format says, keeping err as its cause.
func reword(err error, format string, a ...any) error {
	return &rewordedError{msg: fmt.Sprintf(format, a...), err: err}
}
