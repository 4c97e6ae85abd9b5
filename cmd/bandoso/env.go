package main

import (
	"flag"
	"fmt"
)

// knownEnv are the variables of the settings that have one.
var knownEnv = map[string]string{
	"database-url":             "DATABASE_URL",
	"log-level":                "LOG_LEVEL",
	"log-format":               "LOG_FORMAT",
	"listen":                   "LISTEN_ADDR",
	"public-url":               "PUBLIC_URL",
	"import-statement-timeout": "IMPORT_STATEMENT_TIMEOUT",
}

// envName is the environment variable of the flag called name; "" for none.
func envName(name string) string { return knownEnv[name] }

// setting names a setting in an error: its flag and its variable, either of which may
// have set it.
func setting(name string) string {
	if v := envName(name); v != "" {
		return "--" + name + " (env " + v + ")"
	}
	return "--" + name
}

// setFromEnv sets each flag of fs that the command line left out from its environment
// variable, when that is set and not empty. A bad value is an error naming the variable.
func setFromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if envName(f.Name) == "" {
			return
		}
		v := getenv(envName(f.Name))
		if err != nil || given[f.Name] || v == "" {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = fmt.Errorf("%s: invalid value %q: %w", envName(f.Name), v, serr)
		}
	})
	return err
}
