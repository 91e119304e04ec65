#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser test (the live tree
# page): installs the `chromium` package as root when it is missing. Never a browser download.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "Chromium is not installed and we are not root: install Debian's chromium, then run again." >&2
  exit 1
fi
echo "==> installing chromium (Debian package)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null
[ -x /usr/bin/chromium ] || { echo "chromium did not install at /usr/bin/chromium" >&2; exit 1; }
echo "==> Chromium is at /usr/bin/chromium"
