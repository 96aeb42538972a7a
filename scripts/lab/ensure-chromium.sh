#!/usr/bin/env bash
# Installs Debian's Chromium (the browser the e2e tier drives through playwright-core) when missing.
# Never downloads a browser build of its own: the Debian package is the only source.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
