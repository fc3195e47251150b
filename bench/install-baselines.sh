#!/usr/bin/env bash
# Installs the baselines bench:process compares against, from Debian, only when missing:
#   imagemagick   -> /usr/bin/identify, /usr/bin/convert (the seed workshop's tools, through gm)
#   libvips-tools -> /usr/bin/vipsthumbnail (libvips' own CLI, the C reference for what sharp wraps)
#   time          -> /usr/bin/time (GNU time: the peak RSS of those processes)
#   libheif-examples -> /usr/bin/heif-enc (makes the 12 MP HEIC measured against the same photo as JPEG)
# Quiet when all is present; on failure prints apt's output and exits non-zero.
set -euo pipefail

missing=()
# Absolute paths: another `convert` earlier on PATH must not count as ImageMagick.
[[ -x /usr/bin/identify && -x /usr/bin/convert ]] || missing+=(imagemagick)
[[ -x /usr/bin/vipsthumbnail ]] || missing+=(libvips-tools)
[[ -x /usr/bin/time ]] || missing+=(time)
[[ -x /usr/bin/heif-enc ]] || missing+=(libheif-examples)
((${#missing[@]} == 0)) && exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo -n); fi

echo "install-baselines: installing ${missing[*]} from Debian" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-baselines: could not install ${missing[*]}" >&2
  exit 1
fi
