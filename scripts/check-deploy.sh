#!/usr/bin/env bash
# Offline checks of deploy/: the Kubernetes kustomization renders, the Prometheus rules are
# valid and their unit tests pass, the dashboard is JSON. Installs what it needs (Debian's
# kubernetes-client, prometheus and jq) when missing, and fails — never skips — when a
# validator still cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/services.sh
source scripts/services.sh
need() {
  local program=$1 package=$2
  command -v "$program" >/dev/null 2>&1 || apt_install "$package"
  command -v "$program" >/dev/null 2>&1 || {
    echo "check-deploy: $program is missing and installing Debian's $package did not provide it" >&2
    exit 1
  }
}
need kubectl kubernetes-client
need promtool prometheus
need jq jq

kubectl kustomize deploy/kubernetes > /dev/null
echo "deploy/kubernetes: kustomize renders"
promtool check rules deploy/prometheus/rules.yml
promtool test rules deploy/prometheus/rules.test.yml
for dashboard in deploy/grafana/*.json; do
  jq empty "$dashboard"
  echo "$dashboard: valid JSON"
done
