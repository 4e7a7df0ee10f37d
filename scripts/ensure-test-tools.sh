#!/bin/sh
# Installs the system tools the test suite drives for real (idempotent).
# Debian/Ubuntu as root: installs what is missing with apt-get. Elsewhere: names
# what is missing and fails, rather than letting tests skip.
set -eu

need=""
command -v shellcheck >/dev/null 2>&1 || need="$need shellcheck"
command -v openssl >/dev/null 2>&1 || need="$need openssl"
command -v script >/dev/null 2>&1 || need="$need util-linux"
command -v git >/dev/null 2>&1 || need="$need git"
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v wget >/dev/null 2>&1 || need="$need wget"
command -v tar >/dev/null 2>&1 || need="$need tar"
command -v gzip >/dev/null 2>&1 || need="$need gzip"
command -v sha256sum >/dev/null 2>&1 || need="$need coreutils"
command -v bwrap >/dev/null 2>&1 || need="$need bubblewrap"
command -v setpriv >/dev/null 2>&1 || need="$need util-linux"
command -v ps >/dev/null 2>&1 || need="$need procps"
[ -x /usr/bin/python3 ] || need="$need python3"
# The gates tests run pytest and coverage.py from a venv made with --system-site-packages
# (Debian's ensurepip, which `python3 -m venv` needs, comes with python3-venv).
/usr/bin/python3 -c "import pytest" >/dev/null 2>&1 || need="$need python3-pytest"
/usr/bin/python3 -c "import coverage" >/dev/null 2>&1 || need="$need python3-coverage"
/usr/bin/python3 -c "import ensurepip" >/dev/null 2>&1 || need="$need python3-venv"

[ -z "$need" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing test tools:$need" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y -qq --no-install-recommends $need >&2
else
  echo "the test suite needs:$need; install them with your package manager" >&2
  exit 4
fi
