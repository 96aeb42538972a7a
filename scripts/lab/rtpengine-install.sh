#!/usr/bin/env bash
# Installs Debian's rtpengine daemon (userspace forwarding only: no kernel module, no DKMS) when
# missing. The packaged service is never started: the lab runs the daemon itself in the foreground.
set -euo pipefail
if [ -x /usr/bin/rtpengine ] || [ -x /usr/sbin/rtpengine ]; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
# Keep the package's init script from starting a system-wide daemon during installation.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends rtpengine-daemon >/dev/null
command -v rtpengine
