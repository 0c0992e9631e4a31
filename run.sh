#!/usr/bin/env bash
# Builds llm-relay if the jar is missing or older than the sources, then serves on port 11434.
# With no backend configured it serves its built-in demo backend. Extra arguments go to `serve`,
# e.g. ./run.sh --backend http://localhost:8000/v1
#
# Start-up: the first run after a build also writes a class-data archive beside the jar (a few
# seconds, once): the JVM then maps the classes a start-up needs instead of loading them, and the
# proxy answers its first request in half the time. Java 17-24 get a static CDS archive made from the
# classes a warm-up loads (a static one, because a dynamic archive leaves out picocli's classes, whose
# class-file version is older than Java 6), Java 25+ an AOT cache. RELAY_JAVA_OPTS replaces the JVM flags (the archive flag is added to them);
# RELAY_CDS=off skips the archive. `./run.sh --java-opts` prints the flags and exits.
set -euo pipefail
cd "$(dirname "$0")"
jar=proxy-server/target/llm-relay.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml proxy-core proxy-server -newer "$jar" \( -name '*.java' -o -name '*.xml' -o -name '*.properties' \) -not -path '*/target/*' -not -path '*/src/test/*' -print -quit)" ]; then
  echo "Building llm-relay (first build downloads dependencies)..." >&2
  mvn -B -q -DskipTests -pl proxy-server -am package >&2 # stdout is the flags' for --java-opts
fi
# the Docker image's heap in its default 512 MB (384 MB, 75 %): bounded, so a warm-up's garbage
# does not grow it for good; a small fixed young generation keeps the resident size modest with
# thousands of open streams (10,000 in under 256 MB RSS, docs/BENCHMARKS.md); the JIT's thresholds
# four times higher: start-up code runs once, and compiling it took half of the CPU before the first
# answer (a quarter less time to it, the same CPU per request once warm; docs/BENCHMARKS.md)
opts=${RELAY_JAVA_OPTS:--Xms64m -Xmx384m -Xmn32m -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError -XX:CompileThresholdScaling=4}

# ---- class-data archive, made for this jar and this JVM
# write_archive FEATURE ARCHIVE: one warm-up run (loopback, the demo backend, logging at the default level,
# stopping through the shutdown a SIGTERM takes) records what start-up
# and a first request of each kind load; Java 25 writes its AOT cache from it, older ones a class list
# that -Xshare:dump then turns into a static archive (the JDK's classes and ours in one file)
warm_up() {
  # shellcheck disable=SC2086 # opts holds several flags
  java $opts "$@" -jar "$jar" serve --host 127.0.0.1 --port 0 --warm-up-and-exit --demo-token-delay-ms 0
}
write_archive() {
  if [ "$1" -ge 25 ]; then
    warm_up "-XX:AOTCacheOutput=$2" -Xlog:cds=off -Xlog:aot=off
  else
    # shellcheck disable=SC2086 # opts holds several flags
    warm_up "-XX:DumpLoadedClassList=$2.classlist" \
      && java $opts -Xshare:dump "-XX:SharedClassListFile=$2.classlist" "-XX:SharedArchiveFile=$2" -cp "$jar"
  fi
}
archive_flags() {
  [ "${RELAY_CDS:-on}" != off ] || return 0
  local version feature archive stamp use kind
  version=$(java -version 2>&1 | head -1)
  feature=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ "${feature:-0}" -ge 25 ] 2>/dev/null; then
    archive=${jar%.jar}.aot; use="-XX:AOTCache=$archive"; kind=aot-cache
  elif [ "${feature:-0}" -ge 13 ] 2>/dev/null; then
    archive=${jar%.jar}.jsa; use="-XX:SharedArchiveFile=$archive"; kind=static-cds
  else
    return 0
  fi
  stamp=$archive.for
  if [ ! -f "$archive" ] || [ "$jar" -nt "$archive" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$kind $version $opts" ]; then
    echo "Writing a class-data archive for faster start-ups ($(basename "$archive"), once per build)..." >&2
    rm -f "$archive" "$stamp"
    if write_archive "$feature" "$archive" >"$archive.log" 2>&1 && [ -f "$archive" ]; then
      echo "$kind $version $opts" >"$stamp"
      rm -f "$archive.log" "$archive.classlist"
    else
      echo "(no archive: $(tail -n 1 "$archive.log" 2>/dev/null); starting without it)" >&2
      rm -f "$archive" "$archive.classlist"
      return 0
    fi
  fi
  echo "$use -Xlog:cds=off -Xlog:cds+dynamic=off"
}
# ---- Netty's epoll library, written beside the jar once per build: Netty loads it from java.library.path
# when it finds it there, instead of copying it out of the jar to a temporary file (named with a SecureRandom)
# at every start; about a tenth of a start-up on the bench's VM (docs/BENCHMARKS.md, findings 7)
native_flags() {
  local dir=${jar%/*}/native
  if [ ! -d "$dir" ] || [ "$jar" -nt "$dir" ]; then
    rm -rf "$dir" && mkdir -p "$dir" || return 0
    java -cp "$jar" io.llmrelay.server.cli.UnpackNativeLibrary "$dir" >/dev/null 2>&1 || true
    touch "$dir" # newer than the jar even when this platform has no library to write
  fi
  if compgen -G "$dir/libnetty_transport_native_epoll_*.so" >/dev/null; then
    echo "-Djava.library.path=$dir"
  fi
}
opts="$opts $(archive_flags) $(native_flags)"
opts=${opts% }
if [ "${1:-}" = --java-opts ]; then
  echo "$opts"
  exit 0
fi
# shellcheck disable=SC2086 # opts holds several flags
exec java $opts -jar "$jar" serve "$@"
