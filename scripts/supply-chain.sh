#!/usr/bin/env bash
# Supply-chain checks with cargo-deny (policy in deny.toml): licenses, duplicate versions and
# wildcards (bans), and where crates come from (sources). Installs cargo-deny when missing
# (`cargo install --locked`: 5 minutes on 2 busy cores, once per machine).
#
# Advisories need the RustSec database, a git repository on GitHub that these machines cannot
# reach; they are checked only when ESR1_ADVISORY_DB names a local git copy of it
# (rustsec/advisory-db), offline, as of that copy's last commit.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo deny --version >/dev/null 2>&1; then
  start=$(date +%s)
  cargo install --locked cargo-deny
  echo "supply-chain: cargo-deny installed in $(( $(date +%s) - start )) s"
fi

cargo deny --log-level warn check licenses bans sources

if [[ -n "${ESR1_ADVISORY_DB:-}" && -d "${ESR1_ADVISORY_DB}" ]]; then
  dbs=$(mktemp -d)
  trap 'rm -rf "$dbs"' EXIT
  # cargo-deny reads the database of the default source from this directory name.
  git clone --quiet "$ESR1_ADVISORY_DB" "$dbs/advisory-db-3157b0e258782691"
  sed "s|^ignore = \[\]|db-path = \"$dbs\"\nignore = []|" deny.toml >"$dbs/deny.toml"
  echo "supply-chain: advisories as of $(git -C "$dbs/advisory-db-3157b0e258782691" log -1 --format=%cs)"
  cargo deny --offline --config "$dbs/deny.toml" check advisories
else
  echo "supply-chain: advisories not checked: the RustSec database is fetched from GitHub, which is not reachable here (set ESR1_ADVISORY_DB to a git copy of rustsec/advisory-db)"
fi
