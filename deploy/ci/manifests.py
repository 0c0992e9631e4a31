"""Offline checks of Kubernetes manifests, for deploy/test.sh.

  manifests.py validate --min-version 1.29 [--crd FILE ...] FILE ...
      Validates every document of every FILE against the Kubernetes schemas kubernetes-validate
      ships, strictly (an unknown field is an error), for every Kubernetes minor version from
      --min-version to the newest it knows. A custom resource (ServiceMonitor) is validated against
      the openAPIV3Schema of its CustomResourceDefinition (--crd), made as strict: an object with
      properties allows no others unless it says x-kubernetes-preserve-unknown-fields. A kind with
      no schema is an error.

  manifests.py configs OUTDIR FILE ...
      Writes the relay.yaml of each ConfigMap of the FILEs as OUTDIR/<ConfigMap name>.yaml and,
      beside it, <name>.env: the variables of every Secret of the FILEs (what the pod's envFrom
      gives the proxy), one NAME=value a line, for `llm-relay check-config`.
"""
import argparse
import base64
import copy
import os
import sys

import jsonschema
import kubernetes_validate
from kubernetes_validate.utils import SchemaNotFoundError, ValidationError, all_versions, major_minor
import yaml


def documents(path):
    with open(path, encoding="utf-8") as f:
        for doc in yaml.safe_load_all(f):
            if doc is not None:
                yield doc


def minor_versions(minimum):
    def key(v):
        return tuple(int(p) for p in v.split("."))
    versions = sorted({major_minor(v) for v in all_versions()}, key=key)
    chosen = [v for v in versions if key(v) >= key(minimum)]
    if not chosen:
        sys.exit(f"manifests.py: kubernetes-validate knows no version from {minimum} on (it knows {versions})")
    return chosen


def strict(schema):
    """A CRD schema that refuses unknown fields, as `kubectl apply --validate=strict` does."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if ("properties" in node and "additionalProperties" not in node
                    and not node.get("x-kubernetes-preserve-unknown-fields")):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(schema)
    # the API server fills these in for every object
    schema.setdefault("properties", {}).update({
        "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"}})
    return schema


def crd_schemas(paths):
    schemas = {}
    for path in paths:
        for crd in documents(path):
            if crd.get("kind") != "CustomResourceDefinition":
                continue
            group = crd["spec"]["group"]
            kind = crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                schemas[(f"{group}/{version['name']}", kind)] = strict(version["schema"]["openAPIV3Schema"])
    return schemas


def validate(args):
    versions = minor_versions(args.min_version)
    custom = crd_schemas(args.crd or [])
    failures = 0
    checked = 0
    for path in args.files:
        for doc in documents(path):
            name = f"{path}: {doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
            key = (doc.get("apiVersion"), doc.get("kind"))
            if key in custom:
                errors = sorted(jsonschema.Draft7Validator(custom[key]).iter_errors(doc), key=str)
                for e in errors:
                    print(f"FAIL {name} ({key[0]} CRD): {'.'.join(map(str, e.absolute_path))}: {e.message}")
                failures += len(errors)
                checked += 1
                continue
            for version in versions:
                try:
                    kubernetes_validate.validate(doc, version, strict=True)
                except ValidationError as e:
                    failures += 1
                    print(f"FAIL {name} (Kubernetes {version}): {'.'.join(map(str, e.absolute_path))}: {e.message}")
                except SchemaNotFoundError as e:
                    failures += 1
                    print(f"FAIL {name}: {e.message}")
                    break
            checked += 1
    print(f"manifests.py: {checked} manifests in {len(args.files)} files, Kubernetes {versions[0]} to {versions[-1]}"
          f"{' and ' + str(len(custom)) + ' CRD versions' if custom else ''}: {failures} problems")
    return 1 if failures else 0


def configs(args):
    docs = [doc for path in args.files for doc in documents(path)]
    env = {}
    for doc in docs:
        if doc.get("kind") == "Secret":
            env.update({k: str(v) for k, v in (doc.get("stringData") or {}).items()})
            env.update({k: base64.b64decode(v).decode() for k, v in (doc.get("data") or {}).items()})
    os.makedirs(args.outdir, exist_ok=True)
    written = 0
    for doc in docs:
        if doc.get("kind") == "ConfigMap" and "relay.yaml" in (doc.get("data") or {}):
            base = os.path.join(args.outdir, doc["metadata"]["name"])
            with open(base + ".yaml", "w", encoding="utf-8") as f:
                f.write(doc["data"]["relay.yaml"])
            with open(base + ".env", "w", encoding="utf-8") as f:
                for k, v in sorted(env.items()):
                    f.write(f"{k}={v}\n")
            print(base + ".yaml")
            written += 1
    if not written:
        sys.exit(f"manifests.py: no ConfigMap with a relay.yaml in {' '.join(args.files)}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate")
    v.add_argument("--min-version", required=True)
    v.add_argument("--crd", action="append")
    v.add_argument("files", nargs="+")
    c = sub.add_parser("configs")
    c.add_argument("outdir")
    c.add_argument("files", nargs="+")
    args = parser.parse_args()
    return validate(args) if args.command == "validate" else configs(args)


if __name__ == "__main__":
    sys.exit(main())
