#!/usr/bin/env bash
# Installs (Debian packages) and starts the services the tests talk to, when they are missing.
# Sourced by scripts/test.sh; safe to run again: nothing is started twice.

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} …" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_port() {
  local port=$1 what=$2
  for _ in $(seq 1 120); do
    port_open "$port" && return 0
    sleep 1
  done
  echo "$what did not open port $port in 120 s" >&2
  return 1
}

# RabbitMQ on 127.0.0.1:5672 (guest/guest): the shared broker of the integration tests. The
# programs are installed whether or not a broker already answers there (one in a container, a
# CI service): the broker-restart test starts a private node with rabbitmq-server and drives it
# with rabbitmqctl.
ensure_rabbitmq() {
  if ! command -v rabbitmq-server >/dev/null 2>&1 || ! command -v rabbitmqctl >/dev/null 2>&1; then
    apt_install rabbitmq-server
  fi
  if port_open 5672; then return 0; fi
  echo "starting rabbitmq-server …" >&2
  as_root rabbitmq-server -detached || true
  wait_port 5672 "rabbitmq-server"
}

# Garage, the S3-compatible server of the S3 tests (each test starts its own instance with
# scripts/garage.sh). Compiled from crates.io once per machine (about 11 minutes on 2 cores).
ensure_garage() {
  if [ -z "${GARAGE:-}" ]; then
    GARAGE=$(command -v garage || true)
    [ -n "$GARAGE" ] || [ ! -x "$HOME/.cargo/bin/garage" ] || GARAGE="$HOME/.cargo/bin/garage"
  fi
  if [ -z "${GARAGE:-}" ] || ! "$GARAGE" --version >/dev/null 2>&1; then
    echo "installing garage (cargo install garage --locked; about 11 minutes once per machine) …" >&2
    cargo install garage --locked --quiet
    GARAGE="$HOME/.cargo/bin/garage"
  fi
  export GARAGE
}

# Programs the tests execute, installed when missing whatever already listens on a port:
# bcftools reads the cohort VCF (Debian's build, as users run it); headless Chromium renders
# report.html (coordinator/tests/it/report_html.rs).
ensure_tools() {
  command -v bcftools >/dev/null 2>&1 || apt_install bcftools
  command -v chromium >/dev/null 2>&1 || apt_install chromium
  ensure_art_tools
}

# The ART/bwa end-to-end test makes its reads with art_illumina, aligns them with bwa and
# sorts, marks duplicates and indexes with samtools.
ensure_art_tools() {
  command -v art_illumina >/dev/null 2>&1 || apt_install art-nextgen-simulation-tools
  command -v bwa >/dev/null 2>&1 || apt_install bwa
  command -v samtools >/dev/null 2>&1 || apt_install samtools
}

ensure_services() {
  ensure_tools
  ensure_rabbitmq
  ensure_garage
}
