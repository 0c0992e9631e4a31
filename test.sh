#!/usr/bin/env bash
# Runs the whole test suite: unit, handler and end-to-end tests of every module, with Netty's
# paranoid leak detection (a leaked buffer fails the build).
set -euo pipefail
cd "$(dirname "$0")"
mvn -B verify "$@"
