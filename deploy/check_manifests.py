#!/usr/bin/env python3
"""Offline structural check of the Kubernetes manifests in deploy/kubernetes/.

kubectl validates only against a cluster (even --dry-run=client asks the API server for
its resource list), so this checks the fields the gateway's deployment relies on:
container ports, native gRPC probes, credentials from Secrets (never flags), resource
requests and limits, the non-root user of the image, volumes behind every mount and
flag file, the Service pointing at the pods, and terminationGracePeriodSeconds above
the drain settings in the flag file.

Usage: check_manifests.py [--self_test] FILE.yaml...
Prints one line per problem; exit 1 if any. --self_test also breaks each relied-on field
in a copy of the manifests and fails unless the check catches every break.
"""

import copy

import re
import sys

import yaml

IMAGE_USER = 10001  # USER in deploy/Dockerfile.
SECRET_FLAGS = ("--ak=", "--sk=", "--password=", "--token=", "--auth_token=")


def parse_duration(text):
    """Seconds in a flag duration such as 20s, 1m30s, 500ms, 2h; None if unparsable."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    scale = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    return sum(float(n) * scale[u] for n, u in parts)


def flag_values(flag_text):
    """--name=value pairs of a gflags flag file (one flag a line, # comments)."""
    flags = {}
    for line in flag_text.splitlines():
        line = line.strip()
        if line.startswith("--") and "=" in line:
            name, value = line[2:].split("=", 1)
            flags[name] = value
    return flags


class Checker:
    def __init__(self):
        self.problems = []

    def problem(self, where, message):
        self.problems.append(f"{where}: {message}")

    def check(self, docs):
        by_kind = {}
        for doc in docs:
            if not isinstance(doc, dict):
                continue
            kind, name = doc.get("kind"), (doc.get("metadata") or {}).get("name")
            if not doc.get("apiVersion") or not kind or not name:
                self.problem("document", "needs apiVersion, kind and metadata.name")
                continue
            by_kind.setdefault(kind, {})[name] = doc
        config_maps = by_kind.get("ConfigMap", {})
        deployments = by_kind.get("Deployment", {})
        if not deployments:
            self.problem("manifests", "no Deployment")
        if not any(runs_gateway(d) for d in deployments.values()):
            self.problem("manifests", "no Deployment runs the hss-gateway image")
        for name, deployment in deployments.items():
            if runs_gateway(deployment):
                self.check_deployment(f"Deployment/{name}", deployment, config_maps)
            else:
                self.check_dependency(f"Deployment/{name}", deployment)
        for name, service in by_kind.get("Service", {}).items():
            self.check_service(f"Service/{name}", service, deployments)

    def check_deployment(self, where, deployment, config_maps):
        spec = deployment.get("spec") or {}
        template = spec.get("template") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        if not selector or any(labels.get(k) != v for k, v in selector.items()):
            self.problem(where, "spec.selector.matchLabels must match the pod template labels")
        pod = template.get("spec") or {}
        security = pod.get("securityContext") or {}
        if security.get("runAsNonRoot") is not True:
            self.problem(where, "pod securityContext.runAsNonRoot must be true")
        if security.get("runAsUser") not in (None, IMAGE_USER):
            self.problem(where, f"runAsUser must be the image's user {IMAGE_USER}")
        volumes = {v.get("name"): v for v in pod.get("volumes") or []}
        for vname, volume in volumes.items():
            ref = (volume.get("configMap") or {}).get("name")
            if ref is not None and ref not in config_maps:
                self.problem(where, f"volume {vname} names ConfigMap {ref}, not in the manifests")
        containers = pod.get("containers") or []
        if not containers:
            self.problem(where, "no containers")
        grace = pod.get("terminationGracePeriodSeconds", 30)
        for container in containers:
            self.check_container(f"{where} container {container.get('name')}", container,
                                 volumes, config_maps, grace)

    def check_dependency(self, where, deployment):
        """What the gateway relies on (e.g. the dev-cluster Redis): labels, non-root, a pinned
        image, resources and a readiness probe; not the gateway's own flags and probes."""
        spec = deployment.get("spec") or {}
        template = spec.get("template") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        if not selector or any(labels.get(k) != v for k, v in selector.items()):
            self.problem(where, "spec.selector.matchLabels must match the pod template labels")
        pod = template.get("spec") or {}
        if (pod.get("securityContext") or {}).get("runAsNonRoot") is not True:
            self.problem(where, "pod securityContext.runAsNonRoot must be true")
        for c in pod.get("containers") or []:
            cwhere = f"{where} container {c.get('name')}"
            image = c.get("image") or ""
            if ":" not in image or image.endswith(":latest"):
                self.problem(cwhere, "image must name a version tag")
            resources = c.get("resources") or {}
            if not resources.get("requests") or not (resources.get("limits") or {}).get("memory"):
                self.problem(cwhere, "needs resource requests and a memory limit")
            if not c.get("readinessProbe"):
                self.problem(cwhere, "no readinessProbe")

    def check_container(self, where, container, volumes, config_maps, grace):
        if not container.get("image"):
            self.problem(where, "no image")
        ports = container.get("ports") or []
        numbers = {p.get("containerPort") for p in ports}
        names = {p.get("name") for p in ports}
        for p in ports:
            if not isinstance(p.get("containerPort"), int) or not p.get("name"):
                self.problem(where, f"port {p} needs a name and an integer containerPort")
        probes = {n: container.get(n) for n in ("readinessProbe", "livenessProbe")}
        resources = container.get("resources") or {}
        requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
        if "cpu" not in requests or "memory" not in requests:
            self.problem(where, "resources.requests needs cpu and memory")
        if "memory" not in limits:
            self.problem(where, "resources.limits needs memory")
        for env in container.get("env") or []:
            source = env.get("valueFrom")
            if source is None:
                if re.search(r"(_SK|_AK|PASSWORD|TOKEN|SECRET)$", env.get("name", "")):
                    self.problem(where, f"env {env.get('name')} holds a credential: use a Secret")
                continue
            ref = source.get("secretKeyRef")
            if ref is not None and (not ref.get("name") or not ref.get("key")):
                self.problem(where, f"env {env.get('name')} secretKeyRef needs name and key")
        mounts = {}
        for mount in container.get("volumeMounts") or []:
            if mount.get("name") not in volumes:
                self.problem(where, f"volumeMount {mount.get('name')} has no volume")
            mounts[mount.get("mountPath", "").rstrip("/")] = volumes.get(mount.get("name"), {})
        args = [str(a) for a in (container.get("args") or [])]
        flags = {}
        for arg in args:
            if arg.startswith(SECRET_FLAGS):
                self.problem(where, f"{arg.split('=')[0]} is a credential flag: use a Secret")
            if arg.startswith("--") and "=" in arg:
                flags[arg[2:].split("=", 1)[0]] = arg.split("=", 1)[1]
        flag_file = flags.get("flagfile")
        if flag_file:
            text = self.flag_file_text(where, flag_file, mounts, config_maps)
            if text is not None:
                for line in text.splitlines():
                    if line.strip().startswith(SECRET_FLAGS):
                        self.problem(where, f"flag file holds a credential flag: {line.split('=')[0]}")
                flags = {**flag_values(text), **flags}
        self.check_flags(where, flags, numbers, names, mounts, grace)
        self.check_probes(where, probes, numbers | names, bool(flags.get("tls_cert_file")))

    def check_probes(self, where, probes, ports, tls):
        """Native gRPC probes on a plaintext listener; tcpSocket on a TLS one (kubelet's gRPC
        probes dial plaintext and present no client certificate)."""
        for probe_name, probe in probes.items():
            if not probe:
                self.problem(where, f"no {probe_name}")
                continue
            action = "tcpSocket" if tls else "grpc"
            if action not in probe:
                self.problem(where, f"{probe_name} must be {action}: " + (
                    "native gRPC probes dial plaintext, the listener has TLS" if tls
                    else "a native gRPC probe (grpc.health.v1)"))
                continue
            port = (probe[action] or {}).get("port")
            if port not in ports:
                self.problem(where, f"{probe_name} port {port} is not a containerPort")

    def flag_file_text(self, where, path, mounts, config_maps):
        folder, _, key = path.rpartition("/")
        volume = mounts.get(folder)
        if volume is None:
            self.problem(where, f"--flagfile={path} is not under a volumeMount")
            return None
        ref = (volume.get("configMap") or {}).get("name")
        data = (config_maps.get(ref) or {}).get("data") or {}
        if key not in data:
            self.problem(where, f"--flagfile={path}: ConfigMap {ref} has no key {key}")
            return None
        return data[key]

    def check_flags(self, where, flags, numbers, names, mounts, grace):
        for flag, required_name in (("listen", "grpc"), ("metrics_listen", None)):
            value = flags.get(flag)
            if not value:
                continue
            port = value.rpartition(":")[2]
            if not port.isdigit() or int(port) not in numbers:
                self.problem(where, f"--{flag}={value}: port {port} is not a containerPort")
            if required_name and required_name not in names:
                self.problem(where, f"--{flag}: the container port needs the name {required_name}")
        for flag in ("tls_cert_file", "tls_key_file", "tls_client_ca_file", "authz_policy_file"):
            value = flags.get(flag)
            if value and not any(value.startswith(m + "/") for m in mounts):
                self.problem(where, f"--{flag}={value} is not under a volumeMount")
        drain = 0.0
        for flag in ("drain_prestop", "drain_timeout"):
            if flag in flags:
                seconds = parse_duration(flags[flag])
                if seconds is None:
                    self.problem(where, f"--{flag}={flags[flag]} is not a duration")
                else:
                    drain += seconds
        # The drain's streams get 1 s for their last writes after --drain_timeout.
        if not isinstance(grace, int) or grace <= drain + 1:
            self.problem(where, f"terminationGracePeriodSeconds {grace} must exceed the drain "
                         f"(--drain_prestop + --drain_timeout + 1 s = {drain + 1:g} s)")

    def check_service(self, where, service, deployments):
        spec = service.get("spec") or {}
        selector = spec.get("selector") or {}
        targets = []
        for deployment in deployments.values():
            template = (deployment.get("spec") or {}).get("template") or {}
            labels = (template.get("metadata") or {}).get("labels") or {}
            if selector and all(labels.get(k) == v for k, v in selector.items()):
                targets.append(template)
        if not targets:
            self.problem(where, "selector matches no Deployment's pods")
            return
        port_names = set()
        port_numbers = set()
        for template in targets:
            for container in (template.get("spec") or {}).get("containers") or []:
                for p in container.get("ports") or []:
                    port_names.add(p.get("name"))
                    port_numbers.add(p.get("containerPort"))
        for p in spec.get("ports") or []:
            target = p.get("targetPort", p.get("port"))
            if target not in port_names and target not in port_numbers:
                self.problem(where, f"port {p.get('name')}: targetPort {target} is no container port")
            if p.get("name") == "grpc" and p.get("appProtocol") != "grpc":
                self.problem(where, "the grpc port needs appProtocol: grpc")


def runs_gateway(deployment):
    pod = ((deployment.get("spec") or {}).get("template") or {}).get("spec") or {}
    return any((c.get("image") or "").startswith("hss-gateway")
               for c in pod.get("containers") or [])


def first(docs, kind):
    return next(d for d in docs if isinstance(d, dict) and d.get("kind") == kind)


def pod_spec(docs):
    return first(docs, "Deployment")["spec"]["template"]["spec"]


def container(docs):
    return pod_spec(docs)["containers"][0]


def set_flag(docs, name, value):
    """Sets --name=value in the Deployment's flag file (ConfigMap) or its args."""
    args = container(docs).get("args") or []
    flag_file = next((a.split("=", 1)[1] for a in args if a.startswith("--flagfile=")), None)
    if flag_file:
        folder, _, key = flag_file.rpartition("/")
        mount = next(m for m in container(docs)["volumeMounts"] if m["mountPath"] == folder)
        volume = next(v for v in pod_spec(docs)["volumes"] if v["name"] == mount["name"])
        data = next(d for d in docs if isinstance(d, dict) and d.get("kind") == "ConfigMap" and
                    d["metadata"]["name"] == volume["configMap"]["name"])["data"]
        lines = [l for l in data[key].splitlines() if not l.startswith(f"--{name}=")]
        data[key] = "\n".join(lines + [f"--{name}={value}"]) + "\n"
    else:
        container(docs)["args"] = [a for a in args if not a.startswith(f"--{name}=")] + [
            f"--{name}={value}"]


# Each break of a relied-on field that the check must report.
BREAKS = {
    "grace below the drain": lambda d: pod_spec(d).update(terminationGracePeriodSeconds=5),
    "drain above the grace": lambda d: set_flag(d, "drain_timeout", "10m"),
    "readiness probe over HTTP": lambda d: container(d).update(
        readinessProbe={"httpGet": {"path": "/", "port": 50051}}),
    "liveness probe on another port": lambda d: [
        a.update(port=1) for k, a in container(d)["livenessProbe"].items()
        if k in ("grpc", "tcpSocket")],
    "native gRPC probe on a TLS listener": lambda d: (
        set_flag(d, "tls_cert_file", container(d)["volumeMounts"][0]["mountPath"] + "/tls.crt"),
        container(d).update(readinessProbe={"grpc": {"port": 50051}})),
    "no memory limit": lambda d: container(d)["resources"].update(limits={}),
    "no requests": lambda d: container(d)["resources"].pop("requests"),
    "credential as a plain env value": lambda d: container(d).setdefault("env", []).append(
        {"name": "HUAWEICLOUD_SDK_SK", "value": "x"}),
    "credential flag": lambda d: set_flag(d, "sk", "x"),
    "secretKeyRef without key": lambda d: container(d)["env"][0]["valueFrom"][
        "secretKeyRef"].pop("key"),
    "listen port not a containerPort": lambda d: set_flag(d, "listen", "[::]:1234"),
    "root user": lambda d: pod_spec(d)["securityContext"].update(runAsNonRoot=False),
    "mount without volume": lambda d: container(d).setdefault("volumeMounts", []).append(
        {"name": "nowhere", "mountPath": "/x"}),
    "TLS file outside every mount": lambda d: set_flag(d, "tls_cert_file", "/nowhere/tls.crt"),
    "Service selecting no pods": lambda d: first(d, "Service")["spec"].update(
        selector={"app": "other"}),
    "Service targetPort not a container port": lambda d: first(d, "Service")["spec"][
        "ports"][0].update(targetPort="nothing"),
}


def self_test(docs):
    """1 unless every break in BREAKS is reported on an otherwise clean copy."""
    failed = 0
    for name, apply_break in BREAKS.items():
        broken = copy.deepcopy(docs)
        apply_break(broken)
        checker = Checker()
        checker.check(broken)
        if checker.problems:
            print(f"self-test: caught {name}: {checker.problems[0]}")
        else:
            print(f"self-test: NOT caught: {name}")
            failed = 1
    return failed


def main(argv):
    test = "--self_test" in argv
    paths = [a for a in argv if a != "--self_test"]
    docs = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            docs.extend(yaml.safe_load_all(f))
    checker = Checker()
    checker.check(docs)
    for line in checker.problems:
        print(line)
    if checker.problems:
        return 1
    print(f"check_manifests: {len([d for d in docs if d])} objects in {len(paths)} files: ok")
    return self_test(docs) if test else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
