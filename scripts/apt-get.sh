#!/usr/bin/env bash
# apt-get.sh PACKAGE...: updates the package lists and installs PACKAGEs (no recommends, no
# questions), waiting up to APT_LOCK_WAIT seconds (600) for another apt or dpkg to finish:
# on a fresh cloud machine, unattended upgrades often hold the locks for minutes. apt-get's
# output goes to stderr only when it fails. Used by pg.sh and debian-tool.sh, as root.
set -euo pipefail

wait=${APT_LOCK_WAIT:-600}
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# apt_get runs apt-get with its arguments. apt-get waits for dpkg's lock itself
# (DPkg::Lock::Timeout) but not for the package lists' (apt-get update) or the download
# cache's, so a run that could not take one of those is tried again until the wait is over.
apt_get() {
	local deadline=$((SECONDS + wait))
	until apt-get -o DPkg::Lock::Timeout="$wait" "$@" >"$log" 2>&1; do
		if ! grep -q "Could not get lock" "$log" || [ "$SECONDS" -ge "$deadline" ]; then
			cat "$log" >&2
			return 1
		fi
		sleep 5
	done
}

apt_get update -q
apt_get install -y -q --no-install-recommends "$@"
