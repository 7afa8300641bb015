#!/usr/bin/env bash
# Checks the properties of deploy/docker/Dockerfile that the image depends on, and fails when
# one is lost:
#   * multi-stage, and the last stage (the default target) is not the Rust toolchain image;
#   * every base image pinned by digest (@sha256:<64 hex>), stages excepted;
#   * every stage with an ENTRYPOINT or CMD, and the last stage, runs as a non-root USER;
#   * binaries stripped: CARGO_PROFILE_RELEASE_STRIP=true|symbols in the stage that runs
#     `cargo build`, `--config profile.release.strip=…` on it, or strip in [profile.release];
#   * a cached dependency layer: in that stage `cargo chef cook` runs before any COPY of the
#     whole context (`COPY . .`), and the build is --locked;
#   * hadolint passes (deploy/docker/.hadolint.yaml; hadolint must be on PATH).
#
#   check-dockerfile.sh [DOCKERFILE [CARGO_TOML]]   check (defaults: the repository's files)
#   check-dockerfile.sh --self-test                 break the Dockerfile one property at a
#                                                   time; fail unless each break is caught
set -euo pipefail
cd "$(dirname "$0")/.."

# One logical instruction per line: STAGE<TAB>INSTRUCTION<TAB>ARGUMENTS (continuations joined,
# comments and blank lines dropped; STAGE counts FROM lines from 1).
instructions() {
  awk '
    /^[[:space:]]*#/ && !cont { next }
    {
      line = $0
      if (cont) { buf = buf " " line } else { buf = line }
      if (buf ~ /\\[[:space:]]*$/) { sub(/\\[[:space:]]*$/, "", buf); cont = 1; next }
      cont = 0
      gsub(/[[:space:]]+/, " ", buf); sub(/^ /, "", buf)
      if (buf == "") next
      split(buf, w, " "); instr = toupper(w[1]); rest = substr(buf, length(w[1]) + 2)
      if (instr == "FROM") stage++
      print stage "\t" instr "\t" rest
    }' "$1"
}

check() {
  local dockerfile=$1 cargo_toml=$2 failures=0
  fail() { echo "check-dockerfile: $dockerfile: $*" >&2; failures=$((failures + 1)); }
  local list
  list=$(instructions "$dockerfile")

  # Multi-stage; stage names; pinned bases.
  local stages=0 aliases=" " last_base=""
  while IFS=$'\t' read -r _ instr rest; do
    [ "$instr" = FROM ] || continue
    stages=$((stages + 1))
    local image alias
    image=$(awk '{ for (i = 1; i <= NF; i++) if ($i !~ /^--/) { print $i; exit } }' <<<"$rest")
    alias=$(awk '{ for (i = 1; i < NF; i++) if (toupper($i) == "AS") print tolower($(i + 1)) }' <<<"$rest")
    last_base=$image
    if [[ "$aliases" != *" ${image,,} "* ]] && ! [[ "$image" =~ @sha256:[0-9a-f]{64}$ ]]; then
      fail "base image $image is not pinned by digest (@sha256:<64 hex>)"
    fi
    [ -z "$alias" ] || aliases+="$alias "
  done <<<"$list"
  [ "$stages" -ge 2 ] || fail "not multi-stage ($stages FROM)"
  if [[ "$last_base" == rust:* || "$last_base" == *cargo-chef* ]]; then
    fail "the last stage ships the Rust toolchain ($last_base)"
  fi

  # Non-root: the last stage, and every stage that sets an ENTRYPOINT or CMD.
  local s
  for s in $(seq 1 "$stages"); do
    local runs user
    runs=$(awk -F'\t' -v s="$s" '$1 == s && ($2 == "ENTRYPOINT" || $2 == "CMD")' <<<"$list")
    [ -n "$runs" ] || [ "$s" -eq "$stages" ] || continue
    user=$(awk -F'\t' -v s="$s" '$1 == s && $2 == "USER" { u = $3 } END { print u }' <<<"$list")
    user=${user%%:*}
    if [ -z "$user" ] || [ "$user" = root ] || [ "$user" = 0 ]; then
      fail "stage $s runs as root (no non-root USER)"
    fi
  done

  # The build stage: strip, cached dependency layer, --locked.
  local build_stage
  build_stage=$(awk -F'\t' '$2 == "RUN" && $3 ~ /cargo build/ { print $1; exit }' <<<"$list")
  if [ -z "$build_stage" ]; then
    fail "no RUN cargo build"
  else
    local strip=0
    if awk -F'\t' -v s="$build_stage" '$1 == s && $2 == "ENV" && $3 ~ /CARGO_PROFILE_RELEASE_STRIP[= ]"?(true|symbols)"?/' <<<"$list" | grep -q .; then strip=1; fi
    if awk -F'\t' -v s="$build_stage" '$1 == s && $2 == "RUN" && $3 ~ /cargo build/ && $3 ~ /profile\.release\.strip=(true|"?symbols"?)/' <<<"$list" | grep -q .; then strip=1; fi
    if awk '/^\[/ { p = ($0 == "[profile.release]") } p && /^strip[[:space:]]*=[[:space:]]*(true|"symbols")/' "$cargo_toml" | grep -q .; then strip=1; fi
    [ "$strip" = 1 ] || fail "binaries are not stripped (CARGO_PROFILE_RELEASE_STRIP, --config profile.release.strip or strip in [profile.release])"

    local order
    order=$(awk -F'\t' -v s="$build_stage" '
      $1 != s { next }
      $2 == "RUN" && $3 ~ /cargo chef cook/ && !cook { cook = NR }
      $2 == "COPY" && $3 !~ /--from=/ && $3 ~ /(^| )\.\/? [^ ]+$/ && !copy { copy = NR }
      END { print (cook ? cook : 0) " " (copy ? copy : 0) }' <<<"$list")
    local cook=${order% *} copy=${order#* }
    if [ "$cook" = 0 ]; then
      fail "no cached dependency layer (RUN cargo chef cook) in the build stage"
    elif [ "$copy" != 0 ] && [ "$copy" -lt "$cook" ]; then
      fail "COPY . . comes before the dependency layer (cargo chef cook): every edit rebuilds every dependency"
    fi
    if ! awk -F'\t' -v s="$build_stage" '$1 == s && $2 == "RUN" && $3 ~ /cargo build/ && $3 ~ /--locked/' <<<"$list" | grep -q .; then
      fail "cargo build without --locked"
    fi
  fi
  return "$failures"
}

hadolint_check() {
  command -v hadolint >/dev/null 2>&1 || {
    echo "check-dockerfile: hadolint is not on PATH (scripts/check-deploy.sh installs it)" >&2
    return 1
  }
  hadolint --config deploy/docker/.hadolint.yaml "$1"
}

if [ "${1:-}" = --self-test ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  good=deploy/docker/Dockerfile
  cp Cargo.toml "$tmp/Cargo.toml"
  sed -i '/^strip[[:space:]]*=/d' "$tmp/Cargo.toml"
  check "$good" "$tmp/Cargo.toml" >/dev/null
  caught=0 missed=()
  breakage() {
    local label=$1 script=$2
    sed -E "$script" "$good" > "$tmp/Dockerfile"
    if cmp -s "$good" "$tmp/Dockerfile"; then
      missed+=("$label (the edit changed nothing: update the self-test)")
    elif check "$tmp/Dockerfile" "$tmp/Cargo.toml" 2>/dev/null; then
      missed+=("$label")
    else
      caught=$((caught + 1))
    fi
  }
  breakage "an unpinned base image" 's/@sha256:[0-9a-f]{64}//'
  breakage "a root runtime" 's/^USER 10001:10001$/USER root/'
  breakage "no USER at all" '/^USER /d'
  breakage "unstripped binaries" '/CARGO_PROFILE_RELEASE_STRIP/d'
  breakage "no dependency layer" 's/cargo chef cook/cargo fetch/'
  breakage "COPY . . before the dependency layer" 's#^COPY --from=planner /src/recipe.json recipe.json$#COPY . .\n&#'
  # shellcheck disable=SC2016 # a sed script, not a shell expression
  breakage "a single stage" '/^FROM chef AS planner$/,$d'
  breakage "an unlocked build" 's/cargo build --release --locked/cargo build --release/'
  if [ ${#missed[@]} -gt 0 ]; then
    printf 'check-dockerfile: self-test: not caught: %s\n' "${missed[@]}" >&2
    exit 1
  fi
  echo "check-dockerfile: self-test: $caught deliberate breakages caught"
  exit 0
fi

dockerfile=${1:-deploy/docker/Dockerfile}
cargo_toml=${2:-Cargo.toml}
if check "$dockerfile" "$cargo_toml"; then
  hadolint_check "$dockerfile"
  echo "check-dockerfile: $dockerfile: multi-stage, bases pinned by digest, non-root, stripped, cached dependency layer; hadolint clean"
else
  exit 1
fi
