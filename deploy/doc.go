// Package deploy holds no code, only what runs bandoso in production and the tests that
// keep it working: nginx.conf, which balances several `bandoso serve` instances; the systemd
// units bandoso@.service (an instance per port), bandoso-migrate.service and bandoso.target;
// and, through scripts/cluster.sh, a whole cluster on loopback (primary, streaming replica,
// Redis, instances, nginx) that the tests edit, lag, kill and cut while reading through
// nginx. docs/operations.md explains installing them.
package deploy
