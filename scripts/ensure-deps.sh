#!/usr/bin/env bash
# Installs what Reelay needs, only when it is missing:
#  - npm packages (npm ci when node_modules is absent or older than package-lock.json);
#  - with --media: FFmpeg, the offline voices (festival + HTS voice, flite, espeak-ng) and fonts through
#    apt when missing and running as root, otherwise a clear message with the command to run;
#  - with --browser: Chromium, for the web UI's browser tests (test/web), the same way (without root
#    and outside CI only a warning: those tests then skip).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "reelay: installing npm packages…" >&2
  # npm ci needs every platform's optional packages in the lock; when the registry serves only this
  # platform's, fall back to npm install (same locked versions).
  npm ci --no-audit --no-fund >&2 || npm install --no-audit --no-fund >&2
fi

need_media=0
need_browser=0
for arg in "$@"; do
  case "$arg" in
    --media) need_media=1 ;;
    --browser) need_browser=1 ;;
  esac
done
missing=()
if [ "$need_media" = 1 ]; then
  command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
  command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
  command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
  command -v text2wave >/dev/null 2>&1 || missing+=(festival)
  [ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] || missing+=(festvox-us-slt-hts)
  command -v flite >/dev/null 2>&1 || missing+=(flite)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
fi
if [ "$need_browser" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  # Without root (and outside CI) a missing browser only skips the browser tests, loudly.
  if [ "$(id -u)" = 0 ] || [ "${CI:-}" = true ]; then
    missing+=(chromium)
  else
    echo "reelay: chromium is missing, so the browser tests will be skipped. Install it with: sudo apt-get install -y chromium" >&2
  fi
fi
if [ "${#missing[@]}" -gt 0 ]; then
  pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "reelay: installing Debian packages: $pkgs" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $pkgs >&2
  else
    echo "reelay: missing $pkgs. Install them with: sudo apt-get install -y $pkgs" >&2
    exit 1
  fi
fi
