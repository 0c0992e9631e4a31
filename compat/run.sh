#!/usr/bin/env bash
# Client-compatibility suite: the built proxy in front of the scriptable OpenAI-compatible test
# backend, driven by the official client libraries installed from their registries:
#   node   ollama-js, openai and @anthropic-ai/sdk (npm)     compat/node
#   python ollama, openai and anthropic (PyPI)               compat/python (venv in compat/.venv)
#   jvm    LangChain4j's langchain4j-ollama       compat/jvm (standalone Maven project)
#
# Usage: compat/run.sh [--no-install] [--fleet] [node] [python] [jvm]     (default: all three suites)
#   --no-install  reuse what an earlier run installed (quicker local reruns)
#   --fleet       the proxy serves a three-backend fleet (serve --config FILE, round-robin): the
#                 scriptable backend (named compat, as without --fleet) plus two `mock-backend`
#                 processes serving other models, one of them on both. The suites run unchanged,
#                 except that a model list may hold the mocks' models too; the fleet's own checks
#                 (compat/python/test_fleet.py) run only here. RELAY_COMPAT_FLEET tells the suites
#                 which models each mock serves: "mock-a=m1,m2 mock-b=m2,m3" (unset without --fleet).
#
# Everything listens on loopback only. Exits non-zero if any client cannot be installed, the
# proxy or backend cannot start, or any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
compat=$root/compat
jar=$root/proxy-server/target/llm-relay.jar

install=1
fleet=0
suites=()
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    --fleet) fleet=1 ;;
    node|python|jvm) suites+=("$arg") ;;
    *) echo "compat: unknown argument '$arg' (expected --no-install, --fleet, node, python, jvm)" >&2; exit 2 ;;
  esac
done
[ ${#suites[@]} -gt 0 ] || suites=(node python jvm)

say() { printf '\n=== compat: %s\n' "$*"; }
die() { printf '\ncompat: ERROR: %s\n' "$*" >&2; exit 1; }
wants() { local s; for s in "${suites[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

for tool in java python3; do
  command -v "$tool" >/dev/null || die "'$tool' is not on PATH"
done
if wants node; then command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed for the node suite"; fi
if wants jvm || [ ! -f "$jar" ]; then command -v mvn >/dev/null || die "mvn is needed"; fi

start_time=$(date +%s)

# ---- the proxy jar ------------------------------------------------------------------------------
if [ ! -f "$jar" ]; then
  say "building the proxy jar (mvn -pl proxy-server -am package)"
  mvn -B -q -DskipTests -pl proxy-server -am package \
    || { sleep 5; mvn -B -q -DskipTests -pl proxy-server -am package; } \
    || die "could not build $jar"
fi

# ---- clients, from their registries ------------------------------------------------------------
if [ "$install" = 1 ]; then
  if wants node; then
    say "installing the Node clients (npm ci: ollama, openai, @anthropic-ai/sdk)"
    (cd "$compat/node" && npm ci --no-audit --no-fund --loglevel=error) \
      || die "cannot install the Node clients (ollama-js, openai, @anthropic-ai/sdk) from npm: see the npm output above"
  fi
  if wants python; then
    say "installing the Python clients (pip: ollama, openai, anthropic, pytest) into compat/.venv"
    "$compat/python/install.sh" || die "cannot install the Python clients into compat/.venv"
  fi
  if wants jvm; then
    say "installing the JVM client (Maven: dev.langchain4j:langchain4j-ollama) and compiling its tests"
    mvn -B -q -f "$compat/jvm/pom.xml" test-compile \
      || die "cannot install LangChain4j's Ollama client from Maven Central or compile compat/jvm: see the Maven output above"
  fi
fi

# ---- backend and proxy, on loopback ---------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/llm-relay-compat.XXXXXX")
backend_pid=
proxy_pid=
mock_pids=()
cleanup() {
  local rc=$? pid
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null || true
  [ -n "$backend_pid" ] && kill "$backend_pid" 2>/dev/null && wait "$backend_pid" 2>/dev/null || true
  for pid in ${mock_pids[@]+"${mock_pids[@]}"}; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  if [ "$rc" != 0 ]; then
    for log in proxy backend mock-a mock-b; do
      if [ -s "$work/$log.log" ]; then
        echo "--- last lines of the $log log ---" >&2
        tail -n 40 "$work/$log.log" >&2 || true
      fi
    done
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # wait_for SECONDS COMMAND...
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
http_ok() { python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

say "starting the scriptable backend"
python3 "$compat/backend/compat_backend.py" --host 127.0.0.1 --port 0 --port-file "$work/backend.port" \
  >"$work/backend.log" 2>&1 &
backend_pid=$!
wait_for 15 test -s "$work/backend.port" || die "the compat backend did not start: $(cat "$work/backend.log")"
backend_port=$(cat "$work/backend.port")
backend_url=http://127.0.0.1:$backend_port
wait_for 10 http_ok "$backend_url/__health" || die "the compat backend does not answer on $backend_url"

java_opts=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
if [ "$fleet" = 1 ]; then
  # Two mock backends besides the scriptable one: each serves a model of its own, and both serve
  # llama3.2:3b, which round-robin must then alternate between them. Port 0: each takes a free port
  # and logs it, so no port can be taken by someone else between choosing it and binding it.
  declare -A mock_models=([mock-a]="llama3.2:3b,gemma3:1b" [mock-b]="llama3.2:3b,phi4-mini")
  declare -A mock_urls=()
  fleet_desc=
  for name in mock-a mock-b; do
    java "${java_opts[@]}" -jar "$jar" mock-backend --host 127.0.0.1 --port 0 --token-delay-ms 0 \
      --models "${mock_models[$name]}" --log-format json >"$work/$name.log" 2>&1 &
    mock_pids+=($!)
    wait_for 30 grep -q 'listening at' "$work/$name.log" || die "mock-backend $name did not start: $(cat "$work/$name.log")"
    mock_urls[$name]=$(sed -n 's|.*listening at \(http://[^ ]*/v1\).*|\1|p' "$work/$name.log" | head -n 1)
    [ -n "${mock_urls[$name]}" ] || die "mock-backend $name logged no URL: $(cat "$work/$name.log")"
    say "mock-backend $name at ${mock_urls[$name]} (models ${mock_models[$name]})"
    fleet_desc="${fleet_desc:+$fleet_desc }$name=${mock_models[$name]}"
  done
  cat >"$work/relay.yaml" <<EOF
# the compat suite's fleet (compat/run.sh --fleet)
backends:
  - name: compat
    type: vllm
    url: $backend_url/v1
    pass_client_auth: true           # the suites check that the client's own key reaches it
  - name: mock-a
    type: openai-compatible
    url: ${mock_urls[mock-a]}
  - name: mock-b
    type: openai-compatible
    url: ${mock_urls[mock-b]}
routing:
  strategy: round-robin
EOF
  export RELAY_COMPAT_FLEET=$fleet_desc
  backend_args=(--config "$work/relay.yaml")
  backend_desc="a fleet: compat at $backend_url/v1 (vllm), mock-a, mock-b; round-robin"
else
  unset RELAY_COMPAT_FLEET
  backend_args=(--backend "$backend_url/v1" --backend-type vllm --backend-name compat --pass-client-auth)
  backend_desc="backend $backend_url/v1, type vllm"
fi

for attempt in 1 2 3; do
  proxy_port=$(free_port)
  say "starting the proxy on 127.0.0.1:$proxy_port ($backend_desc)"
  # TZ=UTC: /api/tags and /api/show render modified_at in the server's offset; the tests expect Z
  TZ=UTC java "${java_opts[@]}" -jar "$jar" serve \
    --host 127.0.0.1 --port "$proxy_port" "${backend_args[@]}" \
    --log-format json --log-level WARN >"$work/proxy.log" 2>&1 &
  proxy_pid=$!
  # ready: every backend answered its probe and its model list was read (a fleet's catalogue is whole)
  if wait_for 30 http_ok "http://127.0.0.1:$proxy_port/health/ready"; then break; fi
  kill "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null || true
  proxy_pid=
  [ "$attempt" -lt 3 ] || die "the proxy did not start: $(tail -n 20 "$work/proxy.log")"
done
export COMPAT_PROXY_URL=http://127.0.0.1:$proxy_port
export COMPAT_BACKEND_URL=$backend_url

# ---- the suites -------------------------------------------------------------------------------------
declare -A result
if wants node; then
  say "node suite: ollama-js $(cd "$compat/node" && node -p 'require("./node_modules/ollama/package.json").version'), openai $(cd "$compat/node" && node -p 'require("./node_modules/openai/package.json").version'), @anthropic-ai/sdk $(cd "$compat/node" && node -p 'require("./node_modules/@anthropic-ai/sdk/package.json").version') (node $(node --version))"
  if (cd "$compat/node" && node --test --test-concurrency=1 --test-reporter=spec test/*.test.mjs); then result[node]=passed; else result[node]=FAILED; fi
fi
if wants python; then
  say "python suite: $("$compat/.venv/bin/python" -c 'import importlib.metadata as m, sys; print("ollama", m.version("ollama") + ", openai", m.version("openai") + ", anthropic", m.version("anthropic"), "(python %d.%d)" % sys.version_info[:2])')"
  if (cd "$compat/python" && "$compat/.venv/bin/python" -m pytest -v); then result[python]=passed; else result[python]=FAILED; fi
fi
if wants jvm; then
  say "jvm suite: $(sed -n 's:.*<langchain4j.version>\(.*\)</langchain4j.version>.*:langchain4j-ollama \1:p' "$compat/jvm/pom.xml") (java $(java -version 2>&1 | sed -n '1s/.*"\(.*\)".*/\1/p'))"
  if mvn -B -ntp -f "$compat/jvm/pom.xml" test; then result[jvm]=passed; else result[jvm]=FAILED; fi
fi

failed=0
say "summary ($(( $(date +%s) - start_time )) s$([ "$fleet" = 1 ] && echo ", three-backend fleet"))"
for s in "${suites[@]}"; do
  printf '  %-7s %s\n' "$s" "${result[$s]}"
  [ "${result[$s]}" = passed ] || failed=1
done
exit "$failed"
