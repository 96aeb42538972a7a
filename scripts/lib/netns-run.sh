#!/usr/bin/env bash
# Runs a command inside a fresh network namespace that holds only loopback addresses (127.0.0.0/8, ::1), so
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
# With NETNS_ICE_VETH=1 (the e2e tier), a second loopback-range address (127.0.0.2) on a veth pair
# that never leaves the namespace: Janus 1.1.2 gathers ICE candidates only on interfaces without
# IFF_LOOPBACK (ice.c, janus_ice_setup_local skips them before its enforce list applies), so on `lo`
# alone it has none and every WebRTC negotiation fails with "Error gathering candidates". IPv6 is off
# on the pair (no link-local candidates); the namespace still holds only 127.0.0.0/8.
if [ "${NETNS_ICE_VETH:-0}" = 1 ]; then
  ip netns exec "$ns" ip link add ice0 type veth peer name ice1
  ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/ice0/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/ice1/disable_ipv6'
  ip netns exec "$ns" ip addr add 127.0.0.2/32 dev ice0
  ip netns exec "$ns" ip link set ice0 up
  ip netns exec "$ns" ip link set ice1 up
fi
ip netns exec "$ns" "$@" &
wait $!
