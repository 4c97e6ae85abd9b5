package main

import (
	"flag"
	"strings"
)

// envPrefix starts the variable of every flag but those in knownEnv: without it generic
// names (--name, --file, --mode, --size) would be read from an environment set for
// something else.
const envPrefix = "BANDOSO_"

// knownEnv are the variables older than the rule; they keep their names, which other
// programs share (DATABASE_URL).
var knownEnv = map[string]string{
	"database-url":             "DATABASE_URL",
	"log-level":                "LOG_LEVEL",
	"log-format":               "LOG_FORMAT",
	"listen":                   "LISTEN_ADDR",
	"public-url":               "PUBLIC_URL",
	"import-statement-timeout": "IMPORT_STATEMENT_TIMEOUT",
}

// envName is the environment variable of the flag called name: BANDOSO_ and the name in
// capitals with _ for -, so --tile-max-age is BANDOSO_TILE_MAX_AGE.
func envName(name string) string {
	if v, ok := knownEnv[name]; ok {
		return v
	}
	return envPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// setting names a setting in an error: its flag and its variable, either of which may
// have set it.
func setting(name string) string {
	return "--" + name + " (env " + envName(name) + ")"
}

// setFromEnv sets each flag of fs that the command line left out from its environment
// variable, when that is set and not empty. A bad value is a usage error naming the variable
// and its flag.
func setFromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		v := getenv(envName(f.Name))
		if err != nil || given[f.Name] || v == "" {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = invalidValue(f, envName(f.Name)+" (--"+f.Name+")", v, serr)
		}
	})
	return err
}
