#!/usr/bin/env bash
# Regenerates the JSON schemas under deploy/schemas/ that scripts/check-deploy.sh validates
# against, from pinned packages of the Python package index (nothing else is downloaded):
#
#   compose/compose-spec.json         the Compose Specification schema, as vendored by
#                                     check-jsonschema
#   kubernetes/v1.34/*.json           strict schemas of the core kinds deploy/kubernetes uses,
#                                     from kubernetes-validate; _definitions.json is pruned to
#                                     the definitions those kinds reach
#   crds/*.json                       KEDA ScaledObject and TriggerAuthentication, Prometheus
#                                     Operator PodMonitor: JSON Schema of the cloudcoil models
#                                     generated from those projects' CRDs
#
# Run it after adding a kind to deploy/kubernetes (add it to KINDS below) or to move versions.
set -euo pipefail
cd "$(dirname "$0")/.."

KUBERNETES_VALIDATE=1.37.0
KUBERNETES_VERSION=v1.34.0
CHECK_JSONSCHEMA=0.39.0
CLOUDCOIL_KEDA=2.16.1.0
CLOUDCOIL_PROMETHEUS_OPERATOR=0.80.1.0
KINDS="namespace-v1 serviceaccount-v1 configmap-v1 deployment-apps-v1 job-batch-v1
  poddisruptionbudget-policy-v1 networkpolicy-networking-v1"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet \
  "kubernetes-validate==$KUBERNETES_VALIDATE" \
  "check-jsonschema==$CHECK_JSONSCHEMA" \
  "cloudcoil.models.keda==$CLOUDCOIL_KEDA" \
  "cloudcoil.models.prometheus_operator==$CLOUDCOIL_PROMETHEUS_OPERATOR"

KINDS="$KINDS" KUBERNETES_VERSION="$KUBERNETES_VERSION" "$work/venv/bin/python" - <<'PY'
import json, os, re, shutil
from pathlib import Path
import check_jsonschema, kubernetes_validate

out = Path("deploy/schemas")

def write(path, schema):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")

def terse(node, in_properties=False):
    """Drops the prose (descriptions) but never a field that happens to be called so."""
    if isinstance(node, dict):
        if not in_properties and isinstance(node.get("description"), str):
            del node["description"]
        for key, value in node.items():
            terse(value, key in ("properties", "$defs", "patternProperties"))
    elif isinstance(node, list):
        for value in node:
            terse(value)
    return node

# Compose: the schema check-jsonschema ships (and its licence).
vendor = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"
(out / "compose").mkdir(parents=True, exist_ok=True)
shutil.copy(vendor / "compose-spec.json", out / "compose" / "compose-spec.json")
shutil.copy(vendor / "licenses" / "LICENSE.compose-spec", out / "compose" / "LICENSE")

# Kubernetes core kinds (strict: unknown fields are errors), definitions pruned.
version = os.environ["KUBERNETES_VERSION"]
src = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / f"{version}-local-strict"
defs = json.loads((src / "_definitions.json").read_text())
ref = re.compile(r'"\$ref": "(?:/api/_definitions\.json)?#/\$defs/([^"]+)"')
wanted, todo = set(), []
kinds = os.environ["KINDS"].split()
dest = out / "kubernetes" / version.rsplit(".", 1)[0]
if dest.exists():
    shutil.rmtree(dest)
for kind in kinds:
    text = (src / f"{kind}.json").read_text()
    todo += ref.findall(text)
    write(dest / f"{kind}.json", terse(json.loads(text)))
while todo:
    name = todo.pop()
    if name not in wanted:
        wanted.add(name)
        todo += ref.findall(json.dumps(defs["$defs"][name]))
pruned = dict(defs)
pruned["$defs"] = {k: v for k, v in sorted(defs["$defs"].items()) if k in wanted}
write(dest / "_definitions.json", terse(pruned))

# CRDs: JSON Schema of the generated pydantic models, closed (additionalProperties: false on
# every object with declared properties, as the API server prunes or rejects unknown fields).
from cloudcoil.models.keda import v1alpha1 as keda
from cloudcoil.models.prometheus_operator import v1 as monitoring

def close(node):
    if isinstance(node, dict):
        node.pop("title", None)
        node.pop("default", None)
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for v in node.values():
            close(v)
    elif isinstance(node, list):
        for v in node:
            close(v)
    return node

for name, model in [
    ("scaledobject-keda-v1alpha1", keda.ScaledObject),
    ("triggerauthentication-keda-v1alpha1", keda.TriggerAuthentication),
    ("podmonitor-monitoring-v1", monitoring.PodMonitor),
]:
    schema = terse(close(model.model_json_schema(by_alias=True)))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    write(out / "crds" / f"{name}.json", schema)
PY
du -sh deploy/schemas/*
