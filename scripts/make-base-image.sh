#!/usr/bin/env bash
# Makes sure the Docker image the Dockerfile starts FROM, debian:bookworm-slim,
# is in the local Docker engine, for hosts that cannot reach an image
# registry (air-gapped, or behind a Debian mirror only).
#
#   scripts/make-base-image.sh            # debian:bookworm-slim
#
# 1. The image is already there: nothing to do.
# 2. A registry answers within CARDFLOW_PULL_TIMEOUT seconds (default 30):
#    `docker pull` it.
# 3. Otherwise build it: `debootstrap --variant=minbase bookworm` into a
#    temporary folder, trimmed like Docker's official slim image (no docs,
#    man pages or locales; apt lists cleaned), piped into `docker import`.
#    This needs root and a Debian mirror (DEBIAN_MIRROR, default
#    http://deb.debian.org/debian; DEBIAN_SECURITY_MIRROR for the security
#    suite). debootstrap is installed with apt-get if it is missing.
#
# Exit status 0 when the image exists at the end, 1 otherwise (with the
# reason on stderr).
set -euo pipefail

readonly IMAGE=debian:bookworm-slim
readonly SUITE=bookworm
readonly MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
readonly PULL_TIMEOUT=${CARDFLOW_PULL_TIMEOUT:-30}

say() { echo "make-base-image: $*"; }
die() {
  echo "make-base-image: $*" >&2
  exit 1
}

command -v docker >/dev/null || die "no docker command; install docker.io first"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (is dockerd running? are you in the docker group?)"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE is already here; nothing to do"
  exit 0
fi

say "$IMAGE is not here; trying a registry (docker pull, ${PULL_TIMEOUT} s at most)"
if pull_log=$(timeout "$PULL_TIMEOUT" docker pull "$IMAGE" 2>&1); then
  say "pulled $IMAGE"
  exit 0
fi
say "no registry answered: $(echo "$pull_log" | tail -n 1)"
say "building $IMAGE from $MIRROR with debootstrap instead (about a minute)"

[ "$(id -u)" -eq 0 ] || die "debootstrap needs root; run this script as root (sudo $0)"
if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

root=$(mktemp -d /tmp/cardflow-base.XXXXXX)
trap 'rm -rf "$root"' EXIT

if ! debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >"$root.log" 2>&1; then
  tail -n 20 "$root.log" >&2
  rm -f "$root.log"
  die "debootstrap failed (above); is $MIRROR reachable?"
fi
rm -f "$root.log"

# What Docker's slim images do: the same sources as a stock bookworm, no
# documentation or translations installed by later apt-gets, apt's caches
# emptied after every install.
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
cat >"$root/etc/apt/apt.conf.d/docker-no-languages" <<'EOF'
Acquire::Languages "none";
EOF
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$root"/usr/share/{man,info,locale,lintian}/* "$root"/var/lib/apt/lists/* \
  "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*.log
# The host's resolver and name are Docker's business in a container.
: >"$root/etc/resolv.conf"
echo localhost >"$root/etc/hostname"

# The official image's PATH and CMD.
tar --numeric-owner -C "$root" -c . |
  docker import --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --message "debootstrap --variant=minbase $SUITE ($MIRROR)" - "$IMAGE" >/dev/null
say "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1 / 1e6}')) with debootstrap"
