#!/usr/bin/env bash
# Builds llm-relay if the jar is missing or older than the sources, then serves on port 11434.
# With no backend configured it serves its built-in demo backend. Extra arguments go to `serve`,
# e.g. ./run.sh --backend http://localhost:8000/v1
set -euo pipefail
cd "$(dirname "$0")"
jar=proxy-server/target/llm-relay.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml proxy-core proxy-server -newer "$jar" \( -name '*.java' -o -name '*.xml' -o -name '*.properties' \) -not -path '*/target/*' -print -quit)" ]; then
  echo "Building llm-relay (first build downloads dependencies)..." >&2
  mvn -B -q -DskipTests -pl proxy-server -am package
fi
# a bounded heap keeps the resident size modest (RELAY_JAVA_OPTS overrides these flags)
exec java ${RELAY_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseParallelGC} -jar "$jar" serve "$@"
