#!/usr/bin/env python3
"""Offline validation of deploy/ (run by scripts/check-deploy.sh; needs PyYAML and jsonschema).

  deploy_validate.py compose FILE              interpolate like Compose (defaults only), validate
                                               against the Compose Specification schema, check
                                               references (services, volumes, files, build
                                               stages) and the stack's own rules
  deploy_validate.py kubernetes [--pinned] FILE...
                                               validate rendered manifests: core kinds against
                                               the strict Kubernetes schemas, KEDA and
                                               Prometheus Operator kinds against their CRD
                                               schemas, then the deployment rules (restricted
                                               pod security, KEDA owns replicas, grace period,
                                               secrets by reference only, …)
  deploy_validate.py grafana COMPOSE_FILE      provisioning files: shape, dashboards path
  deploy_validate.py selftest COMPOSE_FILE RENDERED_FILE
                                               breaks good inputs on purpose and fails unless
                                               every check above notices

Schemas are vendored under deploy/schemas/ (scripts/vendor-deploy-schemas.sh). Exit status 1
with one line per problem when anything is wrong.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "deploy" / "schemas"
KUBERNETES_SCHEMAS = SCHEMAS / "kubernetes" / "v1.34"
CRD_SCHEMAS = SCHEMAS / "crds"

# RabbitMQ's consumer timeout: the longest a job may hold a delivery, hence the workers' grace.
JOB_TIME_BUDGET_SECONDS = 1800
SECRET_ENV = re.compile(r"(SECRET|PASSWORD|PASS$|TOKEN|AMQP_URL|ACCESS_KEY)", re.IGNORECASE)


class Problems(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def schema_errors(validator, document) -> list[str]:
    out = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in error.absolute_path) or "(top)"
        message = error.message if len(error.message) < 300 else error.message[:300] + "…"
        out.append(f"{path}: {message}")
    return out


# ---------------------------------------------------------------------------------- compose

INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate(value, env: dict[str, str], where: str, problems: Problems):
    """Compose's variable substitution on every string value (keys are not substituted)."""
    if isinstance(value, dict):
        return {k: interpolate(v, env, f"{where}/{k}", problems) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, f"{where}/{i}", problems) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def substitute(m: re.Match) -> str:
        if m.group("escaped"):
            return "$"
        name = m.group("braced") or m.group("named")
        op, arg = m.group("op"), m.group("arg") or ""
        current = env.get(name)
        if op in (":-", "-"):
            if current is None or (op == ":-" and current == ""):
                return arg
            return current
        if op in (":?", "?"):
            if current is None or (op == ":?" and current == ""):
                problems.add(where, f"${{{name}}} is required ({arg or 'no message'})")
                return ""
            return current
        if current is None:
            problems.add(where, f"${name} has no default: the file must run without it set")
            return ""
        return current

    return INTERPOLATION.sub(substitute, value)


def dockerfile_stages(path: Path) -> set[str]:
    stages = set()
    for line in path.read_text().splitlines():
        m = re.match(r"\s*FROM\s+\S+\s+AS\s+(\S+)", line, re.IGNORECASE)
        if m:
            stages.add(m.group(1).lower())
    return stages


def check_compose(path: Path, document: dict | None = None) -> Problems:
    problems = Problems()
    if document is None:
        document = yaml.safe_load(path.read_text())
    document = interpolate(document, {}, str(path), problems)
    schema = json.loads((SCHEMAS / "compose" / "compose-spec.json").read_text())
    for error in schema_errors(validator_for(schema)(schema), document):
        problems.add(str(path), f"schema: {error}")
    if problems:
        return problems

    base = path.parent
    services = document.get("services", {})
    volumes = document.get("volumes") or {}
    for name, service in services.items():
        where = f"{path}: services/{name}"
        depends = service.get("depends_on", {})
        for dependency in depends if isinstance(depends, (list, dict)) else []:
            if dependency not in services:
                problems.add(where, f"depends_on names no service: {dependency}")
        for mount in service.get("volumes", []):
            source = mount.split(":")[0] if isinstance(mount, str) else mount.get("source", "")
            if source.startswith((".", "/")):
                if not (base / source).exists():
                    problems.add(where, f"bind-mount source {source} does not exist")
            elif source and source not in volumes:
                problems.add(where, f"volume {source} is not declared under volumes:")
        build = service.get("build")
        if isinstance(build, dict):
            context = base / build.get("context", ".")
            dockerfile = context / build.get("dockerfile", "Dockerfile")
            if not dockerfile.is_file():
                problems.add(where, f"build: no Dockerfile at {dockerfile}")
            elif build.get("target") and build["target"].lower() not in dockerfile_stages(dockerfile):
                problems.add(where, f"build: {dockerfile} has no stage {build['target']}")
        elif "image" in service and "@sha256:" not in service["image"]:
            problems.add(where, f"image {service['image']} is not pinned by digest (@sha256:)")
        for port in service.get("ports", []):
            if isinstance(port, str) and not port.startswith("127.0.0.1:"):
                problems.add(where, f"port {port} is published beyond 127.0.0.1")
    for required in ["rabbitmq", "worker", "coordinator", "prometheus", "grafana"]:
        if required not in services:
            problems.add(str(path), f"the stack has no service {required}")
    worker = services.get("worker", {})
    if "container_name" in worker or worker.get("ports"):
        problems.add(str(path), "worker: container_name or host ports stop --scale worker=N")
    prometheus_mounts = " ".join(str(v) for v in services.get("prometheus", {}).get("volumes", []))
    if "prometheus/rules.yml" not in prometheus_mounts:
        problems.add(str(path), "prometheus does not mount deploy/prometheus/rules.yml")
    grafana_mounts = " ".join(str(v) for v in services.get("grafana", {}).get("volumes", []))
    if "grafana/provisioning:/etc/grafana/provisioning" not in grafana_mounts:
        problems.add(str(path), "grafana does not mount deploy/grafana/provisioning")
    return problems


# ------------------------------------------------------------------------------- kubernetes


def schema_file(api_version: str, kind: str) -> Path | None:
    group, _, version = api_version.rpartition("/")
    stem = kind.lower() + (f"-{group.split('.')[0]}" if group else "") + f"-{version}"
    for directory in (KUBERNETES_SCHEMAS, CRD_SCHEMAS):
        candidate = directory / f"{stem}.json"
        if candidate.is_file():
            return candidate
    return None


_REGISTRY: Registry | None = None


def registry() -> Registry:
    global _REGISTRY
    if _REGISTRY is None:
        definitions = json.loads((KUBERNETES_SCHEMAS / "_definitions.json").read_text())
        _REGISTRY = Registry().with_resource(
            definitions["$id"], Resource.from_contents(definitions)
        )
    return _REGISTRY


def pod_templates(doc: dict):
    kind = doc.get("kind")
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        yield doc.get("spec", {}).get("template", {})
    elif kind == "CronJob":
        yield doc.get("spec", {}).get("jobTemplate", {}).get("spec", {}).get("template", {})
    elif kind == "Pod":
        yield doc


def check_pod(where: str, template: dict, problems: Problems) -> None:
    """The "restricted" Pod Security Standard, and secrets by reference only."""
    spec = template.get("spec", {})
    pod = spec.get("securityContext", {})
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(flag):
            problems.add(where, f"{flag} is set")
    for volume in spec.get("volumes", []):
        if "hostPath" in volume:
            problems.add(where, f"volume {volume.get('name')} is a hostPath")
    if spec.get("automountServiceAccountToken") is not False:
        problems.add(where, "automountServiceAccountToken is not false (no pod here calls the API)")
    containers = spec.get("containers", []) + spec.get("initContainers", [])
    for c in containers:
        at = f"{where} container {c.get('name')}"
        sc = c.get("securityContext", {})
        if not (sc.get("runAsNonRoot", pod.get("runAsNonRoot")) is True):
            problems.add(at, "runAsNonRoot is not true")
        if (sc.get("runAsUser", pod.get("runAsUser")) or 0) == 0:
            problems.add(at, "runAsUser is not set to a non-zero UID")
        seccomp = sc.get("seccompProfile", pod.get("seccompProfile", {})) or {}
        if seccomp.get("type") not in ("RuntimeDefault", "Localhost"):
            problems.add(at, "seccompProfile.type is not RuntimeDefault (or Localhost)")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.add(at, "allowPrivilegeEscalation is not false")
        if sc.get("privileged"):
            problems.add(at, "privileged")
        caps = sc.get("capabilities", {}) or {}
        if "ALL" not in (caps.get("drop") or []):
            problems.add(at, "capabilities.drop does not contain ALL")
        if set(caps.get("add") or []) - {"NET_BIND_SERVICE"}:
            problems.add(at, f"capabilities.add {caps.get('add')}")
        if sc.get("readOnlyRootFilesystem") is not True:
            problems.add(at, "readOnlyRootFilesystem is not true")
        for port in c.get("ports", []):
            if "hostPort" in port:
                problems.add(at, f"hostPort {port['hostPort']}")
        for env in c.get("env", []):
            if SECRET_ENV.search(env.get("name", "")) and "valueFrom" not in env:
                problems.add(at, f"env {env['name']} holds a value: secrets only by reference")
            ref = env.get("valueFrom", {})
            if "configMapKeyRef" in ref and SECRET_ENV.search(env.get("name", "")):
                problems.add(at, f"env {env['name']} comes from a ConfigMap, not a Secret")


def check_kubernetes(path: Path, docs: list[dict], pinned: bool) -> Problems:
    problems = Problems()
    by_kind: dict[str, list[dict]] = {}
    for i, doc in enumerate(docs):
        if not doc:
            continue
        kind, api = doc.get("kind", "?"), doc.get("apiVersion", "?")
        name = doc.get("metadata", {}).get("name", "?")
        where = f"{path}: {kind}/{name}"
        by_kind.setdefault(kind, []).append(doc)
        file = schema_file(api, kind)
        if file is None:
            problems.add(where, f"no vendored schema for {api} {kind}: add the kind to "
                         "scripts/vendor-deploy-schemas.sh and run it")
            continue
        schema = json.loads(file.read_text())
        validator = Draft202012Validator(schema, registry=registry())
        for error in schema_errors(validator, doc):
            problems.add(where, f"schema {file.name}: {error}")
        if kind == "Secret":
            problems.add(where, "a Secret in the manifests: secrets are referenced, never defined")
        for template in pod_templates(doc):
            check_pod(where, template, problems)
            for c in template.get("spec", {}).get("containers", []):
                image = c.get("image", "")
                if image.endswith(":latest"):
                    problems.add(where, f"image {image} uses :latest")
                if pinned and ":" not in image.rsplit("/", 1)[-1] and "@sha256:" not in image:
                    problems.add(where, f"image {image} has neither a tag nor a digest")

    scaled = {
        so.get("spec", {}).get("scaleTargetRef", {}).get("name")
        for so in by_kind.get("ScaledObject", [])
    }
    for deployment in by_kind.get("Deployment", []):
        name = deployment["metadata"]["name"]
        where = f"{path}: Deployment/{name}"
        spec = deployment.get("spec", {})
        if name in scaled and "replicas" in spec:
            problems.add(where, "sets replicas although a KEDA ScaledObject owns them")
        if name == "esr1-worker":
            if name not in scaled:
                problems.add(where, "no ScaledObject scales the workers")
            grace = spec.get("template", {}).get("spec", {}).get("terminationGracePeriodSeconds", 30)
            if grace < JOB_TIME_BUDGET_SECONDS:
                problems.add(where, f"terminationGracePeriodSeconds {grace} is below the job-time "
                             f"budget ({JOB_TIME_BUDGET_SECONDS} s, RabbitMQ's consumer timeout)")
            labels = spec.get("selector", {}).get("matchLabels", {})

            def selects(selector: dict) -> bool:
                wanted = selector.get("matchLabels", {})
                return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())

            if not any(selects(m.get("spec", {}).get("selector", {}))
                       for m in by_kind.get("PodMonitor", []) + by_kind.get("ServiceMonitor", [])):
                problems.add(where, "no PodMonitor (or ServiceMonitor) selects the workers")
            if not any(selects(p.get("spec", {}).get("selector", {}))
                       for p in by_kind.get("PodDisruptionBudget", [])):
                problems.add(where, "no PodDisruptionBudget covers the workers")
            if not any(selects(n.get("spec", {}).get("podSelector", {}))
                       for n in by_kind.get("NetworkPolicy", [])):
                problems.add(where, "no NetworkPolicy selects the workers")
    if by_kind.get("Deployment") and not any(
        n.get("spec", {}).get("podSelector") == {} for n in by_kind.get("NetworkPolicy", [])
    ):
        problems.add(str(path), "no default-deny NetworkPolicy (podSelector: {})")
    for job in by_kind.get("Job", []):
        where = f"{path}: Job/{job['metadata']['name']}"
        template = job.get("spec", {}).get("template", {}).get("spec", {})
        if template.get("serviceAccountName") in (None, "default"):
            problems.add(where, "runs as the default ServiceAccount")
    for namespace in by_kind.get("Namespace", []):
        labels = namespace.get("metadata", {}).get("labels", {})
        if labels.get("pod-security.kubernetes.io/enforce") != "restricted":
            problems.add(f"{path}: Namespace/{namespace['metadata']['name']}",
                         "pod-security.kubernetes.io/enforce is not restricted")
    return problems


def load_rendered(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


# ---------------------------------------------------------------------------------- grafana


def check_grafana(compose_path: Path) -> Problems:
    problems = Problems()
    provisioning = ROOT / "deploy" / "grafana" / "provisioning"
    datasources = list((provisioning / "datasources").glob("*.y*ml"))
    providers = list((provisioning / "dashboards").glob("*.y*ml"))
    if not datasources or not providers:
        problems.add(str(provisioning), "needs datasources/*.yaml and dashboards/*.yaml")
    uids = set()
    for file in datasources:
        doc = yaml.safe_load(file.read_text())
        if doc.get("apiVersion") != 1 or not doc.get("datasources"):
            problems.add(str(file), "apiVersion 1 with a datasources list expected")
        for ds in doc.get("datasources", []):
            for key in ("name", "type", "url", "access"):
                if not ds.get(key):
                    problems.add(str(file), f"datasource without {key}")
            if ds.get("type") != "prometheus":
                problems.add(str(file), f"datasource {ds.get('name')} is not prometheus")
            uids.add(ds.get("uid"))
    paths = set()
    for file in providers:
        doc = yaml.safe_load(file.read_text())
        if doc.get("apiVersion") != 1 or not doc.get("providers"):
            problems.add(str(file), "apiVersion 1 with a providers list expected")
        for provider in doc.get("providers", []):
            if provider.get("type") != "file" or not provider.get("options", {}).get("path"):
                problems.add(str(file), f"provider {provider.get('name')}: type file with a path")
            paths.add(provider.get("options", {}).get("path"))
    # The stack mounts deploy/grafana at the provider's path.
    compose = yaml.safe_load(compose_path.read_text())
    mounts = compose.get("services", {}).get("grafana", {}).get("volumes", [])
    targets = {m.split(":")[1] for m in mounts if isinstance(m, str) and m.startswith("../grafana:")}
    if not paths & targets:
        problems.add(str(compose_path), f"grafana mounts deploy/grafana at {targets or 'nowhere'}, "
                     f"the dashboard provider reads {paths}")
    dashboards = list((ROOT / "deploy" / "grafana").glob("*.json"))
    if not dashboards:
        problems.add("deploy/grafana", "no dashboard")
    for file in dashboards:
        doc = json.loads(file.read_text())
        if not doc.get("uid") or not doc.get("title"):
            problems.add(str(file), "dashboard without uid or title")
    return problems


# --------------------------------------------------------------------------------- selftest


def selftest(compose_path: Path, rendered_path: Path) -> Problems:
    """Each check must catch its fault: a validator that passes everything is a failure."""
    problems = Problems()
    compose = yaml.safe_load(compose_path.read_text())
    docs = load_rendered(rendered_path)

    def compose_case(label, mutate):
        broken = copy.deepcopy(compose)
        mutate(broken)
        if not check_compose(compose_path, broken):
            problems.add("selftest compose", f"not caught: {label}")

    compose_case("an unknown service key", lambda c: c["services"]["worker"].update(bogus=1))
    compose_case("depends_on an unknown service",
                 lambda c: c["services"]["coordinator"]["depends_on"].update(nosuch={}))
    compose_case("an undeclared volume",
                 lambda c: c["services"]["worker"].setdefault("volumes", []).append("nosuch:/x"))
    compose_case("an unpinned image", lambda c: c["services"]["grafana"].update(image="grafana/grafana:12"))
    compose_case("a missing bind-mount source",
                 lambda c: c["services"]["prometheus"]["volumes"].append("./nosuch.yml:/x:ro"))
    compose_case("a variable without a default",
                 lambda c: c["services"]["worker"]["environment"].update(X="${ESR1_NOSUCH}"))
    compose_case("a build target the Dockerfile lacks",
                 lambda c: c["services"]["worker"]["build"].update(target="nosuch"))

    def find(kind, name=None):
        for d in docs:
            if d.get("kind") == kind and (name is None or d["metadata"]["name"] == name):
                return d
        raise SystemExit(f"selftest: {rendered_path} has no {kind} {name or ''}")

    def kube_case(label, mutate):
        broken = copy.deepcopy(docs)
        mutate(broken)
        if not check_kubernetes(rendered_path, broken, pinned=True):
            problems.add("selftest kubernetes", f"not caught: {label}")

    def worker(ds):
        return next(d for d in ds if d.get("kind") == "Deployment")

    def container(ds):
        return worker(ds)["spec"]["template"]["spec"]["containers"][0]

    find("Deployment", "esr1-worker")
    kube_case("replicas under KEDA", lambda ds: worker(ds)["spec"].update(replicas=1))
    kube_case("a short grace period",
              lambda ds: worker(ds)["spec"]["template"]["spec"].update(terminationGracePeriodSeconds=300))
    kube_case("capabilities not dropped",
              lambda ds: container(ds)["securityContext"].pop("capabilities"))
    kube_case("no seccomp profile", lambda ds: (
        container(ds)["securityContext"].pop("seccompProfile"),
        worker(ds)["spec"]["template"]["spec"]["securityContext"].pop("seccompProfile")))
    kube_case("a writable root filesystem",
              lambda ds: container(ds)["securityContext"].update(readOnlyRootFilesystem=False))
    kube_case("an unknown container field (strict schema)",
              lambda ds: container(ds).update(imagePullPolicyy="Always"))
    kube_case("a wrong type (schema)",
              lambda ds: container(ds)["ports"][0].update(containerPort="metrics"))
    kube_case("a secret as a plain value",
              lambda ds: container(ds)["env"].append({"name": "AWS_SECRET_ACCESS_KEY", "value": "x"}))
    kube_case("a Secret object", lambda ds: ds.append(
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"a": "b"}}))
    kube_case("an unknown ScaledObject field (CRD schema)",
              lambda ds: next(d for d in ds if d["kind"] == "ScaledObject")["spec"].update(maxReplicas=3))
    kube_case("a PodMonitor endpoint with a bad interval (CRD schema)",
              lambda ds: next(d for d in ds if d["kind"] == "PodMonitor")["spec"]
              ["podMetricsEndpoints"][0].update(interval="thirty seconds"))
    kube_case("no PodMonitor", lambda ds: ds.remove(next(d for d in ds if d["kind"] == "PodMonitor")))
    kube_case("no PodDisruptionBudget",
              lambda ds: ds.remove(next(d for d in ds if d["kind"] == "PodDisruptionBudget")))
    kube_case("a kind without a vendored schema", lambda ds: ds.append(
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}}))
    kube_case("an unpinned image", lambda ds: container(ds).update(image="esr1"))
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    command, args = argv[1], argv[2:]
    if command == "compose":
        problems = check_compose(Path(args[0]))
        ok = f"{args[0]}: valid (Compose Specification schema, references, stack rules)"
    elif command == "kubernetes":
        pinned = "--pinned" in args
        problems = Problems()
        files = [a for a in args if a != "--pinned"]
        for file in files:
            problems += check_kubernetes(Path(file), load_rendered(Path(file)), pinned)
        ok = f"{len(files)} rendered manifest(s): valid (schemas, pod security, deployment rules)"
    elif command == "grafana":
        problems = check_grafana(Path(args[0]))
        ok = "deploy/grafana/provisioning: valid"
    elif command == "selftest":
        problems = selftest(Path(args[0]), Path(args[1]))
        ok = "selftest: every deliberate fault was caught"
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print(ok)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
