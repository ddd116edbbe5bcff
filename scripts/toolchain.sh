#!/usr/bin/env bash
# Puts Node >= 22.13 and the pinned pnpm on PATH, fetching both from the npm registry into the tools cache
# when the machine lacks them (a machine with only an older Node and npm needs nothing else), installs the
# workspace when its lockfile changed, then runs the command given, if any.
# Usage: bash scripts/toolchain.sh <command> [args...]   or   source scripts/toolchain.sh (CI)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

node_version="24.21.0"
pnpm_version="$(sed -n 's/.*"packageManager": "pnpm@\([^"]*\)".*/\1/p' package.json)"
tools="${GOAL_LEASE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/goal-lease-tools}"
cache="$tools/node-${node_version}-pnpm-${pnpm_version}"

node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=13)?0:1)'
}

if ! node_ok || [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
  if [ ! -x "$cache/bin/pnpm" ]; then
    echo "toolchain: fetching node@${node_version} and pnpm@${pnpm_version} into $cache (once)" >&2
    rm -rf "$cache.tmp" && mkdir -p "$cache.tmp/bin"
    npm install --prefix "$cache.tmp" --no-save --no-audit --no-fund --loglevel=error \
      "node@${node_version}" "pnpm@${pnpm_version}"
    ln -s ../node_modules/node/bin/node "$cache.tmp/bin/node"
    printf '#!/bin/sh\nexec "%s/bin/node" "%s/node_modules/pnpm/bin/pnpm.cjs" "$@"\n' "$cache" "$cache" >"$cache.tmp/bin/pnpm"
    chmod +x "$cache.tmp/bin/pnpm"
    rm -rf "$cache" && mv "$cache.tmp" "$cache"
  fi
  export PATH="$cache/bin:$PATH"
fi

# A clean checkout, or a lockfile newer than the last install, installs the workspace.
if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  pnpm install --frozen-lockfile
fi

# Sourced (CI), it only sets PATH; run, it runs the command.
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ $# -gt 0 ]; then exec "$@"; fi
