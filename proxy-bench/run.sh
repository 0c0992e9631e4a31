#!/usr/bin/env bash
# Benchmarks llm-relay and writes docs/BENCHMARKS.md.
#
#   proxy-bench/run.sh            full run (~75 min): JMH, warm-up, saturation (closed loop) and fixed-rate scenarios,
#                                 3 runs each, direct / nginx / the floor (Bench floor: Netty's HTTP codecs both ways,
#                                 nothing else) / llm-relay in its default configuration / llm-relay with
#                                 logging off / llm-relay with a fleet of three mock backends (--config), one and two
#                                 event loops, Java 17 and 25, JFR profiles, memory with many streams, start-up;
#                                 rewrites docs/BENCHMARKS.md
#   proxy-bench/run.sh --smoke    ~40 s: tiny rates and durations, one JMH benchmark; proves the jars and tools work
#                                 (exit 0), asserts nothing about speed, leaves docs/ alone
#
# Options: --runs N (repetitions, default 3), --only LIST (sections, comma-separated: jmh, sweep, saturation, latency,
#          access (the cost of client keys and rate limits: the default proxy against one with keys and limits that
#          never refuse, local and shared through a redis-server when one is installed), profile, memory, startup; the report then goes to the results directory unless --out says otherwise),
#          --no-build, --build, --results DIR, --out FILE (report path).
# Environment: RELAY_JAVA_OPTS, RELAY_CDS (passed to `./run.sh --java-opts`, which prints the proxy's JVM flags for
#              each JVM, its class-data archive included), RELAY_JAVA (the default JVM, default `java`, Java 17),
#              RELAY_JAVA25 (a Java 25 `java`, default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; its scenarios are
#              skipped when it is missing), CONTAINER_JAVA_OPTS (default: -XX:MaxRAM=$CONTAINER_MEM plus the JVM flags
#              of the Dockerfile's JAVA_OPTS and launcher; CONTAINER_MEM default 512m), LAT_RATE (req/s of the fixed-rate scenarios, default 5000),
#              SAT_CONNECTIONS (closed-loop connections, default 32), SWEEP_RUNS (default 1), C10K_STREAMS (streams of
#              the "10,000 streams" scenario, default 10000, fewer when the open-files limit is lower; for trials),
#              JIT_SETTLED_PCT / WARM_ROUNDS_MAX (a Java proxy warms up in rounds until its JIT compiler threads take at
#              most this share of its CPU, default 5 %, in at most this many rounds, default 10).
#
# Placement on a 2-core box: the proxy (or nginx) on CPU 0, the load generator and the mock (the fleet's three mocks) on
# CPU 1; llm-relay with two event loops gets both CPUs (the generator and the mock stay on CPU 1). Every process this script starts is stopped by
# its own PID when it exits.
set -euo pipefail
# One group, read whole before any of it runs: bash reads a plain script as it goes, and a run lasts over an
# hour, so an edit to this file during a run broke the run.
{
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

ALL_SECTIONS=jmh,sweep,saturation,latency,access,profile,memory,startup
MODE=full
RUNS=3
BUILD=auto
RESULTS=""
REPORT=""
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) MODE=smoke ;;
    --runs) RUNS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --no-build) BUILD=no ;;
    --build) BUILD=yes ;;
    --results) RESULTS=$2; shift ;;
    --out) REPORT=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$SELF" | sed '$d'; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
SECTIONS=${ONLY:-$ALL_SECTIONS}
for s in ${SECTIONS//,/ }; do
  [[ ",$ALL_SECTIONS," == *",$s,"* ]] || { echo "run.sh: unknown section '$s' (sections: $ALL_SECTIONS)" >&2; exit 2; }
done
section() { [[ ",$SECTIONS," == *",$1,"* ]]; }

BENCH_JAR=proxy-bench/target/benchmarks.jar
RELAY_JAR=proxy-server/target/llm-relay.jar
OUT=${RESULTS:-proxy-bench/target/bench-results/$MODE${ONLY:+-partial}}
if [ "$MODE" = smoke ]; then
  RUNS=1
  REPORT=${REPORT:-$OUT/BENCHMARKS.md}
elif [ -n "$ONLY" ]; then
  REPORT=${REPORT:-$OUT/BENCHMARKS.md} # a partial run never overwrites docs/BENCHMARKS.md unless asked to
else
  REPORT=${REPORT:-docs/BENCHMARKS.md}
fi
T_START=$(date +%s)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# the proxies run in their default configuration: nothing from the caller's environment may change it
unset LOG_LEVEL LOG_FORMAT HOST PORT PROXY_PORT

# ---------------------------------------------------------------- build

stale() {
  [ ! -f "$BENCH_JAR" ] || [ ! -f "$RELAY_JAR" ] || [ -n "$(find pom.xml proxy-core proxy-server proxy-bench \
    -newer "$BENCH_JAR" \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' -o -name '*.xml' \) \
    -not -path '*/target/*' -print -quit)" ] || [ -n "$(find proxy-core proxy-server -newer "$RELAY_JAR" \
    \( -name '*.java' -o -name 'pom.xml' \) -not -path '*/target/*' -print -quit)" ]
}
if [ "$BUILD" = yes ] || { [ "$BUILD" = auto ] && stale; }; then
  log "building (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package
fi
[ -f "$BENCH_JAR" ] && [ -f "$RELAY_JAR" ] || { echo "run.sh: jars missing after build" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT/meta" "$OUT/logs" "$OUT/hlog"

# ---------------------------------------------------------------- placement, limits, JVMs

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  PIN_PROXY="taskset -c 0"
  PIN_LOAD="taskset -c 1"
  PIN_BOTH="taskset -c 0,1"
  PLACEMENT="proxy (llm-relay or nginx) pinned to CPU 0; load generator and mock pinned to CPU 1 (taskset)"
else
  PIN_PROXY=""
  PIN_LOAD=""
  PIN_BOTH=""
  PLACEMENT="not pinned (taskset missing or fewer than 2 CPUs)"
fi
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)

QUIET_JVM="-Dio.netty.leakDetection.level=disabled -Dslf4j.internal.verbosity=ERROR"
LOAD_JAVA="-Xms1g -Xmx1g -XX:+UseParallelGC $QUIET_JVM"
MOCK_JAVA="-Xms512m -Xmx512m -XX:+UseParallelGC $QUIET_JVM"

RELAY_JAVA=${RELAY_JAVA:-java}
RELAY_JAVA25=${RELAY_JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
jcmd_of() { local d; d=$(dirname "$(command -v "$1" 2>/dev/null || echo "$1")"); [ -x "$d/jcmd" ] && echo "$d/jcmd" || echo jcmd; }
HAVE_J25=0
J25_NOTE=""
if [ "$MODE" = smoke ]; then
  J25_NOTE="not run in --smoke mode"
elif [ -x "$RELAY_JAVA25" ] && "$RELAY_JAVA25" -version >/dev/null 2>&1; then
  HAVE_J25=1
else
  J25_NOTE="no Java 25 at $RELAY_JAVA25 (set RELAY_JAVA25): its columns are left out"
  log "$J25_NOTE"
fi

# The proxy's JVM flags are those ./run.sh starts it with, for each JVM: `./run.sh --java-opts` prints them (with its
# class-data archive for that JVM, which it writes once per build; RELAY_JAVA_OPTS and RELAY_CDS pass through to it);
# an older run.sh without that option: the `${RELAY_JAVA_OPTS:-...}` default in it.
FALLBACK_JAVA_OPTS="-Xms64m -Xmx512m -XX:+UseParallelGC"
runsh_java_opts() { # JAVA: prints "source|flags"
  local javabin=$1 opts="" dir
  if grep -q -- '--java-opts' run.sh 2>/dev/null; then
    dir=$(dirname "$(command -v "$javabin" 2>/dev/null || echo "$javabin")")
    if opts=$(PATH="$dir:$PATH" ./run.sh --java-opts 2>>"$OUT/logs/run.sh-java-opts.log" | tail -n 1) && [ -n "$opts" ]; then
      echo "./run.sh --java-opts${RELAY_JAVA_OPTS:+ (with RELAY_JAVA_OPTS=$RELAY_JAVA_OPTS)}|$opts"
      return
    fi
  fi
  opts=$(sed -n 's/.*\${RELAY_JAVA_OPTS:-\([^}]*\)}.*/\1/p' run.sh 2>/dev/null | head -n 1 || true)
  if [ -n "${RELAY_JAVA_OPTS:-}" ]; then echo "RELAY_JAVA_OPTS|$RELAY_JAVA_OPTS"
  elif [ -n "$opts" ]; then echo "./run.sh's default|$opts"
  else echo "run.sh's flags not found: built-in fallback|$FALLBACK_JAVA_OPTS"; fi
}
found=$(runsh_java_opts "$RELAY_JAVA")
RELAY_JAVA_OPTS_SOURCE=${found%%|*}
RELAY_JAVA17_OPTS=$(echo "${found#*|}" | sed 's/ *$//')
RELAY_JAVA25_OPTS=""
if [ "$HAVE_J25" = 1 ]; then
  found=$(runsh_java_opts "$RELAY_JAVA25")
  RELAY_JAVA25_OPTS=$(echo "${found#*|}" | sed 's/ *$//')
fi
# The Docker image's JVM flags (its JAVA_OPTS, then the flags its llm-relay launcher adds: the class-data archive,
# Netty's library directory), in a container limited to CONTAINER_MEM (MaxRAM stands in for the limit); the image's
# class-data archive and library directory are this machine's, as run.sh wrote them for Java 17.
docker_java_opts() {
  { sed -n 's/^ *JAVA_OPTS="\([^"]*\)".*/\1/p' Dockerfile | head -n 1
    grep "'exec java " Dockerfile | head -n 1 | grep -o -- '-[XD][^ ]*'
  } 2>/dev/null | tr '\n' ' ' | sed 's/ *$//' || true
}
local_archive=$(echo "$RELAY_JAVA17_OPTS" | grep -o -- '-XX:SharedArchiveFile=[^ ]*' | head -n 1 || true)
local_natives=$(echo "$RELAY_JAVA17_OPTS" | grep -o -- '-Djava.library.path=[^ ]*' | head -n 1 || true)
CONTAINER_MEM=${CONTAINER_MEM:-512m}
CONTAINER_JAVA_OPTS=${CONTAINER_JAVA_OPTS:-"-XX:MaxRAM=$CONTAINER_MEM $(docker_java_opts | sed "s|-XX:SharedArchiveFile=[^ ]*|$local_archive|; s|-Djava.library.path=[^ ]*|$local_natives|")"}
CONTAINER_JAVA_OPTS=$(echo "$CONTAINER_JAVA_OPTS" | tr -s ' ' | sed 's/ *$//')
bench() { java $LOAD_JAVA -cp "$BENCH_JAR" io.llmrelay.bench.Bench "$@"; }
DROP_COUNTER=llm_relay_log_lines_dropped_total

# ---------------------------------------------------------------- processes (each stopped by its own PID)

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() {
  local pid=$1 i keep=()
  for i in "${PIDS[@]:-}"; do [ "$i" != "$pid" ] && keep+=("$i"); done
  PIDS=("${keep[@]:-}")
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# status code of GET http://127.0.0.1:$1$2 over bash's /dev/tcp, or 000
http_status() {
  local line
  line=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
          printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "${2:-/}" >&3
          head -c 12 <&3) 2>/dev/null) || true
  echo "${line:9:3}" | grep -E '^[0-9]{3}$' || echo 000
}
wait_ready() { # port path seconds
  local end=$((SECONDS + ${3:-60}))
  while [ "$SECONDS" -lt "$end" ]; do
    [ "$(http_status "$1" "$2")" = 200 ] && return 0
    sleep 0.05
  done
  echo "run.sh: nothing answered 200 on port $1$2" >&2
  return 1
}
USED_PORTS=" "
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    [[ "$USED_PORTS" == *" $p "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { USED_PORTS+="$p "; echo "$p"; return; }
  done
}

# ---------------------------------------------------------------- scenario settings

PROMPT='"messages":[{"role":"user","content":"Why is the sky blue?"}]'
V1_BODY="{\"model\":\"mock\",$PROMPT,\"stream\":false}"
CHAT_BODY="{\"model\":\"mock\",$PROMPT,\"stream\":false}"
SSE_BODY="{\"model\":\"mock\",$PROMPT,\"stream\":true,\"stream_options\":{\"include_usage\":true}}"
# saturation: zero-latency answers of 10 and 50 token events (~200 B each), as a canned backend gives them
CHAT10_MODEL=mock-t0-e10-d0-b200
STREAM50_MODEL=mock-t0-e50-d0-b200
SAT_CONNECTIONS=${SAT_CONNECTIONS:-32}
if [ "$MODE" = smoke ]; then
  LAT_RATE=${LAT_RATE:-50}; LAT_DUR=0.5; LAT_WARM=0.2
  STREAM_MODEL=mock-t5-e5-d5; STREAM_RATE=20; STREAM_DUR=0.5; STREAM_WARM=0
  C1K_MODEL=mock-t10-e3-d100; C1K_RATE=40; C1K_SEND=0.5
  C10K_N=0
  SWEEP_RATES=100,200; SWEEP_WARM=0.2; SWEEP_FIRST_WARM=0.3; SWEEP_DUR=0.3; SWEEP_LIMIT=1000000
  SAT_CONNECTIONS=4; SAT_DUR=0.5; SAT_WARM=0.2
  SWEEP_RUNS=1
  WARMUP=0
  FLAGS_SMOKE=(--fail-on-errors)
else
  LAT_RATE=${LAT_RATE:-5000}; LAT_DUR=10; LAT_WARM=3
  STREAM_MODEL=mock-t50-e50-d20-b200; STREAM_RATE=100; STREAM_DUR=10; STREAM_WARM=3
  C1K_MODEL=mock-t100-e20-d500-b200; C1K_RATE=200; C1K_SEND=5
  # each stream holds two descriptors in the proxy (client + backend); stay under the open-files limit
  C10K_N=$(( (NOFILE - 300) / 2 )); [ "$C10K_N" -gt "${C10K_STREAMS:-10000}" ] && C10K_N=${C10K_STREAMS:-10000}
  SWEEP_RATES=2500,5000,7500,10000,12500,15000,20000,25000,30000; SWEEP_WARM=1; SWEEP_FIRST_WARM=8; SWEEP_DUR=3; SWEEP_LIMIT=5000
  SAT_DUR=10; SAT_WARM=2
  SWEEP_RUNS=${SWEEP_RUNS:-1}
  WARMUP=1
  FLAGS_SMOKE=()
fi
# opened at 500/s (1,000/s overloads a busy proxy core with connection set-ups); each stream outlives the window
C10K_MODEL=mock-t100-e25-d1000-b200
C10K_RATE=500
stream_body() { echo "{\"model\":\"$1\",$PROMPT,\"stream\":true}"; }
sse_body() { echo "{\"model\":\"$1\",$PROMPT,\"stream\":true,\"stream_options\":{\"include_usage\":true}}"; }
chat_body() { echo "{\"model\":\"$1\",$PROMPT,\"stream\":false}"; }
events_of() { echo "$1" | sed -n 's/.*-e\([0-9]*\).*/\1/p'; }

# ---------------------------------------------------------------- servers

# launch_mock [N]: the bench's mock (N=1: MOCK_PID, MOCK_PORT) or the fleet's Nth (the same mock, another process
# on its own port), pinned alike; await_mock N waits for its port. start_mock: the first, launched and awaited.
declare -A MOCK_PIDS MOCK_PORTS
mock_name() { [ "${1:-1}" = 1 ] && echo mock || echo "mock$1"; }
launch_mock() {
  local n=${1:-1} name
  name=$(mock_name "$n")
  rm -f "$OUT/$name.port"
  $PIN_LOAD java $MOCK_JAVA -cp "$BENCH_JAR" io.llmrelay.bench.Bench mock --port 0 --port-file "$OUT/$name.port" \
    --events 16 --event-bytes 200 --list-model "$STREAM_MODEL" --list-model "$C1K_MODEL" --list-model "$C10K_MODEL" \
    --list-model "$CHAT10_MODEL" --list-model "$STREAM50_MODEL" >"$OUT/logs/$name.log" 2>&1 &
  MOCK_PIDS[$n]=$!
  PIDS+=("${MOCK_PIDS[$n]}")
  [ "$n" = 1 ] && MOCK_PID=${MOCK_PIDS[1]}
  return 0
}
await_mock() {
  local n=${1:-1} name i
  name=$(mock_name "$n")
  for i in $(seq 1 200); do [ -s "$OUT/$name.port" ] && break; sleep 0.05; done
  MOCK_PORTS[$n]=$(cat "$OUT/$name.port")
  [ "$n" = 1 ] && MOCK_PORT=${MOCK_PORTS[1]}
  wait_ready "${MOCK_PORTS[$n]}" / 30
}
start_mock() { launch_mock 1 && await_mock 1; }

# The fleet (target relay-fleet): llm-relay in its default configuration started with --config FLEET_CONFIG instead
# of --backend, the config listing FLEET_SIZE backends, the bench's mock and FLEET_SIZE-1 more mock processes, every
# one serving every model of the bench; routing by least connections (the default strategy, written out).
FLEET_SIZE=3
FLEET_STRATEGY=least-connections
FLEET_CONFIG="$OUT/fleet.yaml"
fleet_backend() { echo "mock-$1"; } # the name of the Nth backend in the config (logs, X-Relay-Backend, metrics)
write_fleet_config() {
  local i
  {
    echo "# Written by proxy-bench/run.sh: the fleet scenario's $FLEET_SIZE backends, each a bench mock (its own process,"
    echo "# pinned like the first) serving every model of the bench. Everything else is llm-relay's default."
    echo "backends:"
    for i in $(seq 1 "$FLEET_SIZE"); do
      echo "  - name: $(fleet_backend "$i")"
      echo "    url: http://127.0.0.1:${MOCK_PORTS[$i]}/v1"
    done
    echo "routing:"
    echo "  strategy: $FLEET_STRATEGY"
  } >"$FLEET_CONFIG"
}

# The llm-relay variants, by target label: relay (the default configuration: INFO, a JSON access-log line per request
# on stdout, which goes to a file as a container runtime would keep it), relay-quiet (--log-level WARN: logging off),
# relay-j25 (the default configuration on Java 25), relay-el2 (two event loops on both CPUs), relay-fleet (the default
# configuration with --config FLEET_CONFIG: three backends instead of one).
declare -A PID PORT LOGFILE LOGCHECK JCMD DESC
# start_relay LABEL JAVA "JVM FLAGS" "PIN" [serve options...]: starts it; wait_relay LABEL waits for it
start_relay() {
  local label=$1 javabin=$2 flags=$3 pin=$4
  shift 4
  PORT[$label]=$(free_port)
  LOGFILE[$label]="$ROOT/$OUT/logs/$label.log"
  JCMD[$label]=$(jcmd_of "$javabin")
  LOGCHECK[$label]=1
  local a backend=(--backend "http://127.0.0.1:$MOCK_PORT/v1") shown="--backend http://127.0.0.1:M/v1"
  for a in "$@"; do
    [ "$a" = --log-level ] && LOGCHECK[$label]=0
    [ "$a" = --config ] && { backend=(); shown=""; } # the backends are the file's (serve refuses both)
  done
  # shellcheck disable=SC2086
  $pin "$javabin" $flags -jar "$RELAY_JAR" serve --port "${PORT[$label]}" "${backend[@]}" "$@" \
    >>"${LOGFILE[$label]}" 2>&1 &
  PID[$label]=$!
  PIDS+=("${PID[$label]}")
  DESC[$label]="$javabin $flags -jar $RELAY_JAR serve --port P${shown:+ $shown}${*:+ $*}${pin:+ (under $pin)}"
}
wait_relay() { wait_ready "${PORT[$1]}" / 60; }
stop_relay() { [ -n "${PID[$1]:-}" ] && stop_pid "${PID[$1]}"; PID[$1]=""; }

NGINX_PID=""
start_nginx() {
  local dir="$ROOT/$OUT/nginx"
  mkdir -p "$dir/tmp"
  chmod -R 777 "$dir/tmp"
  NGINX_PORT=$(free_port)
  cat >"$dir/nginx.conf" <<EOF
# nginx as a plain reverse proxy in front of the mock: the floor for pass-through cost.
worker_processes 1;
worker_rlimit_nofile $NOFILE;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections $((NOFILE - 100)); }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  upstream mock {
    server 127.0.0.1:$MOCK_PORT;
    keepalive 1024;
    keepalive_requests 10000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
EOF
  $PIN_PROXY nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$OUT/logs/nginx.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_ready "$NGINX_PORT" /v1/models 30
}

# The floor (target floor): the bench's own minimal Netty HTTP proxy (`Bench floor`), Netty's HTTP codecs both ways
# and a backend connection per client connection on one event loop, nothing else; pinned as the proxies are, with
# llm-relay's heap flags (no class-data archive: it is llm-relay's) and the Netty settings llm-relay runs with.
FLOOR_PID=""
FLOOR_PORT=""
start_floor() {
  local flags
  flags=$(echo "$RELAY_JAVA17_OPTS" | tr ' ' '\n' | grep -v -e '^-XX:SharedArchiveFile=' -e '^-Xlog:cds' -e '^-Xshare' | tr '\n' ' ')
  FLOOR_JAVA="$flags-Dio.netty.allocator.type=pooled -Dio.netty.leakDetection.level=disabled -Dio.netty.buffer.checkAccessible=false -Dio.netty.buffer.checkBounds=false -Dio.netty.jfr.enabled=false"
  rm -f "$OUT/floor.port"
  # shellcheck disable=SC2086
  $PIN_PROXY java $FLOOR_JAVA -cp "$BENCH_JAR" io.llmrelay.bench.Bench floor --port 0 --port-file "$OUT/floor.port" \
    --backend-port "$MOCK_PORT" >"$OUT/logs/floor.log" 2>&1 &
  FLOOR_PID=$!
  PIDS+=("$FLOOR_PID")
  local i
  for i in $(seq 1 200); do [ -s "$OUT/floor.port" ] && break; sleep 0.05; done
  FLOOR_PORT=$(cat "$OUT/floor.port")
  wait_ready "$FLOOR_PORT" /v1/models 30
}

ensure_nginx() {
  command -v nginx >/dev/null && return 0
  [ "$MODE" = smoke ] && return 1 # the smoke run installs nothing
  log "installing nginx-light with apt-get (the pass-through floor)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  { $sudo apt-get install -y -q nginx-light || { $sudo apt-get update -q && $sudo apt-get install -y -q nginx-light; }; } \
    >"$OUT/logs/apt.log" 2>&1 || return 1
  command -v nginx >/dev/null
}

port_of() {
  case "$1" in
    direct) echo "$MOCK_PORT" ;;
    nginx) echo "$NGINX_PORT" ;;
    floor) echo "$FLOOR_PORT" ;;
    *) echo "${PORT[$1]}" ;;
  esac
}
have() { # is this target running?
  case "$1" in
    direct) return 0 ;;
    nginx) [ -n "$NGINX_PID" ] ;;
    floor) [ -n "$FLOOR_PID" ] ;;
    *) [ -n "${PID[$1]:-}" ] ;;
  esac
}

# ---------------------------------------------------------------- load runs

# run_load NAME TARGET PATH BODY RATE DURATION WARMUP [extra load flags...]: one run into $OUT/NAME.TARGET.r$REP.json
run_load() {
  local name=$1 target=$2 path=$3 body=$4 rate=$5 dur=$6 warm=$7
  shift 7
  local port watch=(--watch-also "mock=$MOCK_PID")
  port=$(port_of "$target")
  case "$target" in
    direct) ;;
    nginx) watch+=(--watch-pid "$NGINX_PID") ;;
    floor) watch+=(--watch-pid "$FLOOR_PID" --watch-threads floor-) ;;
    *)
      watch+=(--watch-pid "${PID[$target]}" --watch-threads relay- --metrics-url "http://127.0.0.1:$port/metrics"
        --counter "$DROP_COUNTER" --jcmd "${JCMD[$target]}")
      [ "${LOGCHECK[$target]}" = 1 ] && watch+=(--log-file "${LOGFILE[$target]}")
      if [ "$target" = relay-fleet ]; then # every mock's CPU, and the requests each backend got (warm-up included)
        local i
        for i in $(seq 2 "$FLEET_SIZE"); do watch+=(--watch-also "$(mock_name "$i")=${MOCK_PIDS[$i]}"); done
        for i in $(seq 1 "$FLEET_SIZE"); do watch+=(--counter "llm_relay_backend_attempts_total{backend=\"$(fleet_backend "$i")\"}"); done
      fi
      ;;
  esac
  case "$target" in relay-access*) set -- "$@" -H "Authorization: Bearer $ACCESS_KEY" ;; esac
  local file="$OUT/$name.$target.r$REP.json"
  $PIN_LOAD java $LOAD_JAVA -cp "$BENCH_JAR" io.llmrelay.bench.Bench load --label "$name/$target/r$REP" \
    --url "http://127.0.0.1:$port$path" --body "$body" --rate "$rate" --duration "$dur" --warmup "$warm" \
    --json "$file" --clk-tck "$CLK_TCK" "${watch[@]}" "$@" 2>&1 | tee -a "$OUT/logs/load.log" | sed '/^SLF4J/d' >&2
  local status=${PIPESTATUS[0]}
  if [ "$status" -ne 0 ]; then
    [ "$MODE" = smoke ] && { echo "run.sh: load run $name/$target failed" >&2; exit 1; }
    log "warning: load run $name/$target/r$REP exited with $status"
  fi
  if [ -f "$file" ] && grep -q '"missing" : [1-9]' "$file"; then
    log "warning: $name/$target/r$REP: access-log lines missing ($(grep -A0 '"missing"' "$file" | tr -d ' '))"
  fi
  # the access logs are counted per run: keep them from filling the disk (the proxies append, so truncating is safe)
  case "$target" in direct|nginx|floor) ;; *)
    if [ -f "${LOGFILE[$target]}" ] && [ "$(stat -c %s "${LOGFILE[$target]}")" -gt $((256 * 1024 * 1024)) ]; then
      : >"${LOGFILE[$target]}"
    fi ;;
  esac
  return 0
}

# run_sat NAME TARGET PATH BODY EVENTS [extra...]: closed loop over SAT_CONNECTIONS connections (or CONNECTIONS)
run_sat() {
  local name=$1 target=$2 path=$3 body=$4 events=$5
  shift 5
  have "$target" || return 0
  log "saturation $name, $target, run $REP"
  run_load "$name" "$target" "$path" "$body" 0 "$SAT_DUR" "$SAT_WARM" --closed-connections "${CONNECTIONS:-$SAT_CONNECTIONS}" \
    --events-per-request "$events" --quiet "${FLAGS_SMOKE[@]}" "$@"
}

# ---------------------------------------------------------------- metadata

{
  lscpu 2>/dev/null | grep -E '^(Architecture|Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\)|CPU max MHz|CPU MHz|L2 cache|L3 cache|Hypervisor vendor|Virtualization type)' || true
} >"$OUT/meta/lscpu.txt"
grep -E '^(MemTotal|MemAvailable)' /proc/meminfo >"$OUT/meta/memory.txt" || true
{
  echo "kernel: $(uname -sr)"
  echo "java: $("$RELAY_JAVA" -version 2>&1 | head -2 | tr '\n' ' ')"
  [ "$HAVE_J25" = 1 ] && echo "java 25: $("$RELAY_JAVA25" -version 2>&1 | head -2 | tr '\n' ' ')"
  bench versions 2>/dev/null | sed -e '/^SLF4J/d' -e 's/^/bench jar: /'
  command -v nginx >/dev/null && echo "nginx: $(nginx -v 2>&1 | sed 's/.*: //')"
  echo "llm-relay: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- proxy-core proxy-server 2>/dev/null || echo ' (with uncommitted changes)')"
} >"$OUT/meta/versions.txt"
echo "open files limit: $NOFILE; clock ticks: $CLK_TCK" >"$OUT/meta/limits.txt"
LOADAVG_START=$(cut -d' ' -f1 /proc/loadavg)
cpu_ticks() { awk '/^cpu / {t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9}' /proc/stat; }
TICKS_START=$(cpu_ticks)
log "sections: $SECTIONS; proxy JVM flags ($RELAY_JAVA_OPTS_SOURCE): $RELAY_JAVA17_OPTS${RELAY_JAVA25_OPTS:+; on Java 25: $RELAY_JAVA25_OPTS}"

JMH_ARGS_FULL="-f 1 -t 1 -wi 5 -w 2s -i 5 -r 1s -prof gc"
JMH_ARGS_SMOKE="SseFramerBenchmark -p split=WHOLE -f 1 -wi 1 -i 1 -r 1s -w 1s -prof gc"

# ---------------------------------------------------------------- JMH (nothing else of ours running)

if [ "$MODE" = smoke ]; then JMH_ARGS=$JMH_ARGS_SMOKE; else JMH_ARGS=$JMH_ARGS_FULL; fi
if section jmh; then
  log "JMH: $JMH_ARGS"
  # shellcheck disable=SC2086
  $PIN_PROXY java -Dslf4j.internal.verbosity=ERROR -jar "$BENCH_JAR" $JMH_ARGS -rf json -rff "$OUT/jmh.json" \
    >"$OUT/logs/jmh.log" 2>&1 || { tail -30 "$OUT/logs/jmh.log" >&2; echo "run.sh: JMH failed" >&2; exit 1; }
  grep -E '^Benchmark |Benchmark\.' "$OUT/logs/jmh.log" | grep -v 'gc\.count\|gc\.time\|gc\.alloc\.rate \|:jfr\|:stack' >&2 || true
fi

# ---------------------------------------------------------------- servers for the load scenarios

NEED_PROXIES=0
for s in sweep saturation latency access profile; do section "$s" && NEED_PROXIES=1; done
# the fleet runs in the saturation section, and (full run) in the fixed-rate pass-through and translated scenarios
NEED_FLEET=0
if section saturation || { section latency && [ "$MODE" = full ]; }; then NEED_FLEET=1; fi
HAVE_NGINX=0
PASS_TARGETS="direct relay relay-quiet"
RELAYS="relay relay-quiet"
if section sweep || section saturation || section latency || section access || section profile || section memory || section startup; then
  start_mock
fi
if [ $NEED_PROXIES = 1 ]; then
  if [ $NEED_FLEET = 1 ]; then for i in $(seq 2 "$FLEET_SIZE"); do launch_mock "$i"; done; fi
  start_relay relay "$RELAY_JAVA" "$RELAY_JAVA17_OPTS" "$PIN_PROXY"
  start_relay relay-quiet "$RELAY_JAVA" "$RELAY_JAVA17_OPTS" "$PIN_PROXY" --log-level WARN
  if section saturation && [ "$MODE" = full ]; then
    if [ "$HAVE_J25" = 1 ]; then
      start_relay relay-j25 "$RELAY_JAVA25" "$RELAY_JAVA25_OPTS" "$PIN_PROXY"
      RELAYS="$RELAYS relay-j25"
    fi
    start_relay relay-el2 "$RELAY_JAVA" "$RELAY_JAVA17_OPTS" "$PIN_BOTH" --event-loops 2
    RELAYS="$RELAYS relay-el2"
  fi
  if [ $NEED_FLEET = 1 ]; then
    for i in $(seq 2 "$FLEET_SIZE"); do await_mock "$i"; done
    write_fleet_config
    start_relay relay-fleet "$RELAY_JAVA" "$RELAY_JAVA17_OPTS" "$PIN_PROXY" --config "$FLEET_CONFIG"
    RELAYS="$RELAYS relay-fleet"
  fi
  for r in $RELAYS; do wait_relay "$r"; done
  if ensure_nginx && start_nginx; then HAVE_NGINX=1; else log "nginx not available: its rows are left out"; fi
  [ $HAVE_NGINX = 1 ] && PASS_TARGETS="direct nginx relay relay-quiet"
  if section saturation; then start_floor; fi
  log "mock :$MOCK_PORT (pid $MOCK_PID)$(for i in $(seq 2 "$FLEET_SIZE"); do [ -n "${MOCK_PIDS[$i]:-}" ] && printf ', %s :%s (pid %s)' "$(mock_name "$i")" "${MOCK_PORTS[$i]}" "${MOCK_PIDS[$i]}"; done)$(for r in $RELAYS; do printf ', %s :%s (pid %s)' "$r" "${PORT[$r]}" "${PID[$r]}"; done)$([ $HAVE_NGINX = 1 ] && echo ", nginx :$NGINX_PORT (pid $NGINX_PID)")$([ -n "$FLOOR_PID" ] && echo ", floor :$FLOOR_PORT (pid $FLOOR_PID)")"
fi

# A fixed warm-up is too short on a slow day: at less than half the usual speed the first measured run still had
# the JIT compiling (its compiler threads 44 us of a 111 us request). So a Java proxy warms up in rounds,
# one more while its compiler threads took more than JIT_SETTLED_PCT % of its CPU in any path of the last
# one, at most WARM_ROUNDS_MAX rounds; each round's share is logged, and the rounds taken go to the meta.
# Ten: with run.sh's raised JIT thresholds (-XX:CompileThresholdScaling=4) every llm-relay of the 15:27 run
# on 2026-12-01 used all of six and still compiled (13-43 % of its CPU in the last round).
JIT_SETTLED_PCT=${JIT_SETTLED_PCT:-5}
WARM_ROUNDS_MAX=${WARM_ROUNDS_MAX:-10}
jit_pct() { # FILE: the compiler threads' share of the process's CPU in a load run's JSON, in whole percent
  awk -F: '/"cpu_us_per_request"/ && !all { gsub(/[ ,]/, "", $2); all = $2 }
           /"CN CompilerThre"/ { gsub(/[ ,]/, "", $2); jit = $2 }
           END { printf "%d\n", (all > 0 ? 100 * jit / all : 0) }' "$1" 2>/dev/null || echo 0
}
# warm_rounds TARGET "PATH|BODY|SECONDS" ...: rounds over the given loads until the JIT has settled
warm_rounds() {
  local target=$1 round worst load pct wpath wbody wsec
  shift
  for round in $(seq 1 "$WARM_ROUNDS_MAX"); do
    worst=0
    for load in "$@"; do
      IFS='|' read -r wpath wbody wsec <<<"$load"
      run_load warmup "$target" "$wpath" "$wbody" 0 "$wsec" 0 --closed-connections "$SAT_CONNECTIONS" --quiet
      pct=$(jit_pct "$OUT/warmup.$target.r0.json")
      [ "$pct" -gt "$worst" ] && worst=$pct
    done
    log "warm-up $target, round $round: the compiler threads took up to $worst % of its CPU"
    WARM_TAKEN[$target]=$round
    [ "$worst" -le "$JIT_SETTLED_PCT" ] && return 0
  done
  log "warning: $target's JIT still took $worst % of its CPU after $WARM_ROUNDS_MAX warm-up rounds"
}
declare -A WARM_TAKEN
REP=0
if [ $NEED_PROXIES = 1 ] && [ "$WARMUP" = 1 ]; then
  log "warm-up: every llm-relay in rounds (closed loop: pass-through 4 s, translated 4 s, streamed 2 s) until its JIT has settled, then nginx 2 s, the floor in rounds (pass-through 4 s, streamed 4 s)"
  for r in $RELAYS; do
    warm_rounds "$r" "/v1/chat/completions|$V1_BODY|4" "/api/chat|$(chat_body "$CHAT10_MODEL")|4" \
      "/api/chat|$(stream_body "$STREAM50_MODEL")|2"
  done
  if [ $HAVE_NGINX = 1 ]; then
    run_load warmup nginx /v1/chat/completions "$V1_BODY" 0 2 0 --closed-connections "$SAT_CONNECTIONS" --quiet
  fi
  if [ -n "$FLOOR_PID" ]; then # Java: its JIT warms up as llm-relay's does
    warm_rounds floor "/v1/chat/completions|$V1_BODY|4" "/v1/chat/completions|$(sse_body "$STREAM50_MODEL")|4"
  fi
  rm -f "$OUT"/warmup.*.json
fi
WARMUP_NOTE="Every proxy is warmed up before anything is measured. Each llm-relay and the floor proxy warm up in rounds of closed-loop load (llm-relay: pass-through 4 s, translated 4 s, streamed 2 s; the floor: pass-through 4 s, streamed 4 s), another round as long as the JIT's compiler threads took more than $JIT_SETTLED_PCT % of the process's CPU in any load of the last one, at most $WARM_ROUNDS_MAX rounds; nginx with 2 s; the fresh proxies of the memory section with 6 s (pass-through 3 s, streamed 3 s); the keys-and-limits proxies of section 2b in rounds of 10 s of pass-through, as above."

# ---------------------------------------------------------------- highest sustainable rate, open loop (it decides the latency rate)

if section sweep; then
  SWEEP_TARGETS=$PASS_TARGETS
  [ "$MODE" = smoke ] && SWEEP_TARGETS=relay # the smoke run only proves the sweep works
  for REP in $(seq 1 "$SWEEP_RUNS"); do
    for t in $SWEEP_TARGETS; do
      log "max rate, /v1 pass-through, $t, run $REP"
      run_load maxrate "$t" /v1/chat/completions "$V1_BODY" 0 1 0 --quiet \
        --sweep "$SWEEP_RATES" --sweep-warmup "$SWEEP_WARM" --sweep-first-warmup "$SWEEP_FIRST_WARM" --sweep-duration "$SWEEP_DUR" --sweep-p99-limit-us "$SWEEP_LIMIT"
    done
    [ "$MODE" = smoke ] && continue
    for t in direct relay relay-quiet; do
      log "max rate, translated /api/chat, $t, run $REP"
      if [ "$t" = direct ]; then path=/v1/chat/completions; body=$SSE_BODY; else path=/api/chat; body=$CHAT_BODY; fi
      run_load maxratechat "$t" "$path" "$body" 0 1 0 --quiet \
        --sweep "$SWEEP_RATES" --sweep-warmup "$SWEEP_WARM" --sweep-first-warmup "$SWEEP_FIRST_WARM" --sweep-duration "$SWEEP_DUR" --sweep-p99-limit-us "$SWEEP_LIMIT"
    done
  done
fi

LAT_RATE_REASON=""
if [ "$MODE" = full ] && section sweep; then
  # the rate the generator and the mock carry at all (p99 on a shared VM is decided by stolen time),
  # the lower of the two direct paths: the pass-through answer and the SSE answer the translated path reads
  carried() { for f in "$OUT"/$1.direct.r*.json; do grep -o '"max_carried_rate" : [0-9.]*' "$f" | awk '{print $3}'; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  direct_max=$( (carried maxrate; carried maxratechat) | awk 'NF' | sort -n | head -1)
  direct_max=${direct_max%.*}
  if [ -n "$direct_max" ] && [ "$direct_max" -lt "$LAT_RATE" ]; then
    if [ "$direct_max" -gt 0 ]; then
      LAT_RATE=$direct_max
      LAT_RATE_REASON="the load generator and the mock, sharing one core, carried only ${direct_max}/s directly without queueing (median of the sweeps, the lower of the pass-through and the SSE answer), so the fixed-rate scenarios run at that rate"
    else
      LAT_RATE=${SWEEP_RATES%%,*}
      LAT_RATE_REASON="the load generator and the mock, sharing one core, carried no rate tried without queueing (from ${LAT_RATE}/s), so the fixed-rate scenarios run at the lowest rate tried"
    fi
    log "fixed rate lowered to $LAT_RATE/s: $LAT_RATE_REASON"
  fi
fi

# ---------------------------------------------------------------- saturation: closed loop, every path in the same run

if section saturation; then
  E10=$(events_of "$CHAT10_MODEL")
  E50=$(events_of "$STREAM50_MODEL")
  if [ "$MODE" = smoke ]; then
    SAT_V1_TARGETS="floor relay relay-quiet relay-fleet"; SAT_V1X4_TARGETS=""; SAT_CHAT_TARGETS=""; SAT_STREAM_TARGETS="relay"
  else
    SAT_V1_TARGETS="direct nginx floor relay relay-fleet relay-quiet relay-j25 relay-el2"
    SAT_V1X4_TARGETS="relay relay-el2"
    SAT_CHAT_TARGETS="direct nginx floor relay relay-fleet relay-quiet relay-j25"
    SAT_STREAM_TARGETS="direct nginx floor relay relay-fleet relay-quiet relay-j25"
  fi
  for REP in $(seq 1 "$RUNS"); do
    for t in $SAT_V1_TARGETS; do
      run_sat sat-v1 "$t" /v1/chat/completions "$V1_BODY" 0
    done
    for t in $SAT_V1X4_TARGETS; do # does the closed loop's concurrency limit one loop or two?
      CONNECTIONS=$((SAT_CONNECTIONS * 4)) run_sat sat-v1x4 "$t" /v1/chat/completions "$V1_BODY" 0
    done
    for t in $SAT_CHAT_TARGETS; do # nginx, the floor and direct: the same 10-event SSE answer llm-relay asks for and merges
      case $t in direct|nginx|floor) run_sat sat-chat10 "$t" /v1/chat/completions "$(sse_body "$CHAT10_MODEL")" "$E10" ;;
        *) run_sat sat-chat10 "$t" /api/chat "$(chat_body "$CHAT10_MODEL")" "$E10" ;; esac
    done
    for t in $SAT_STREAM_TARGETS; do # nginx, the floor and direct: the same 50 events as SSE, passed through
      case $t in direct|nginx|floor) run_sat sat-stream50 "$t" /v1/chat/completions "$(sse_body "$STREAM50_MODEL")" "$E50" ;;
        *) run_sat sat-stream50 "$t" /api/chat "$(stream_body "$STREAM50_MODEL")" "$E50" ;; esac
    done
  done
fi
# two event loops only run in the saturation section: the rest needs the CPUs as placed above
if [ -n "${PID[relay-el2]:-}" ]; then stop_relay relay-el2; fi

# ---------------------------------------------------------------- fixed-rate scenarios, open loop, interleaved

if section latency; then
  LAT_FLEET="" # the fleet at the fixed rate: pass-through and translated, full run only
  [ "$MODE" = full ] && have relay-fleet && LAT_FLEET=relay-fleet
  for REP in $(seq 1 "$RUNS"); do
    for t in $PASS_TARGETS $LAT_FLEET; do
      [ "$MODE" = smoke ] && [ "$t" = relay-quiet ] && continue
      log "v1 pass-through at $LAT_RATE/s, $t, run $REP"
      run_load v1 "$t" /v1/chat/completions "$V1_BODY" "$LAT_RATE" "$LAT_DUR" "$LAT_WARM" \
        --hlog "$OUT/hlog/v1.$t.r$REP.hlog" "${FLAGS_SMOKE[@]}"
    done
    log "translated /api/chat at $LAT_RATE/s, run $REP"
    [ "$MODE" = full ] && run_load chat direct /v1/chat/completions "$SSE_BODY" "$LAT_RATE" "$LAT_DUR" "$LAT_WARM" \
      --hlog "$OUT/hlog/chat.direct.r$REP.hlog"
    for t in relay relay-quiet $LAT_FLEET; do
      [ "$MODE" = smoke ] && [ "$t" = relay-quiet ] && continue
      run_load chat "$t" /api/chat "$CHAT_BODY" "$LAT_RATE" "$LAT_DUR" "$LAT_WARM" \
        --hlog "$OUT/hlog/chat.$t.r$REP.hlog" "${FLAGS_SMOKE[@]}"
    done
    log "streamed /api/chat, $STREAM_MODEL at $STREAM_RATE/s, run $REP"
    [ "$MODE" = full ] && run_load stream direct /v1/chat/completions "$(sse_body "$STREAM_MODEL")" "$STREAM_RATE" "$STREAM_DUR" "$STREAM_WARM" \
      --hlog "$OUT/hlog/stream.direct.r$REP.hlog"
    for t in relay relay-quiet; do
      [ "$MODE" = smoke ] && [ "$t" = relay-quiet ] && continue
      run_load stream "$t" /api/chat "$(stream_body "$STREAM_MODEL")" "$STREAM_RATE" "$STREAM_DUR" "$STREAM_WARM" \
        --hlog "$OUT/hlog/stream.$t.r$REP.hlog" "${FLAGS_SMOKE[@]}"
    done
    [ "$MODE" = smoke ] && continue
    for t in $PASS_TARGETS; do
      log "streamed /v1 pass-through, $STREAM_MODEL at $STREAM_RATE/s, $t, run $REP"
      run_load v1stream "$t" /v1/chat/completions "$(sse_body "$STREAM_MODEL")" "$STREAM_RATE" "$STREAM_DUR" "$STREAM_WARM" \
        --hlog "$OUT/hlog/v1stream.$t.r$REP.hlog"
    done
  done
fi

# ---------------------------------------------------------------- access: what client keys and rate limits cost

# relay-access: the default configuration plus a client key required on every request and every limit on (global,
# per address, per key: rates, concurrency, tokens per minute), none ever refusing at these rates: the whole access
# path runs, nothing is refused. relay-access-redis: the same limits shared through a local redis-server.
ACCESS_KEY=sk-bench-access-key
write_access_config() { # FILE [redis URL]
  {
    echo "# Written by proxy-bench/run.sh: the access scenario (keys and limits on, never refusing)."
    echo "backends:"
    echo "  - {name: mock, url: \"http://127.0.0.1:$MOCK_PORT/v1\"}"
    echo "auth: {keys_env: BENCH_KEYS}"
    echo "limits:"
    echo "  global:  {rps: 10000000, burst: 10000000, concurrent: 1000000}"
    echo "  per_ip:  {rps: 10000000, burst: 10000000, concurrent: 1000000}"
    echo "  per_key: {rps: 10000000, burst: 10000000, concurrent: 1000000, tokens_per_minute: 2000000000}"
    if [ -n "${2:-}" ]; then echo "  redis: \"$2\""; fi
  } >"$1"
}
if section access; then
  export BENCH_KEYS="bench=$ACCESS_KEY"
  write_access_config "$OUT/access.yaml"
  start_relay relay-access "$RELAY_JAVA" "$RELAY_JAVA17_OPTS" "$PIN_PROXY" --config "$ROOT/$OUT/access.yaml"
  ACCESS_TARGETS="relay relay-access"
  REDIS_PID=""
  if command -v redis-server >/dev/null 2>&1; then
    REDIS_PORT=$(free_port)
    $PIN_LOAD redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$OUT/logs/redis.log" 2>&1 &
    REDIS_PID=$!
    PIDS+=("$REDIS_PID")
    write_access_config "$OUT/access-redis.yaml" "redis://127.0.0.1:$REDIS_PORT"
    sleep 1
    start_relay relay-access-redis "$RELAY_JAVA" "$RELAY_JAVA17_OPTS" "$PIN_PROXY" --config "$ROOT/$OUT/access-redis.yaml"
    ACCESS_TARGETS="$ACCESS_TARGETS relay-access-redis"
  else
    log "redis-server not installed: the shared-limits row is left out"
  fi
  for r in $ACCESS_TARGETS; do
    [ "$r" = relay ] && continue # warmed up with the others at the start
    wait_relay "$r"
    # as long as the baseline's own warm-up: with 4 s the first measured run still caught the JIT at work
    # (33.9, 25.5, 23.9 us a request against a baseline of 22-23)
    if [ "$WARMUP" = 1 ]; then
      REP=0 warm_rounds "$r" "/v1/chat/completions|$V1_BODY|10"
    fi
  done
  rm -f "$OUT"/warmup.*.json
  for REP in $(seq 1 "$RUNS"); do
    for t in $ACCESS_TARGETS; do
      run_sat access-v1 "$t" /v1/chat/completions "$V1_BODY" 0
      [ "$MODE" = smoke ] && continue
      log "access: v1 pass-through at $LAT_RATE/s, $t, run $REP"
      run_load access-v1-rate "$t" /v1/chat/completions "$V1_BODY" "$LAT_RATE" "$LAT_DUR" "$LAT_WARM"
    done
  done
  stop_relay relay-access
  stop_relay relay-access-redis
  [ -n "$REDIS_PID" ] && stop_pid "$REDIS_PID"
fi

# the fleet is done with: its proxy and its extra mocks stop (the profiles and the rest run without them)
stop_relay relay-fleet
for i in $(seq 2 "$FLEET_SIZE"); do
  if [ -n "${MOCK_PIDS[$i]:-}" ]; then stop_pid "${MOCK_PIDS[$i]}"; MOCK_PIDS[$i]=""; fi
done

# ---------------------------------------------------------------- JFR profiles at saturation (separate runs, not in the figures)

REP=0
if section profile && [ "$MODE" = full ] && command -v jcmd >/dev/null; then
  # JFR's profile settings with Java frames sampled every millisecond instead of every 10 ms
  jhome=$("$RELAY_JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')
  sed 's|<setting name="period" control="method-sampling-java-interval">[^<]*<|<setting name="period" control="method-sampling-java-interval">1 ms<|' \
    "$jhome/lib/jfr/profile.jfc" >"$ROOT/$OUT/profile-1ms.jfc"
  for p in sat-v1 sat-chat10 sat-stream50; do
    case $p in
      sat-v1) path=/v1/chat/completions; body=$V1_BODY; ev=0 ;;
      sat-chat10) path=/api/chat; body=$(chat_body "$CHAT10_MODEL"); ev=$(events_of "$CHAT10_MODEL") ;;
      sat-stream50) path=/api/chat; body=$(stream_body "$STREAM50_MODEL"); ev=$(events_of "$STREAM50_MODEL") ;;
    esac
    log "JFR profile: $p, llm-relay in its default configuration"
    "${JCMD[relay]}" "${PID[relay]}" JFR.start name="bench-$p" settings="$ROOT/$OUT/profile-1ms.jfc" filename="$ROOT/$OUT/profile-$p.jfr" >/dev/null
    run_load "profile-$p" relay "$path" "$body" 0 8 2 --closed-connections "$SAT_CONNECTIONS" --events-per-request "$ev" --quiet
    "${JCMD[relay]}" "${PID[relay]}" JFR.stop name="bench-$p" >/dev/null
    bench hot "$OUT/profile-$p.jfr" --thread relay --top 15 --by-thread --out "$OUT/profile-$p.md" 2>/dev/null || true
    rm -f "$OUT"/profile-$p.relay.*.json
  done
fi

# the load scenarios are over: the memory and start-up sections start their own proxies
for r in relay relay-quiet relay-j25 relay-el2; do stop_relay "$r"; done
if [ -n "$NGINX_PID" ]; then stop_pid "$NGINX_PID"; NGINX_PID=""; fi
if [ -n "$FLOOR_PID" ]; then stop_pid "$FLOOR_PID"; FLOOR_PID=""; fi

# ---------------------------------------------------------------- many concurrent slow streams, on fresh proxies

if section memory; then
  # c1k and c10k on the flags ./run.sh uses, then c10k on Java 25 and as the Docker image runs in a container
  MEM_VARIANTS="relay"
  [ "$MODE" = full ] && [ "$HAVE_J25" = 1 ] && MEM_VARIANTS="$MEM_VARIANTS relay-j25"
  [ "$MODE" = full ] && MEM_VARIANTS="$MEM_VARIANTS relay-docker"
  for v in $MEM_VARIANTS; do
    case $v in
      relay) start_relay relay "$RELAY_JAVA" "$RELAY_JAVA17_OPTS" "$PIN_PROXY"; mem_runs=$RUNS ;;
      relay-j25) start_relay relay-j25 "$RELAY_JAVA25" "$RELAY_JAVA25_OPTS" "$PIN_PROXY"; mem_runs=$RUNS ;;
      relay-docker) start_relay relay-docker "$RELAY_JAVA" "$CONTAINER_JAVA_OPTS" "$PIN_PROXY"; mem_runs=1 ;;
    esac
    wait_relay "$v"
    log "concurrency scenarios on a fresh $v: ${DESC[$v]}"
    if [ "$WARMUP" = 1 ]; then # as a proxy that has served before: JIT-compiled, its buffers pooled
      REP=0
      run_load warmup "$v" /v1/chat/completions "$V1_BODY" 0 3 0 --closed-connections "$SAT_CONNECTIONS" --quiet
      run_load warmup "$v" /api/chat "$(stream_body "$STREAM50_MODEL")" 0 3 0 --closed-connections "$SAT_CONNECTIONS" --quiet
      rm -f "$OUT"/warmup.*.json
    fi
    for REP in $(seq 1 "$mem_runs"); do
      if [ "$v" = relay ]; then
        log "concurrent streams: $(awk -v r="$C1K_RATE" -v s="$C1K_SEND" 'BEGIN {print r * s}') ($C1K_MODEL), run $REP"
        [ "$MODE" = full ] && [ "$REP" = 1 ] && run_load c1k direct /v1/chat/completions "$(sse_body "$C1K_MODEL")" "$C1K_RATE" "$C1K_SEND" 0 --max-connections 19000 --quiet
        run_load c1k relay /api/chat "$(stream_body "$C1K_MODEL")" "$C1K_RATE" "$C1K_SEND" 0 --max-connections 19000 --sample-heap --quiet "${FLAGS_SMOKE[@]}"
      fi
      if [ "$C10K_N" -gt 0 ]; then
        send=$(awk -v n="$C10K_N" -v r="$C10K_RATE" 'BEGIN {printf "%.3f", n / r}')
        if [ "$v" = relay ] && [ "$REP" = 1 ]; then # the mock's own figures, for the added latency: once
          log "concurrent streams: $C10K_N ($C10K_MODEL), direct"
          run_load c10k direct /v1/chat/completions "$(sse_body "$C10K_MODEL")" "$C10K_RATE" "$send" 0 --max-connections 19000 --quiet --timeout 90
        fi
        log "concurrent streams: $C10K_N ($C10K_MODEL), $v, run $REP"
        run_load c10k "$v" /api/chat "$(stream_body "$C10K_MODEL")" "$C10K_RATE" "$send" 0 --sample-heap --max-connections 19000 --quiet --timeout 90
      fi
    done
    stop_relay "$v"
  done
fi

# ---------------------------------------------------------------- start-up (the proxy on its own, default configuration)

# settle: waits until the machine is quiet, both CPUs at least 95 % idle over a second, for at most 60 s. Right
# after the 10,000 streams the kernel and the mock were still busy with their connections, and the start-ups
# measured then (565-647 ms on 2026-12-01 18:02) were 100-150 ms slower than the same command a minute later.
settle() {
  local i idle a b
  for i in $(seq 1 60); do
    read -r -a a </proc/stat; sleep 1; read -r -a b </proc/stat
    idle=$(awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN { n = split(a, x, " "); split(b, y, " "); t = 0
      for (k = 2; k <= n; k++) t += y[k] - x[k]; printf "%d", (t > 0 ? 100 * (y[5] - x[5] + y[6] - x[6]) / t : 100) }')
    if [ "$idle" -ge 95 ]; then log "quiet after $i s ($idle % idle)"; return; fi
  done
  log "not quiet after 60 s ($idle % idle): measuring anyway"
}

if section startup; then
  SU_RUNS=$([ "$MODE" = smoke ] && echo 1 || echo 5)
  for j in j17 j25; do
    if [ $j = j17 ]; then jv=$RELAY_JAVA; jo=$RELAY_JAVA17_OPTS; file=startup.json
    else [ "$HAVE_J25" = 1 ] || continue; jv=$RELAY_JAVA25; jo=$RELAY_JAVA25_OPTS; file=startup-j25.json; fi
    SU_PORT=$(free_port)
    settle
    log "start-up time, $jv"
    # shellcheck disable=SC2086
    $PIN_LOAD java $LOAD_JAVA -cp "$BENCH_JAR" io.llmrelay.bench.Bench startup --url "http://127.0.0.1:$SU_PORT/" \
      --runs "$SU_RUNS" --json "$OUT/$file" -- \
      $PIN_PROXY "$jv" $jo -jar "$RELAY_JAR" serve --port "$SU_PORT" \
      --backend "http://127.0.0.1:$MOCK_PORT/v1" 2>&1 | sed '/^SLF4J/d' >&2
  done
fi
[ -n "${MOCK_PID:-}" ] && stop_pid "$MOCK_PID"

# ---------------------------------------------------------------- report

T_END=$(date +%s)
MACHINE_NOTE="They come from a 2-core VM shared with other tenants: the hypervisor takes CPU time away at times (steal)."  # BENCH_MACHINE_NOTE overrides
{
  echo "mode=$MODE"
  echo "runs=$RUNS"
  echo "sections=$SECTIONS"
  echo "started=$(date -u -d "@$T_START" '+%Y-%m-%d %H:%M UTC')"
  echo "finished=$(date -u -d "@$T_END" '+%Y-%m-%d %H:%M UTC') ($(( (T_END - T_START + 30) / 60 )) min)"
  echo "full_minutes=50"
  echo "loadavg_start=$LOADAVG_START"
  echo "loadavg_end=$(cut -d' ' -f1 /proc/loadavg)"
  echo "machine_note=${BENCH_MACHINE_NOTE:-$MACHINE_NOTE}"
  echo "placement=$PLACEMENT"
  echo "placement_el2=llm-relay with two event loops (--event-loops 2) runs on both CPUs ($([ -n "$PIN_BOTH" ] && echo "$PIN_BOTH" || echo unpinned)); the load generator and the mock stay on CPU 1, so its second loop shares that core with them"
  echo "relay_java=$RELAY_JAVA"
  echo "relay_java25=$RELAY_JAVA25"
  echo "j25_note=$J25_NOTE"
  echo "relay_java_opts=$RELAY_JAVA17_OPTS"
  echo "floor_java_opts=${FLOOR_JAVA:-}"
  echo "relay_java25_opts=$RELAY_JAVA25_OPTS"
  echo "relay_java_opts_source=$RELAY_JAVA_OPTS_SOURCE"
  echo "container_java_opts=$CONTAINER_JAVA_OPTS"
  echo "drop_counter=$DROP_COUNTER"
  echo "nginx_version=$(command -v nginx >/dev/null && nginx -v 2>&1 | sed 's/.*: //')"
  echo "lat_rate=$LAT_RATE"
  echo "lat_rate_reason=$LAT_RATE_REASON"
  echo "v1_body=$V1_BODY"
  echo "chat_body=$CHAT_BODY"
  echo "sat_connections=$SAT_CONNECTIONS"
  echo "sat_duration=$SAT_DUR"
  echo "sat_warmup=$SAT_WARM"
  echo "chat10_model=$CHAT10_MODEL"
  echo "stream50_model=$STREAM50_MODEL"
  echo "stream_model=$STREAM_MODEL"
  echo "stream_delay_ms=$(echo "$STREAM_MODEL" | sed -n 's/.*-d\([0-9]*\).*/\1/p')"
  echo "fleet_size=$FLEET_SIZE"
  echo "fleet_strategy=$FLEET_STRATEGY"
  echo "fleet_backends=$(for i in $(seq 1 "$FLEET_SIZE"); do printf '%s ' "$(fleet_backend "$i")"; done | sed 's/ $//')"
  echo "c1k_model=$C1K_MODEL"
  echo "c10k_model=$C10K_MODEL"
  if [ "$C10K_N" -gt 0 ] && [ "$C10K_N" -lt 10000 ]; then
    if [ "$C10K_N" = "${C10K_STREAMS:-}" ]; then
      echo "c10k_note=The ~10,000 columns ran $C10K_N streams (C10K_STREAMS, a trial run); RSS for 10,000 is extrapolated linearly from the growth per stream."
    else
      echo "c10k_note=The ~10,000 columns ran $C10K_N streams: the open-files limit here is $NOFILE (hard limit, not raisable in this container) and each stream holds two descriptors in the proxy (client and backend); RSS for 10,000 is extrapolated linearly from the growth per stream."
    fi
  fi
  echo "sweep_runs=$SWEEP_RUNS"
  echo "sweep_rates=$SWEEP_RATES"
  echo "sweep_warmup=$SWEEP_WARM"
  echo "sweep_duration=$SWEEP_DUR"
  echo "sweep_limit_us=$SWEEP_LIMIT"
  echo "sweep_p50_limit_us=2000"
  echo "steal_pct=$(echo "$TICKS_START $(cpu_ticks)" | awk '{ if ($3 > $1) printf "%.1f", 100 * ($4 - $2) / ($3 - $1); else print "?" }')"
  taken=$(for k in $(printf '%s\n' "${!WARM_TAKEN[@]}" | sort); do printf '%s %s, ' "$k" "${WARM_TAKEN[$k]}"; done | sed 's/, $//')
  echo "warmup_note=$([ "$WARMUP" = 1 ] && echo "$WARMUP_NOTE${taken:+ Rounds taken in this run: $taken.}" || echo "No warm-up (smoke run).")"
  for r in "${!DESC[@]}"; do echo "cmd.$r=${DESC[$r]}"; done
  echo "jmh_args=$JMH_ARGS"
  echo "results_dir=$OUT"
} >"$OUT/meta/config.properties"
[ -f proxy-bench/findings.md ] && cp proxy-bench/findings.md "$OUT/meta/findings.md"
bench report --results "$OUT" --out "$REPORT" 2>&1 | sed '/^SLF4J/d' >&2
log "done in $((T_END - T_START)) s; report: $REPORT"
exit
}
