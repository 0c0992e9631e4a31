# syntax=docker/dockerfile:1
# llm-relay's image: the shaded jar on a Java 17 JRE (docs/BENCHMARKS.md found Java 25 no better),
# run as an unprivileged user. Everything about running it: docs/DEPLOY.md.
#
#   docker build -t llm-relay .
#   docker build --build-arg RUNTIME_IMAGE=registry.example.org/eclipse-temurin:17-jre -t llm-relay .
#
# The runtime stage (from the "---- run" line to the end) is copied verbatim into
# deploy/docker/Dockerfile.prebuilt, which builds the same image from a jar built outside Docker:
# edit it here, then run deploy/docker/sync-prebuilt.sh (test.sh fails while the two differ).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

# ---- build: the shaded jar, tests left to CI ----
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml ./
COPY proxy-core/pom.xml proxy-core/
COPY proxy-server/pom.xml proxy-server/
COPY proxy-bench/pom.xml proxy-bench/
COPY proxy-core/src proxy-core/src
COPY proxy-server/src proxy-server/src
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -pl proxy-server -am package \
 && cp proxy-server/target/llm-relay.jar /llm-relay.jar

# ---- run: a JRE and the jar, as an unprivileged user ----
FROM ${RUNTIME_IMAGE}
# A fixed numeric user, so that Kubernetes' runAsNonRoot can check it. Two small scripts, as the
# image has no curl: `llm-relay` (the entry point: the mounted config when there is one, JAVA_OPTS,
# the class-data archive, Netty's library directory; exec, so the JVM is PID 1 and SIGTERM drains it) and `llm-relay-probe
# PATH` (exit 0 when GET PATH on the container's own port answers 200: HEALTHCHECK and the
# sidecar's Kubernetes probes, which cannot reach a proxy listening on 127.0.0.1 over HTTP).
# hadolint ignore=SC2016
RUN groupadd --system --gid 10001 relay \
 && useradd --system --uid 10001 --gid relay --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin relay \
 && mkdir -p /etc/llm-relay /opt/llm-relay \
 && printf '%s\n' \
      '#!/bin/sh' \
      '# llm-relay in its image: serve, check-config, mock-backend ... (see --help)' \
      '# /etc/llm-relay/relay.yaml is the config when it exists and RELAY_CONFIG names none.' \
      'if [ -z "${RELAY_CONFIG:-}" ] && [ -f /etc/llm-relay/relay.yaml ]; then' \
      '  export RELAY_CONFIG=/etc/llm-relay/relay.yaml' \
      'fi' \
      '# shellcheck disable=SC2086 # JAVA_OPTS holds several flags' \
      'exec java $JAVA_OPTS -XX:SharedArchiveFile=/opt/llm-relay/llm-relay.jsa -Xlog:cds=off -Xlog:cds+dynamic=off -Djava.library.path=/opt/llm-relay/native \' \
      '  -jar /opt/llm-relay/llm-relay.jar "$@"' \
      > /usr/local/bin/llm-relay \
 && printf '%s\n' \
      '#!/bin/bash' \
      '# llm-relay-probe [PATH]: exit 0 when GET PATH (default /health/ready) on this container'"'"'s port answers 200' \
      'exec 3<>"/dev/tcp/127.0.0.1/${PROXY_PORT:-${PORT:-11434}}" || exit 1' \
      'printf "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" "${1:-/health/ready}" >&3' \
      'IFS= read -r -t 5 status <&3 && [[ $status == "HTTP/1.1 200 "* ]]' \
      > /usr/local/bin/llm-relay-probe \
 && chmod 755 /usr/local/bin/llm-relay /usr/local/bin/llm-relay-probe
COPY --from=build /llm-relay.jar /opt/llm-relay/llm-relay.jar
# JAVA_OPTS: the heap sized from the container's memory limit (75 %, the JVM reads the cgroup), a
# small fixed young generation (10,000 open streams in about 260 MB, docs/BENCHMARKS.md section 8),
# a clean exit on OutOfMemoryError so that the orchestrator restarts the container, and the JIT's
# thresholds four times higher (start-up code runs once; compiling it was half the CPU before the
# first answer).
ENV HOST=0.0.0.0 \
    PORT=11434 \
    LOG_FORMAT=json \
    LANG=C.UTF-8 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -Xmn32m -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError -XX:CompileThresholdScaling=4"
# A class-data archive written by this JRE from one warm-up run (loopback only, the demo backend,
# logging as the image's default does, stopping through the same shutdown as SIGTERM): the proxy maps
# the classes it needs instead of loading them, and starts in about half the time.
# A static archive (class list, then -Xshare:dump), not a dynamic one: a dynamic archive leaves out
# picocli's classes, whose class-file version predates Java 6, and starts about 10 % slower.
# Before it, Netty's epoll library is written out of the jar into /opt/llm-relay/native, which the
# entry point puts on java.library.path: Netty loads it from there instead of copying it to a
# temporary file at every start (a tenth of a start-up; no writable /tmp needed for it).
# hadolint ignore=SC2086
RUN java -cp /opt/llm-relay/llm-relay.jar io.llmrelay.server.cli.UnpackNativeLibrary /opt/llm-relay/native \
 && java $JAVA_OPTS -Djava.library.path=/opt/llm-relay/native -XX:DumpLoadedClassList=/tmp/llm-relay.classlist \
      -jar /opt/llm-relay/llm-relay.jar serve --host 127.0.0.1 --port 0 --warm-up-and-exit \
      --demo-token-delay-ms 0 >/tmp/llm-relay.warm-up.log 2>&1 \
 && java $JAVA_OPTS -Xshare:dump -XX:SharedClassListFile=/tmp/llm-relay.classlist \
      -XX:SharedArchiveFile=/opt/llm-relay/llm-relay.jsa -cp /opt/llm-relay/llm-relay.jar >/tmp/llm-relay.dump.log 2>&1 \
 || { cat /tmp/llm-relay.warm-up.log /tmp/llm-relay.dump.log 2>/dev/null; exit 1; } \
 && test -s /opt/llm-relay/llm-relay.jsa \
 && rm -f /tmp/llm-relay.classlist /tmp/llm-relay.warm-up.log /tmp/llm-relay.dump.log
USER 10001:10001
EXPOSE 11434
# Ready: a backend answers its probes and its models were read (docker ps shows "healthy"). The
# port is PORT's; Kubernetes ignores HEALTHCHECK and uses the probes of deploy/kubernetes/.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["llm-relay-probe", "/health/ready"]
ENTRYPOINT ["llm-relay"]
CMD ["serve"]
