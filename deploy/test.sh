#!/usr/bin/env bash
# Checks the deployment files of docs/DEPLOY.md; run by ../test.sh after the build (it needs
# proxy-server/target/llm-relay.jar).
#
# 1. Offline: deploy/docker/Dockerfile.prebuilt is the Dockerfile's runtime stage; hadolint on both,
#    and shellcheck on these scripts; yamllint; `helm lint --strict` and `helm template` of the chart
#    with its default values and each ci/*.yaml, and the values it must refuse
#    (deploy/ci/helm-refused/) refused with their message;
#    every rendered and hand-written manifest validated against the Kubernetes schemas of every
#    version from 1.29 on (kubernetes-validate, strict) and the ServiceMonitor against the Prometheus
#    Operator's CRD; every ConfigMap's relay.yaml accepted by `llm-relay check-config`.
# 2. The image, where a Docker engine can run (dockerd is started as root when none is running, and
#    stopped again): a base image of Debian's packages (debootstrap --variant=minbase and a headless
#    JRE from the package source apt uses, `docker import`ed, kept between runs), the prebuilt image
#    built on it with no network, run as the Kubernetes manifests run it (read-only root, no
#    capabilities, the config mounted at /etc/llm-relay), and checked: /health/ready, a streamed
#    /api/chat through the demo backend, the HEALTHCHECK status, a non-root process, the class-data
#    archive in use, and `docker stop` draining and exiting 0 within the drain deadline. Where no
#    engine can run, that part is skipped with a message saying why.
#
# Tools: hadolint, shellcheck, yamllint and kubernetes-validate from PyPI in
# target/deploy-tools/venv; helm built once from its Go module into ~/.cache/llm-relay; the CRD from
# the Prometheus Operator's Go module; debootstrap and docker.io from Debian when missing.
# `deploy/test.sh --tools` only prepares the PyPI, helm and CRD tools (test.sh runs it at a low
# priority beside the Java tests: on a new machine, building helm takes minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_VERSION=v3.22.0
PROMETHEUS_OPERATOR_VERSION=v0.85.0
K8S_MIN_VERSION=1.29          # native sidecars (init containers with restartPolicy: Always) on by default
BASE_RECIPE=1                 # bump when the base image's recipe below changes
JAR=proxy-server/target/llm-relay.jar
WORK=target/deploy-test
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/llm-relay

began=$SECONDS
say() { echo "deploy/test.sh: $*" >&2; }
die() { say "FAILED: $*"; exit 1; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else say "need root (or sudo) to run: $*"; return 1
  fi
}
apt_install() { # packages
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ---- tools (alone with --tools: test.sh prepares them beside the Java tests) ----------------------
mkdir -p "$CACHE"
venv=target/deploy-tools/venv
if [ "$(cat "$venv/requirements.txt" 2>/dev/null)" != "$(cat deploy/ci/requirements.txt)" ]; then
  say "installing hadolint, shellcheck, yamllint and kubernetes-validate from PyPI into $venv..."
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r deploy/ci/requirements.txt
  cp deploy/ci/requirements.txt "$venv/requirements.txt"
fi

helm=$CACHE/helm-$HELM_VERSION/helm
if [ ! -x "$helm" ]; then
  command -v go >/dev/null 2>&1 || die "helm $HELM_VERSION is built from its Go module, and there is no go"
  say "building helm $HELM_VERSION from its Go module (once, into $(dirname "$helm"); a few minutes)..."
  GOBIN=$(dirname "$helm") go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi

crd_dir=$(go mod download -json "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
crd=$crd_dir/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml
[ -f "$crd" ] || die "no ServiceMonitor CRD at $crd"
say "tools ready ($((SECONDS - began)) s)"
[ "${1:-}" != --tools ] || exit 0

[ -f "$JAR" ] || die "$JAR is missing: build first (mvn -B -q -DskipTests package)"
rm -rf "$WORK"
mkdir -p "$WORK"

# ---- 1. offline checks ---------------------------------------------------------------------------
deploy/docker/sync-prebuilt.sh --check
"$venv/bin/hadolint" Dockerfile deploy/docker/Dockerfile.prebuilt
"$venv/bin/shellcheck" deploy/test.sh deploy/docker/sync-prebuilt.sh
say "Dockerfile.prebuilt is the Dockerfile's runtime stage; hadolint and shellcheck: clean"

chart=deploy/helm/llm-relay
rendered=$WORK/rendered
mkdir -p "$rendered"
"$helm" lint --strict "$chart" --kube-version "$K8S_MIN_VERSION.0" >"$WORK/helm-lint.log" 2>&1 \
  || { cat "$WORK/helm-lint.log" >&2; die "helm lint --strict (default values)"; }
"$helm" template llm-relay "$chart" --kube-version "$K8S_MIN_VERSION.0" >"$rendered/default.yaml"
values_files=("$chart"/ci/*.yaml)
refused_files=(deploy/ci/helm-refused/*.yaml)
for values in "${values_files[@]}"; do
  name=$(basename "$values" .yaml)
  "$helm" lint --strict "$chart" -f "$values" --kube-version "$K8S_MIN_VERSION.0" >"$WORK/helm-lint.log" 2>&1 \
    || { cat "$WORK/helm-lint.log" >&2; die "helm lint --strict -f $values"; }
  "$helm" template llm-relay "$chart" -f "$values" --kube-version "$K8S_MIN_VERSION.0" >"$rendered/$name.yaml"
done
for values in "${refused_files[@]}"; do
  expected=$(sed -n '1s/^# refused: //p' "$values")
  [ -n "$expected" ] || die "$values: its first line must be '# refused: <part of the message>'"
  if out=$("$helm" template llm-relay "$chart" -f "$values" --kube-version "$K8S_MIN_VERSION.0" 2>&1 >/dev/null); then
    die "helm template accepted $values (it must refuse it: $expected)"
  fi
  grep -qF -- "$expected" <<<"$out" || die "helm template refused $values, but without '$expected': $out"
done
say "helm lint --strict and helm template: the default values and ${#values_files[@]} values files;" \
  "${#refused_files[@]} wrong values files refused with their message"

"$venv/bin/yamllint" --strict -c deploy/ci/yamllint.yaml deploy/kubernetes "$chart/Chart.yaml" "$chart/values.yaml" \
  "$chart/ci" deploy/ci/helm-refused "$rendered"
say "yamllint: clean"

"$venv/bin/python" deploy/ci/manifests.py validate --min-version "$K8S_MIN_VERSION" --crd "$crd" \
  deploy/kubernetes/*/*.yaml "$rendered"/*.yaml >&2

# every relay.yaml, with the variables of the Secrets beside it (a chart values file's .env stands
# for a Secret made outside the chart), and nothing else from this environment
configs=$WORK/configs
for example in deploy/kubernetes/*/; do
  "$venv/bin/python" deploy/ci/manifests.py configs "$configs/$(basename "$example")" "$example"*.yaml >/dev/null
done
for manifests in "$rendered"/*.yaml; do
  name=$(basename "$manifests" .yaml)
  "$venv/bin/python" deploy/ci/manifests.py configs "$configs/helm-$name" "$manifests" >/dev/null
  if [ -f "$chart/ci/$name.env" ]; then
    for env in "$configs/helm-$name"/*.env; do cat "$chart/ci/$name.env" >>"$env"; done
  fi
done
checked=0
for config in "$configs"/*/*.yaml; do
  mapfile -t vars <"${config%.yaml}.env"
  if ! env -i PATH="$PATH" "${vars[@]}" java -jar "$JAR" check-config "$config" >"$WORK/check-config.log" 2>&1; then
    cat "$WORK/check-config.log" >&2
    die "check-config refused $config"
  fi
  checked=$((checked + 1))
done
say "check-config: $checked relay.yaml files of ConfigMaps accepted"
say "offline checks passed ($((SECONDS - began)) s so far)"

# ---- 2. the image, built and run -----------------------------------------------------------------
skip_image() {
  say "========================================================================================"
  say "SKIPPED the container test (image build and run): $*"
  say "========================================================================================"
  exit 0
}

dockerd_pid=
container=
image=llm-relay:deploy-test
cleanup() {
  if [ -n "$container" ]; then as_root docker rm -f "$container" >/dev/null 2>&1 || true; fi
  as_root docker rmi "$image" >/dev/null 2>&1 || true
  as_root docker image prune -f --filter label=io.llmrelay.stage=prebuilt-jar >/dev/null 2>&1 || true
  if [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null; then
    say "stopping the dockerd this script started (pid $dockerd_pid)"
    kill -TERM "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
  fi
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ] && ! sudo -n true 2>/dev/null; then
  skip_image "needs root (or sudo without a password) for dockerd and debootstrap"
fi
if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  say "installing Debian's docker.io and debootstrap..."
  apt_install docker.io debootstrap || die "could not install docker.io and debootstrap from Debian"
fi
if ! as_root docker info >/dev/null 2>&1; then
  say "starting dockerd (it is stopped again at the end)..."
  # started as a plain command, so that $! is dockerd itself (or sudo, which passes SIGTERM on)
  # shellcheck disable=SC2024 # the log is this script's, written as its user
  if [ "$(id -u)" = 0 ]; then dockerd >"$WORK/dockerd.log" 2>&1 &
  else sudo dockerd >"$WORK/dockerd.log" 2>&1 &
  fi
  dockerd_pid=$!
  for _ in $(seq 60); do
    as_root docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.5
  done
  if ! as_root docker info >/dev/null 2>&1; then
    tail -n 5 "$WORK/dockerd.log" >&2 || true
    skip_image "dockerd does not start on this machine (its log: $WORK/dockerd.log)"
  fi
fi
dk() { as_root docker "$@"; }

# The base: Debian minbase of this machine's release and its headless Java 17, from the mirror apt
# uses; a Docker image named after its recipe, so later runs on this machine reuse it.
# shellcheck disable=SC1091 # the machine's own release file
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
# shellcheck disable=SC2016 # apt's own $(FIELD) format
mirror=$(apt-get indextargets --format '$(SITE) $(RELEASE)' 'Identifier: Packages' 2>/dev/null \
  | awk -v suite="$suite" '$2 == suite { print $1; exit }')
[ -n "$suite" ] && [ -n "$mirror" ] || skip_image "no Debian release and mirror found in apt's sources for debootstrap"
packages=openjdk-17-jre-headless
base=llm-relay-ci-base:$suite-$(printf '%s' "$BASE_RECIPE $suite $mirror $packages" | sha256sum | cut -c1-12)
if dk image inspect "$base" >/dev/null 2>&1; then
  say "base image $base: kept from an earlier run"
else
  say "assembling the base image $base (debootstrap --variant=minbase $suite + $packages from $mirror; once)..."
  rootfs=$WORK/rootfs
  as_root debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -n 20 "$WORK/debootstrap.log" >&2; die "debootstrap"; }
  as_root rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/locale
  as_root tar --numeric-owner -C "$rootfs" -c . | dk import --change 'ENV LANG=C.UTF-8' - "$base" >/dev/null
  as_root rm -rf "$rootfs"
fi
say "base image ready ($((SECONDS - began)) s so far)"

as_root env DOCKER_BUILDKIT=0 docker build -f deploy/docker/Dockerfile.prebuilt \
  --build-arg RUNTIME_IMAGE="$base" -t "$image" proxy-server/target >"$WORK/build.log" 2>&1 \
  || { tail -n 30 "$WORK/build.log" >&2; die "docker build -f deploy/docker/Dockerfile.prebuilt"; }
say "image built on $base ($((SECONDS - began)) s so far)"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
drain=3
container=llm-relay-deploy-test-$$
mkdir -p "$WORK/etc"
# the config the image reads from /etc/llm-relay: no backends (the demo backend), one alias, which
# only this file names
printf 'models:\n  aliases:\n    ci-model: [demo]\n' >"$WORK/etc/relay.yaml"
chmod -R a+rX "$WORK/etc"
# as the manifests run it (read-only root, a /tmp, no capabilities); the image's HEALTHCHECK with a
# 1 s interval instead of 10 s, so the test need not wait; the demo backend paced at 150 ms a token
dk run -d --name "$container" --network host --memory 512m \
  --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \
  -v "$PWD/$WORK/etc:/etc/llm-relay:ro" --health-interval 1s \
  -e HOST=127.0.0.1 -e PORT="$port" -e DRAIN_TIMEOUT="${drain}s" \
  "$image" serve --demo-token-delay-ms 150 >/dev/null
started=$SECONDS
fail() { dk logs "$container" >"$WORK/container.log" 2>&1 || true; tail -n 20 "$WORK/container.log" >&2; die "$*"; }

for _ in $(seq 150); do
  curl -fsS -o /dev/null "$url/health/ready" 2>/dev/null && break
  [ "$(dk inspect -f '{{.State.Running}}' "$container")" = true ] || fail "the container stopped"
  sleep 0.2
done
curl -fsS "$url/health/ready" | grep -q '"status":"ready"' || fail "/health/ready is not 200 ready"
say "container ready after $((SECONDS - started)) s: /health/ready 200"

# a stream through the demo backend, by the alias that only the mounted config defines
curl -fsSN "$url/api/chat" -d '{"model":"ci-model","messages":[{"role":"user","content":"Hi"}],"options":{"num_predict":8}}' \
  >"$WORK/chat.ndjson" || fail "POST /api/chat"
python3 - "$WORK/chat.ndjson" <<'EOF' || fail "the streamed /api/chat answer"
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
assert len(lines) == 9, f"expected 8 token lines and a last one, got {len(lines)} lines"
assert all(not l["done"] for l in lines[:-1]) and lines[-1]["done"], "done:true only on the last line"
assert lines[-1]["eval_count"] == 8, lines[-1]
text = "".join(l["message"]["content"] for l in lines)
assert text.startswith("Hello! This is the llm-relay demo model."), text
EOF
say "streamed /api/chat: 8 NDJSON token lines and done:true, through the alias of /etc/llm-relay/relay.yaml"

for _ in $(seq 40); do
  health=$(dk inspect -f '{{.State.Health.Status}}' "$container")
  [ "$health" = healthy ] && break
  sleep 0.5
done
[ "$health" = healthy ] || fail "HEALTHCHECK status is '$health', not healthy"
[ "$(dk inspect -f '{{json .Config.Healthcheck.Test}}' "$container")" = '["CMD","llm-relay-probe","/health/ready"]' ] \
  || fail "the HEALTHCHECK is not the image's llm-relay-probe /health/ready"
say "HEALTHCHECK (llm-relay-probe /health/ready): healthy"

pid=$(dk inspect -f '{{.State.Pid}}' "$container")
uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")
[ "$uids" = "10001 10001 10001 10001" ] || fail "the proxy runs as uid '$uids', not 10001"
[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -d' ' -f1)" = java ] || fail "PID 1 of the container is not the JVM"
say "the JVM is the container's PID 1 (host pid $pid) and runs as uid 10001, not root"

# proxy-bench/run.sh measures "the Docker image's JVM flags" as it reads them from the Dockerfile: they
# must be the flags the image really runs with
running_flags=$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '2,/^-jar$/p' | grep -v '^-jar$' | tr '\n' ' ' | sed 's/ *$//')
eval "$(sed -n '/^docker_java_opts() {/,/^}/p' proxy-bench/run.sh)"
[ "$(docker_java_opts)" = "$running_flags" ] \
  || fail "proxy-bench/run.sh reads the image's JVM flags as '$(docker_java_opts)', the image runs '$running_flags'"
say "the JVM flags proxy-bench/run.sh benchmarks as the image's are the ones it runs with"

java_opts=$(dk inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$image" | sed -n 's/^JAVA_OPTS=//p')
dk run --rm --network none -e JAVA_OPTS="$java_opts -Xshare:on" "$image" --version >"$WORK/cds.log" 2>&1 \
  || { cat "$WORK/cds.log" >&2; fail "the class-data archive cannot be used (-Xshare:on)"; }
say "the image's class-data archive maps (-Xshare:on)"

# docker stop with two streams running: one ends within the drain deadline and must end whole, the
# other would take ~6 s and must be cut at the deadline with an error line; exit status 0
curl -sN "$url/api/chat" -d '{"model":"demo","messages":[{"role":"user","content":"short"}],"options":{"num_predict":6}}' \
  >"$WORK/short.ndjson" &
short_pid=$!
curl -sN "$url/api/chat" -d '{"model":"demo","messages":[{"role":"user","content":"a long answer please, a long answer please, a long answer"}]}' \
  >"$WORK/long.ndjson" &
long_pid=$!
for _ in $(seq 50); do [ -s "$WORK/short.ndjson" ] && [ -s "$WORK/long.ndjson" ] && break; sleep 0.05; done
[ -s "$WORK/short.ndjson" ] && [ -s "$WORK/long.ndjson" ] || fail "the two streams did not start"
stop_began=$(date +%s%N)
dk stop -t $((drain + 30)) "$container" >/dev/null
stop_ms=$((($(date +%s%N) - stop_began) / 1000000))
wait "$short_pid" "$long_pid" || true
exit_code=$(dk inspect -f '{{.State.ExitCode}}' "$container")
[ "$exit_code" = 0 ] || fail "the proxy exited with status $exit_code after docker stop, not 0"
[ "$stop_ms" -le $(((drain + 3) * 1000)) ] || fail "docker stop took $stop_ms ms: more than the ${drain} s drain deadline + 3 s"
python3 - "$WORK/short.ndjson" "$WORK/long.ndjson" <<'EOF' || fail "the streams running at docker stop"
import json, sys
short = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
long = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
assert short[-1].get("done") is True and not any("error" in l for l in short), f"short stream not whole: {short[-1]}"
assert "shutting down" in long[-1].get("error", ""), f"long stream not cut with the shutdown error: {long[-1]}"
assert not any(l.get("done") for l in long), "the long stream cannot have finished"
EOF
dk logs "$container" >"$WORK/container.log" 2>&1
grep -q 'Drain deadline' "$WORK/container.log" || fail "the log does not say the drain deadline was reached"
say "docker stop: drained in $stop_ms ms (deadline ${drain} s), exit status 0; the stream that fit ended whole," \
  "the longer one was cut with the shutdown error line"
say "all deployment checks passed in $((SECONDS - began)) s"
