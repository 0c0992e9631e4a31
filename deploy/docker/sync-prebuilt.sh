#!/usr/bin/env bash
# Writes deploy/docker/Dockerfile.prebuilt from the Dockerfile: a stage that takes the jar from the
# build context (proxy-server/target) in place of the Maven build, then the Dockerfile's runtime
# stage verbatim, so the two images cannot drift apart.
#   deploy/docker/sync-prebuilt.sh           rewrite it
#   deploy/docker/sync-prebuilt.sh --check   exit 1, with the difference, when it is out of date (test.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
marker='# ---- run: '
grep -q "^$marker" Dockerfile || { echo "sync-prebuilt.sh: no '$marker' line in Dockerfile" >&2; exit 1; }
runtime_image_arg=$(grep -m1 '^ARG RUNTIME_IMAGE=' Dockerfile) \
  || { echo "sync-prebuilt.sh: no 'ARG RUNTIME_IMAGE=' in Dockerfile" >&2; exit 1; }

generate() {
  cat <<EOF
# Generated from ../../Dockerfile by deploy/docker/sync-prebuilt.sh: edit the Dockerfile, not this.
# The same runtime image, built from the jar that \`mvn package\` (or test.sh) already built, with no
# network and no BuildKit (the legacy builder runs every stage):
#
#   docker build -f deploy/docker/Dockerfile.prebuilt --build-arg RUNTIME_IMAGE=... proxy-server/target
$runtime_image_arg

# ---- the jar, from the build context ----
FROM scratch AS build
# the label lets a script remove this stage's image once the runtime image is gone
LABEL io.llmrelay.stage=prebuilt-jar
COPY llm-relay.jar /llm-relay.jar

EOF
  sed -n "/^$marker/,\$p" Dockerfile
}

target=deploy/docker/Dockerfile.prebuilt
if [ "${1:-}" = --check ]; then
  if ! diff -u "$target" <(generate) >&2; then
    echo "sync-prebuilt.sh: $target is not the Dockerfile's runtime stage; run deploy/docker/sync-prebuilt.sh" >&2
    exit 1
  fi
else
  generate >"$target"
fi
