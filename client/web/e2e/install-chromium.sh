#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for the web app's browser tests, only when missing.
# playwright-core drives it; `npx playwright install` cannot download browsers here, and nothing
# may come from anywhere but Debian's apt. Quiet when present; on failure prints apt's output.
set -euo pipefail

[[ -x /usr/bin/chromium ]] && exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo -n); fi

echo "install-chromium: installing chromium from Debian" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-chromium: could not install chromium" >&2
  exit 1
fi
