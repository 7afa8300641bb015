#!/usr/bin/env bash
# Offline checks of deploy/: the Kubernetes kustomization renders, the Prometheus rules are
# valid, the dashboard is JSON. Installs promtool (Debian's prometheus package) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/services.sh
source scripts/services.sh
command -v kubectl >/dev/null 2>&1 || apt_install kubernetes-client || true
command -v promtool >/dev/null 2>&1 || apt_install prometheus || true
if command -v kubectl >/dev/null 2>&1; then
  kubectl kustomize deploy/kubernetes > /dev/null
  echo "deploy/kubernetes: kustomize renders"
else
  echo "kubectl not available: kustomize check skipped" >&2
fi
if command -v promtool >/dev/null 2>&1; then
  promtool check rules deploy/prometheus/rules.yml
else
  echo "promtool not available: rules check skipped" >&2
fi
python3 -m json.tool deploy/grafana/esr1-worker.json > /dev/null && echo "deploy/grafana: valid JSON"
