"""Validates CALM architecture documents against the CALM 1.1 schemas in schema-1.1/.

Usage: python3 validate.py FILE...  Exit 0 when every file is valid; otherwise prints each error
with its JSON path and exits 1. Also checks what the schema cannot: unique ids, and that every
relationship and flow transition points at something that exists.
"""

import json
import pathlib
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

HERE = pathlib.Path(__file__).parent / "schema-1.1"
BASE = "https://calm.finos.org/release/1.1/meta/"


def registry():
    resources = []
    for name in ["core", "control", "interface", "flow"]:
        schema = json.loads((HERE / f"{name}.json").read_text())
        resources.append((BASE + f"{name}.json", Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def references(doc):
    errors = []
    node_ids = [n.get("unique-id") for n in doc.get("nodes", [])]
    rel_ids = [r.get("unique-id") for r in doc.get("relationships", [])]
    for ids, what in [(node_ids, "node"), (rel_ids, "relationship")]:
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            errors.append(f"duplicate {what} ids: {sorted(dupes)}")
    nodes = set(node_ids)
    for r in doc.get("relationships", []):
        t = r.get("relationship-type", {})
        ends = []
        if "connects" in t:
            ends = [t["connects"]["source"]["node"], t["connects"]["destination"]["node"]]
        for k in ["interacts"]:
            if k in t:
                ends = [t[k]["actor"], *t[k]["nodes"]]
        for k in ["composed-of", "deployed-in"]:
            if k in t:
                ends = [t[k]["container"], *t[k]["nodes"]]
        for e in ends:
            if e not in nodes:
                errors.append(f"relationship {r.get('unique-id')} names unknown node {e}")
    rels = set(rel_ids)
    for f in doc.get("flows", []):
        for t in f.get("transitions", []):
            if t.get("relationship-unique-id") not in rels:
                errors.append(f"flow {f.get('unique-id')} uses unknown relationship {t.get('relationship-unique-id')}")
    return errors


def main(paths):
    core = json.loads((HERE / "core.json").read_text())
    validator = Draft202012Validator(core, registry=registry())
    failed = False
    for path in paths:
        doc = json.loads(pathlib.Path(path).read_text())
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
        errors += references(doc)
        for e in errors:
            print(f"{path}: error: {e}")
        if errors:
            failed = True
        else:
            print(f"{path}: valid ({len(doc.get('nodes', []))} nodes, {len(doc.get('relationships', []))} relationships)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
