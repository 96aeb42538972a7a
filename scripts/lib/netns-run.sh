#!/usr/bin/env bash
# Runs a command inside a fresh network namespace that holds only loopback (127.0.0.0/8, ::1), so
# that nothing a test tier does (SIP, media, event deliveries, upstream example addresses) can
# leave the machine. The namespace is created here and removed on exit, whatever the outcome.
#
#   scripts/lib/netns-run.sh <name-prefix> <command> [args...]
#
# Needs root (CI runs as root) and iproute2 (`npm run setup` installs it; nothing is installed here).
set -euo pipefail
prefix="$1"; shift
command -v ip >/dev/null 2>&1 || { echo "missing Debian package iproute2: run \`npm run setup\` to install the project's prerequisites" >&2; exit 1; }
ns="${prefix}-$$"
cleanup() { ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
# A TERM/INT while the command runs still removes the namespace and whatever runs in it: the
# command runs in the background so that `wait` returns to the trap at once.
trap 'exit 143' TERM INT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" "$@" &
wait $!
