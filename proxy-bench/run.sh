#!/usr/bin/env bash
# Benchmarks llm-relay and writes docs/BENCHMARKS.md.
#
#   proxy-bench/run.sh            full run (~25 min): JMH, warm-up, every scenario 3 times direct / nginx /
#                                 llm-relay at the same rate, JFR profiles, start-up; rewrites docs/BENCHMARKS.md
#   proxy-bench/run.sh --smoke    a few seconds: tiny rates and durations, one JMH benchmark; proves the jars
#                                 and tools work (exit 0), asserts nothing about speed, leaves docs/ alone
#
# Options: --runs N (repetitions, default 3), --no-build, --results DIR, --out FILE (report path).
# Environment: RELAY_JAVA_OPTS (the proxy's JVM flags, default as ./run.sh: -Xms64m -Xmx512m -XX:+UseParallelGC),
#              LAT_RATE (req/s for the latency scenarios, default 5000).
#
# Placement on a 2-core box: the proxy (or nginx) on CPU 0, the load generator and the mock on CPU 1.
# Every process this script starts is stopped by its own PID when it exits.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

MODE=full
RUNS=3
BUILD=auto
RESULTS=""
REPORT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) MODE=smoke ;;
    --runs) RUNS=$2; shift ;;
    --no-build) BUILD=no ;;
    --build) BUILD=yes ;;
    --results) RESULTS=$2; shift ;;
    --out) REPORT=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

BENCH_JAR=proxy-bench/target/benchmarks.jar
RELAY_JAR=proxy-server/target/llm-relay.jar
OUT=${RESULTS:-proxy-bench/target/bench-results/$MODE}
if [ "$MODE" = smoke ]; then
  RUNS=1
  REPORT=${REPORT:-$OUT/BENCHMARKS.md}
else
  REPORT=${REPORT:-docs/BENCHMARKS.md}
fi
T_START=$(date +%s)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

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

# ---------------------------------------------------------------- placement and limits

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  PIN_PROXY="taskset -c 0"
  PIN_LOAD="taskset -c 1"
  PLACEMENT="proxy (llm-relay or nginx) pinned to CPU 0; load generator and mock pinned to CPU 1 (taskset)"
else
  PIN_PROXY=""
  PIN_LOAD=""
  PLACEMENT="not pinned (taskset missing or fewer than 2 CPUs)"
fi
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)

QUIET_JVM="-Dio.netty.leakDetection.level=disabled -Dslf4j.internal.verbosity=ERROR"
LOAD_JAVA="-Xms1g -Xmx1g -XX:+UseParallelGC $QUIET_JVM"
MOCK_JAVA="-Xms512m -Xmx512m -XX:+UseParallelGC $QUIET_JVM"
RELAY_JAVA_OPTS=${RELAY_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseParallelGC}
# the concurrency scenarios run on a fresh proxy sized as the Docker image runs in a 512 MB container
CONTAINER_JAVA_OPTS=${CONTAINER_JAVA_OPTS:--XX:MaxRAM=512m -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError}
bench() { java $LOAD_JAVA -cp "$BENCH_JAR" io.llmrelay.bench.Bench "$@"; }

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
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

start_mock() {
  rm -f "$OUT/mock.port"
  $PIN_LOAD java $MOCK_JAVA -cp "$BENCH_JAR" io.llmrelay.bench.Bench mock --port 0 --port-file "$OUT/mock.port" \
    --events 16 --event-bytes 200 --list-model "$STREAM_MODEL" --list-model "$C1K_MODEL" --list-model "$C10K_MODEL" \
    >"$OUT/logs/mock.log" 2>&1 &
  MOCK_PID=$!
  PIDS+=("$MOCK_PID")
  local i
  for i in $(seq 1 200); do [ -s "$OUT/mock.port" ] && break; sleep 0.05; done
  MOCK_PORT=$(cat "$OUT/mock.port")
  wait_ready "$MOCK_PORT" / 30
}

start_relay() { # JVM flags
  RELAY_PORT=$(free_port)
  $PIN_PROXY java $1 -jar "$RELAY_JAR" serve --port "$RELAY_PORT" \
    --backend "http://127.0.0.1:$MOCK_PORT/v1" --log-level WARN >>"$OUT/logs/relay.log" 2>&1 &
  RELAY_PID=$!
  PIDS+=("$RELAY_PID")
  wait_ready "$RELAY_PORT" / 60
}

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

# ---------------------------------------------------------------- load runs

# run_load NAME TARGET PORT PATH BODY RATE DURATION WARMUP [extra load flags...]
run_load() {
  local name=$1 target=$2 port=$3 path=$4 body=$5 rate=$6 dur=$7 warm=$8
  shift 8
  local watch=()
  case "$target" in
    relay) watch=(--watch-pid "$RELAY_PID" --watch-threads relay- --metrics-url "http://127.0.0.1:$port/metrics") ;;
    nginx) watch=(--watch-pid "$NGINX_PID") ;;
  esac
  local file="$OUT/$name.$target.r$REP.json"
  $PIN_LOAD java $LOAD_JAVA -cp "$BENCH_JAR" io.llmrelay.bench.Bench load --label "$name/$target/r$REP" \
    --url "http://127.0.0.1:$port$path" --body "$body" --rate "$rate" --duration "$dur" --warmup "$warm" \
    --json "$file" --clk-tck "$CLK_TCK" "${watch[@]}" "$@" 2>&1 | tee -a "$OUT/logs/load.log" | sed '/^SLF4J/d' >&2
  local status=${PIPESTATUS[0]}
  if [ "$status" -ne 0 ]; then
    [ "$MODE" = smoke ] && { echo "run.sh: load run $name/$target failed" >&2; exit 1; }
    log "warning: load run $name/$target/r$REP exited with $status"
  fi
  return 0
}

port_of() {
  case "$1" in
    direct) echo "$MOCK_PORT" ;;
    relay) echo "$RELAY_PORT" ;;
    nginx) echo "$NGINX_PORT" ;;
  esac
}

# ---------------------------------------------------------------- scenario settings

PROMPT='"messages":[{"role":"user","content":"Why is the sky blue?"}]'
V1_BODY="{\"model\":\"mock\",$PROMPT,\"stream\":false}"
CHAT_BODY="{\"model\":\"mock\",$PROMPT,\"stream\":false}"
SSE_BODY="{\"model\":\"mock\",$PROMPT,\"stream\":true,\"stream_options\":{\"include_usage\":true}}"
if [ "$MODE" = smoke ]; then
  LAT_RATE=${LAT_RATE:-50}; LAT_DUR=0.5; LAT_WARM=0.2
  STREAM_MODEL=mock-t5-e5-d5; STREAM_RATE=20; STREAM_DUR=0.5; STREAM_WARM=0
  C1K_MODEL=mock-t10-e3-d100; C1K_RATE=40; C1K_SEND=0.5
  C10K_N=0
  SWEEP_RATES=100,200; SWEEP_WARM=0.2; SWEEP_FIRST_WARM=0.3; SWEEP_DUR=0.3; SWEEP_LIMIT=1000000
  WARMUP_S=0
  FLAGS_SMOKE=(--fail-on-errors)
else
  LAT_RATE=${LAT_RATE:-5000}; LAT_DUR=15; LAT_WARM=5
  STREAM_MODEL=mock-t50-e50-d20-b200; STREAM_RATE=100; STREAM_DUR=15; STREAM_WARM=5
  C1K_MODEL=mock-t100-e20-d500-b200; C1K_RATE=200; C1K_SEND=5
  # each stream holds two descriptors in the proxy (client + backend); stay under the open-files limit
  C10K_N=$(( (NOFILE - 300) / 2 )); [ "$C10K_N" -gt 10000 ] && C10K_N=10000
  SWEEP_RATES=2500,5000,7500,10000,12500,15000,20000,25000,30000; SWEEP_WARM=1; SWEEP_FIRST_WARM=8; SWEEP_DUR=3; SWEEP_LIMIT=5000
  WARMUP_S=20
  FLAGS_SMOKE=()
fi
# opened at 500/s (1,000/s overloads a busy proxy core with connection set-ups); each stream outlives the window
C10K_MODEL=mock-t100-e30-d1000-b200
C10K_RATE=500
stream_body() { echo "{\"model\":\"$1\",$PROMPT,\"stream\":true}"; }
sse_body() { echo "{\"model\":\"$1\",$PROMPT,\"stream\":true,\"stream_options\":{\"include_usage\":true}}"; }

# ---------------------------------------------------------------- metadata

{
  lscpu 2>/dev/null | grep -E '^(Architecture|Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\)|CPU max MHz|CPU MHz|L2 cache|L3 cache|Hypervisor vendor|Virtualization type)' || true
} >"$OUT/meta/lscpu.txt"
grep -E '^(MemTotal|MemAvailable)' /proc/meminfo >"$OUT/meta/memory.txt" || true
{
  echo "kernel: $(uname -sr)"
  echo "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
  bench versions 2>/dev/null | sed -e '/^SLF4J/d' -e 's/^/bench jar: /'
  command -v nginx >/dev/null && echo "nginx: $(nginx -v 2>&1 | sed 's/.*: //')"
  echo "llm-relay: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- proxy-core proxy-server 2>/dev/null || echo ' (with uncommitted changes)')"
} >"$OUT/meta/versions.txt"
echo "open files limit: $NOFILE; clock ticks: $CLK_TCK" >"$OUT/meta/limits.txt"
LOADAVG_START=$(cut -d' ' -f1 /proc/loadavg)
cpu_ticks() { awk '/^cpu / {t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9}' /proc/stat; }
TICKS_START=$(cpu_ticks)

JMH_ARGS_FULL="-f 1 -t 1 -wi 5 -w 2s -i 5 -r 1s -prof gc"
JMH_ARGS_SMOKE="SseFramerBenchmark -p split=WHOLE -f 1 -wi 1 -i 1 -r 1s -w 1s -prof gc"

# ---------------------------------------------------------------- JMH (nothing else of ours running)

if [ "$MODE" = smoke ]; then JMH_ARGS=$JMH_ARGS_SMOKE; else JMH_ARGS=$JMH_ARGS_FULL; fi
log "JMH: $JMH_ARGS"
# shellcheck disable=SC2086
$PIN_PROXY java -Dslf4j.internal.verbosity=ERROR -jar "$BENCH_JAR" $JMH_ARGS -rf json -rff "$OUT/jmh.json" \
  >"$OUT/logs/jmh.log" 2>&1 || { tail -30 "$OUT/logs/jmh.log" >&2; echo "run.sh: JMH failed" >&2; exit 1; }
grep -E '^Benchmark |Benchmark\.' "$OUT/logs/jmh.log" | grep -v 'gc\.count\|gc\.time\|gc\.alloc\.rate \|:jfr\|:stack' >&2 || true

# ---------------------------------------------------------------- servers

start_mock
start_relay "$RELAY_JAVA_OPTS"
HAVE_NGINX=0
if ensure_nginx && start_nginx; then HAVE_NGINX=1; else log "nginx not available: its rows are left out"; fi
log "mock :$MOCK_PORT (pid $MOCK_PID), llm-relay :$RELAY_PORT (pid $RELAY_PID)$([ $HAVE_NGINX = 1 ] && echo ", nginx :$NGINX_PORT (pid $NGINX_PID)")"
PASS_TARGETS="direct relay"
[ $HAVE_NGINX = 1 ] && PASS_TARGETS="direct nginx relay"

REP=0
if [ "$WARMUP_S" -gt 0 ]; then
  log "warm-up: ${WARMUP_S}s through llm-relay (pass-through, translated, streamed), then nginx"
  half=$((WARMUP_S / 2))
  run_load warmup relay "$RELAY_PORT" /v1/chat/completions "$V1_BODY" 2000 "$half" 0 --quiet
  run_load warmup relay "$RELAY_PORT" /api/chat "$CHAT_BODY" 2000 "$((WARMUP_S - half))" 0 --quiet
  run_load warmup relay "$RELAY_PORT" /api/chat "$(stream_body "$STREAM_MODEL")" 50 3 0 --quiet
  if [ $HAVE_NGINX = 1 ]; then run_load warmup nginx "$NGINX_PORT" /v1/chat/completions "$V1_BODY" 2000 3 0 --quiet; fi
  rm -f "$OUT"/warmup.*.json
fi

# ---------------------------------------------------------------- highest sustainable rate (first: it decides the latency rate)

SWEEP_TARGETS=$PASS_TARGETS
[ "$MODE" = smoke ] && SWEEP_TARGETS=relay # the smoke run only proves the sweep works
for REP in $(seq 1 "$RUNS"); do
  for t in $SWEEP_TARGETS; do
    log "max rate, /v1 pass-through, $t, run $REP"
    run_load maxrate "$t" "$(port_of "$t")" /v1/chat/completions "$V1_BODY" 0 1 0 --quiet \
      --sweep "$SWEEP_RATES" --sweep-warmup "$SWEEP_WARM" --sweep-first-warmup "$SWEEP_FIRST_WARM" --sweep-duration "$SWEEP_DUR" --sweep-p99-limit-us "$SWEEP_LIMIT"
  done
  [ "$MODE" = smoke ] && continue
  log "max rate, translated /api/chat, run $REP"
  run_load maxratechat direct "$MOCK_PORT" /v1/chat/completions "$SSE_BODY" 0 1 0 --quiet \
    --sweep "$SWEEP_RATES" --sweep-warmup "$SWEEP_WARM" --sweep-first-warmup "$SWEEP_FIRST_WARM" --sweep-duration "$SWEEP_DUR" --sweep-p99-limit-us "$SWEEP_LIMIT"
  run_load maxratechat relay "$RELAY_PORT" /api/chat "$CHAT_BODY" 0 1 0 --quiet \
    --sweep "$SWEEP_RATES" --sweep-warmup "$SWEEP_WARM" --sweep-first-warmup "$SWEEP_FIRST_WARM" --sweep-duration "$SWEEP_DUR" --sweep-p99-limit-us "$SWEEP_LIMIT"
done

LAT_RATE_REASON=""
if [ "$MODE" = full ]; then
  # the rate the generator and the mock carry at all (p99 on a shared VM is decided by stolen time)
  direct_max=$(for f in "$OUT"/maxrate.direct.r*.json; do grep -o '"max_carried_rate" : [0-9.]*' "$f" | awk '{print $3}'; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  direct_max=${direct_max%.*}
  if [ -n "$direct_max" ] && [ "$direct_max" -lt "$LAT_RATE" ]; then
    if [ "$direct_max" -gt 0 ]; then
      LAT_RATE=$direct_max
      LAT_RATE_REASON="the load generator and the mock, sharing one core, carried only ${direct_max}/s directly without queueing (median of the sweeps), so the latency scenarios run at that rate"
    else
      LAT_RATE=${SWEEP_RATES%%,*}
      LAT_RATE_REASON="the load generator and the mock, sharing one core, carried no rate tried without queueing (from ${LAT_RATE}/s), so the latency scenarios run at the lowest rate tried"
    fi
    log "latency rate lowered to $LAT_RATE/s: $LAT_RATE_REASON"
  fi
fi

# ---------------------------------------------------------------- latency scenarios, interleaved

for REP in $(seq 1 "$RUNS"); do
  for t in $PASS_TARGETS; do
    log "v1 pass-through at $LAT_RATE/s, $t, run $REP"
    run_load v1 "$t" "$(port_of "$t")" /v1/chat/completions "$V1_BODY" "$LAT_RATE" "$LAT_DUR" "$LAT_WARM" \
      --hlog "$OUT/hlog/v1.$t.r$REP.hlog" "${FLAGS_SMOKE[@]}"
  done
  log "translated /api/chat at $LAT_RATE/s, run $REP"
  [ "$MODE" = full ] && run_load chat direct "$MOCK_PORT" /v1/chat/completions "$SSE_BODY" "$LAT_RATE" "$LAT_DUR" "$LAT_WARM" \
    --hlog "$OUT/hlog/chat.direct.r$REP.hlog" "${FLAGS_SMOKE[@]}"
  run_load chat relay "$RELAY_PORT" /api/chat "$CHAT_BODY" "$LAT_RATE" "$LAT_DUR" "$LAT_WARM" \
    --hlog "$OUT/hlog/chat.relay.r$REP.hlog" "${FLAGS_SMOKE[@]}"
  log "streamed /api/chat, $STREAM_MODEL at $STREAM_RATE/s, run $REP"
  [ "$MODE" = full ] && run_load stream direct "$MOCK_PORT" /v1/chat/completions "$(sse_body "$STREAM_MODEL")" "$STREAM_RATE" "$STREAM_DUR" "$STREAM_WARM" \
    --hlog "$OUT/hlog/stream.direct.r$REP.hlog" "${FLAGS_SMOKE[@]}"
  run_load stream relay "$RELAY_PORT" /api/chat "$(stream_body "$STREAM_MODEL")" "$STREAM_RATE" "$STREAM_DUR" "$STREAM_WARM" \
    --hlog "$OUT/hlog/stream.relay.r$REP.hlog" "${FLAGS_SMOKE[@]}"
  [ "$MODE" = smoke ] && continue
  for t in $PASS_TARGETS; do
    log "streamed /v1 pass-through, $STREAM_MODEL at $STREAM_RATE/s, $t, run $REP"
    run_load v1stream "$t" "$(port_of "$t")" /v1/chat/completions "$(sse_body "$STREAM_MODEL")" "$STREAM_RATE" "$STREAM_DUR" "$STREAM_WARM" \
      --hlog "$OUT/hlog/v1stream.$t.r$REP.hlog"
  done
done

# ---------------------------------------------------------------- JFR profiles (separate runs, not in the figures)

REP=0
if [ "$MODE" = full ] && command -v jcmd >/dev/null; then
  # JFR's profile settings with Java frames sampled every millisecond instead of every 10 ms
  jhome=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')
  sed 's|<setting name="period" control="method-sampling-java-interval">[^<]*<|<setting name="period" control="method-sampling-java-interval">1 ms<|' \
    "$jhome/lib/jfr/profile.jfc" >"$ROOT/$OUT/profile-1ms.jfc"
  for p in v1 chat stream; do
    case $p in
      v1) path=/v1/chat/completions; body=$V1_BODY; rate=$LAT_RATE ;;
      chat) path=/api/chat; body=$CHAT_BODY; rate=$LAT_RATE ;;
      stream) path=/api/chat; body=$(stream_body "$STREAM_MODEL"); rate=$STREAM_RATE ;;
    esac
    log "JFR profile: $p"
    jcmd "$RELAY_PID" JFR.start name="bench-$p" settings="$ROOT/$OUT/profile-1ms.jfc" filename="$ROOT/$OUT/profile-$p.jfr" >/dev/null
    run_load "profile-$p" relay "$RELAY_PORT" "$path" "$body" "$rate" 15 3 --quiet
    jcmd "$RELAY_PID" JFR.stop name="bench-$p" >/dev/null
    bench hot "$OUT/profile-$p.jfr" --thread relay --top 15 --out "$OUT/profile-$p.md" 2>/dev/null || true
    rm -f "$OUT"/profile-$p.relay.*.json
  done
fi

# ---------------------------------------------------------------- many concurrent slow streams

# on a fresh proxy, sized as the Docker image sizes itself in a 512 MB container
stop_pid "$RELAY_PID"
log "restarting llm-relay for the concurrency scenarios: $CONTAINER_JAVA_OPTS"
start_relay "$CONTAINER_JAVA_OPTS"

for REP in $(seq 1 "$RUNS"); do
  log "concurrent streams: $(awk -v r="$C1K_RATE" -v s="$C1K_SEND" 'BEGIN {print r * s}') ($C1K_MODEL), run $REP"
  [ "$MODE" = full ] && run_load c1k direct "$MOCK_PORT" /v1/chat/completions "$(sse_body "$C1K_MODEL")" "$C1K_RATE" "$C1K_SEND" 0 --max-connections 19000 --quiet "${FLAGS_SMOKE[@]}"
  run_load c1k relay "$RELAY_PORT" /api/chat "$(stream_body "$C1K_MODEL")" "$C1K_RATE" "$C1K_SEND" 0 --max-connections 19000 --sample-heap --quiet "${FLAGS_SMOKE[@]}"
  if [ "$C10K_N" -gt 0 ]; then
    send=$(awk -v n="$C10K_N" -v r="$C10K_RATE" 'BEGIN {printf "%.3f", n / r}')
    log "concurrent streams: $C10K_N ($C10K_MODEL), run $REP"
    run_load c10k direct "$MOCK_PORT" /v1/chat/completions "$(sse_body "$C10K_MODEL")" "$C10K_RATE" "$send" 0 --max-connections 19000 --quiet --timeout 90
    run_load c10k relay "$RELAY_PORT" /api/chat "$(stream_body "$C10K_MODEL")" "$C10K_RATE" "$send" 0 --sample-heap --max-connections 19000 --quiet --timeout 90
  fi
done

# ---------------------------------------------------------------- start-up (the proxy on its own)

stop_pid "$RELAY_PID"
if [ -n "$NGINX_PID" ]; then stop_pid "$NGINX_PID"; fi
SU_PORT=$(free_port)
log "start-up time"
$PIN_LOAD java $LOAD_JAVA -cp "$BENCH_JAR" io.llmrelay.bench.Bench startup --url "http://127.0.0.1:$SU_PORT/" \
  --runs "$([ "$MODE" = smoke ] && echo 1 || echo 5)" --json "$OUT/startup.json" -- \
  $PIN_PROXY java $RELAY_JAVA_OPTS -jar "$RELAY_JAR" serve --port "$SU_PORT" \
  --backend "http://127.0.0.1:$MOCK_PORT/v1" --log-level WARN 2>&1 | sed '/^SLF4J/d' >&2
stop_pid "$MOCK_PID"

# ---------------------------------------------------------------- report

T_END=$(date +%s)
MACHINE_NOTE="They come from a 2-core VM shared with other tenants: the hypervisor takes CPU time away at times (steal)."  # BENCH_MACHINE_NOTE overrides
{
  echo "mode=$MODE"
  echo "runs=$RUNS"
  echo "started=$(date -u -d "@$T_START" '+%Y-%m-%d %H:%M UTC')"
  echo "finished=$(date -u -d "@$T_END" '+%Y-%m-%d %H:%M UTC') ($(( (T_END - T_START + 30) / 60 )) min)"
  echo "full_minutes=30"
  echo "loadavg_start=$LOADAVG_START"
  echo "loadavg_end=$(cut -d' ' -f1 /proc/loadavg)"
  echo "machine_note=${BENCH_MACHINE_NOTE:-$MACHINE_NOTE}"
  echo "placement=$PLACEMENT"
  echo "relay_java_opts=$RELAY_JAVA_OPTS"
  echo "container_java_opts=$CONTAINER_JAVA_OPTS"
  echo "nginx_version=$(command -v nginx >/dev/null && nginx -v 2>&1 | sed 's/.*: //')"
  echo "lat_rate=$LAT_RATE"
  echo "lat_rate_reason=$LAT_RATE_REASON"
  echo "v1_body=$V1_BODY"
  echo "chat_body=$CHAT_BODY"
  echo "stream_model=$STREAM_MODEL"
  echo "stream_delay_ms=$(echo "$STREAM_MODEL" | sed -n 's/.*-d\([0-9]*\).*/\1/p')"
  echo "c1k_model=$C1K_MODEL"
  echo "c10k_model=$C10K_MODEL"
  if [ "$C10K_N" -gt 0 ] && [ "$C10K_N" -lt 10000 ]; then
    echo "c10k_note=The ~10,000 column ran $C10K_N streams: the open-files limit here is $NOFILE (hard limit, not raisable in this container) and each stream holds two descriptors in the proxy (client and backend); RSS for 10,000 is extrapolated linearly from the growth per stream."
  fi
  echo "sweep_rates=$SWEEP_RATES"
  echo "sweep_warmup=$SWEEP_WARM"
  echo "sweep_duration=$SWEEP_DUR"
  echo "sweep_limit_us=$SWEEP_LIMIT"
  echo "sweep_p50_limit_us=2000"
  echo "steal_pct=$(echo "$TICKS_START $(cpu_ticks)" | awk '{ if ($3 > $1) printf "%.1f", 100 * ($4 - $2) / ($3 - $1); else print "?" }')"
  echo "warmup_note=The proxy and the mock are warmed up for ${WARMUP_S} s (pass-through, translated and streamed requests, plus 3 s through nginx) before anything is measured."
  echo "jmh_args=$JMH_ARGS"
  echo "results_dir=$OUT"
} >"$OUT/meta/config.properties"
[ -f proxy-bench/findings.md ] && cp proxy-bench/findings.md "$OUT/meta/findings.md"
bench report --results "$OUT" --out "$REPORT" 2>&1 | sed '/^SLF4J/d' >&2
log "done in $((T_END - T_START)) s; report: $REPORT"
