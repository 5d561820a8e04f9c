#!/usr/bin/env bash
# Prepares a fresh machine for n64c: Debian packages, a virtual environment
# in .venv, an editable install of n64c with its development tools, and of
# the example out-of-tree pass package (examples/n64c_example_passes) that
# the tests and the tutorial use.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(mupen64plus-rsp-z64 libmupen64plus-dev mupen64plus-ui-console gcc-mips-linux-gnu binutils-mips-linux-gnu qemu-user-static gcc make)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.n64c-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing n64c and its Python dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi
example_stamp=.venv/.n64c-example-passes-installed
example=examples/n64c_example_passes
if [ ! -f "$example_stamp" ] || [ "$example/pyproject.toml" -nt "$example_stamp" ] || [ "$stamp" -nt "$example_stamp" ]; then
  echo "setup: installing the example pass package $example into .venv"
  .venv/bin/python -m pip install -q -e "$example"
  touch "$example_stamp"
fi
