#!/usr/bin/env bash
# Installs the measuring tools the size work uses, pinned, into target/tools (ignored by git):
#   cargo-bloat  where the release binary's bytes go (`cargo bloat --release --crates`)
# Usage: bash bench/tools.sh; then target/tools/bin/cargo-bloat, or put target/tools/bin on PATH.
# Idempotent: a tool already installed at the pinned version is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_BLOAT_VERSION=0.12.1
root="$PWD/target/tools"

if [[ "$(PATH="$root/bin:$PATH" cargo bloat --version 2>/dev/null)" != "$CARGO_BLOAT_VERSION" ]]; then
  cargo install --locked --root "$root" "cargo-bloat@$CARGO_BLOAT_VERSION"
fi
echo "cargo-bloat $(PATH="$root/bin:$PATH" cargo bloat --version) in $root/bin"
