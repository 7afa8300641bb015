#!/usr/bin/env bash
# The project's test command: installs and starts what the tests need, then runs every test.
# Works on a fresh Debian machine with only Rust installed (run as root or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

here=$(pwd)
# shellcheck source=scripts/services.sh
source "$here/scripts/services.sh"
ensure_services

# The integration tests start the worker and coordinator binaries.
cargo build --workspace --bins

if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast "$@"
else
  cargo test --workspace --no-fail-fast "$@"
fi
