# syntax=docker/dockerfile:1

# ---- build: the shaded jar, tests left to CI ----
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY proxy-core proxy-core
COPY proxy-server proxy-server
COPY proxy-bench proxy-bench
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -pl proxy-server -am package

# ---- run: a JRE and the jar, as an unprivileged user ----
FROM eclipse-temurin:17-jre
RUN groupadd --system relay && useradd --system --gid relay --no-create-home --shell /usr/sbin/nologin relay
COPY --from=build /src/proxy-server/target/llm-relay.jar /opt/llm-relay/llm-relay.jar
# A class-data archive written by this JRE from one warm-up run (loopback only, demo backend):
# the proxy maps the classes it needs instead of loading them and starts in about half the time.
RUN java -XX:ArchiveClassesAtExit=/opt/llm-relay/llm-relay.jsa -jar /opt/llm-relay/llm-relay.jar \
      serve --port 0 --warm-up-and-exit --demo-token-delay-ms 0 --log-level WARN
USER relay
# Listen on all interfaces inside the container; JSON logs on stdout.
ENV HOST=0.0.0.0 \
    PORT=11434 \
    LOG_FORMAT=json
EXPOSE 11434
# Liveness over plain bash (no curl in the image): GET /health must answer 200.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PROXY_PORT:-${PORT:-11434}} && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Xmn32m", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError", \
  "-XX:SharedArchiveFile=/opt/llm-relay/llm-relay.jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", \
  "-jar", "/opt/llm-relay/llm-relay.jar"]
CMD ["serve"]
