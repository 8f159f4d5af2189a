#!/usr/bin/env bash
# Installs the Debian packages duet needs to build, test and benchmark, when missing.
# Nothing is downloaded at build time except through apt (Debian archive) and npm ci.
set -euo pipefail

PKGS=(build-essential cmake ninja-build pkg-config libfmt-dev libxxhash-dev libjemalloc-dev
      liblzf-dev liblua5.1-0-dev lua-cjson-dev lua-bitop-dev libmsgpack-dev libgtest-dev libgmock-dev libbenchmark-dev libssl-dev libcivetweb-dev
      redis-server redis-tools python3 nodejs npm clang libclang-rt-14-dev openssl procps
      chromium)  # chromium: the status page test (headless)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs/npm may come from outside Debian (nodesource); accept any working node + npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}" ||
    { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; }
fi
# Debian's redis-server package may start a system instance; tests use their own ports.
