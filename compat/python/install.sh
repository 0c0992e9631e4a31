#!/usr/bin/env bash
# Installs the pinned Python clients (compat/python/requirements.txt: ollama, openai, anthropic, pytest) into
# compat/.venv, creating or repairing the venv. Shared by compat/run.sh and compat/realserver/run.sh.
set -euo pipefail
compat=$(cd "$(dirname "$0")/.." && pwd)
venv=$compat/.venv
if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
  rm -rf "$venv" # a venv whose interpreter went away
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv" \
  || { echo "cannot create the virtualenv compat/.venv (python3 -m venv)" >&2; exit 1; }
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$compat/python/requirements.txt" \
  || { echo "cannot install the Python clients (ollama, openai, anthropic, pytest) from PyPI: see the pip output above" >&2; exit 1; }
