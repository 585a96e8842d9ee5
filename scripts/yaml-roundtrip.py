#!/usr/bin/env python3
"""Every YAML file reads back to the same values under YAML 1.1 and YAML 1.2.

Usage: scripts/yaml-roundtrip.py [--json-dir JSON_DIR] PATH...

For every *.yaml / *.yml file under each PATH (a directory, searched recursively, or a
file), all of its documents are loaded twice with PyYAML:

  * with PyYAML's SafeLoader: YAML 1.1 syntax and types, as cfn-lint, Helm (yaml.v2) and
    most YAML tools read them (`on` and `yes` are booleans, `45:30` and `1_000` numbers,
    `2026-01-01` a date), and with its libyaml twin CSafeLoader when PyYAML has it;
  * with a SafeLoader whose implicit types are the YAML 1.2 core schema
    (https://yaml.org/spec/1.2.2/#1032-tag-resolution).

Both must give the same values, and only JSON values (no dates, no non-string keys).
Then, when there is a JSON form, the values must equal it exactly (types too: True is not
1, 1 is not 1.0):
  * a sibling <stem>.json holding a JSON list, one item per document (a corpus);
  * with --json-dir, the file at the same relative path under JSON_DIR with a .json
    extension, holding the one document (`synth --format yaml` vs the JSON synth).

Needs PyYAML (the cfn-lint venv has it: scripts/test runs this with .venv/bin/python).
Exit 0 when every file passes, 1 otherwise.
"""

import argparse
import json
import pathlib
import re
import sys

import yaml


class Core12Loader(yaml.SafeLoader):
    """SafeLoader with the YAML 1.2 core schema's implicit types instead of YAML 1.1's."""


Core12Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("tag:yaml.org,2002:null", r"^(?:null|Null|NULL|~|)$", ["n", "N", "~", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
]:
    Core12Loader.add_implicit_resolver(tag, re.compile(pattern), first)


def _core12_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


Core12Loader.add_constructor("tag:yaml.org,2002:int", _core12_int)

LOADERS = [("YAML 1.1 (SafeLoader)", yaml.SafeLoader)]
if getattr(yaml, "CSafeLoader", None) is not None:
    LOADERS.append(("YAML 1.1 (CSafeLoader, libyaml)", yaml.CSafeLoader))
LOADERS.append(("YAML 1.2 core", Core12Loader))


def same(a, b, where="$"):
    """None when a and b are equal as JSON values (types included), else where they differ."""
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} {a!r:.80} vs {type(b).__name__} {b!r:.80}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{where}: keys {list(a)!r:.200} vs {list(b)!r:.200}"
        for k in a:
            d = same(a[k], b[k], f"{where}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = same(x, y, f"{where}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{where}: {a!r:.80} vs {b!r:.80}"


def non_json(value, where="$"):
    """Where value holds something JSON cannot (a date, a non-string key), or None."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return None
    if isinstance(value, list):
        for i, item in enumerate(value):
            d = non_json(item, f"{where}[{i}]")
            if d:
                return d
        return None
    if isinstance(value, dict):
        for k, item in value.items():
            if not isinstance(k, str):
                return f"{where}: key {k!r} is a {type(k).__name__}"
            d = non_json(item, f"{where}.{k}")
            if d:
                return d
        return None
    return f"{where}: {type(value).__name__} {value!r:.80}"


def check(path, json_dir, root):
    text = path.read_text(encoding="utf-8")
    results = []
    for name, loader in LOADERS:
        try:
            docs = list(yaml.load_all(text, Loader=loader))
        except yaml.YAMLError as e:
            return f"{name} cannot read it: {e}"
        results.append((name, docs))
    first_name, first = results[0]
    for i, doc in enumerate(first):
        d = non_json(doc)
        if d:
            return f"{first_name}, document {i + 1}: not a JSON value: {d}"
    for name, docs in results[1:]:
        d = same(first, docs)
        if d:
            return f"{first_name} and {name} read different values: {d}"
    sibling = path.with_suffix(".json")
    if sibling.is_file():
        d = same(json.loads(sibling.read_text(encoding="utf-8")), first)
        if d:
            return f"differs from {sibling.name}: {d}"
    if json_dir is not None:
        counterpart = json_dir / path.relative_to(root).with_suffix(".json")
        if counterpart.is_file():
            if len(first) != 1:
                return f"{len(first)} documents, but {counterpart} holds one"
            d = same(json.loads(counterpart.read_text(encoding="utf-8")), first[0])
            if d:
                return f"differs from {counterpart}: {d}"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json-dir", type=pathlib.Path, help="the JSON forms, mirroring the first PATH")
    parser.add_argument("paths", nargs="+", type=pathlib.Path)
    args = parser.parse_args()
    failed = 0
    checked = 0
    for arg in args.paths:
        if arg.is_dir():
            files = sorted(p for p in arg.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            root = arg
        elif arg.is_file():
            files, root = [arg], arg.parent
        else:
            print(f"    FAIL no such file or directory: {arg}", file=sys.stderr)
            return 1
        for path in files:
            checked += 1
            problem = check(path, args.json_dir, root)
            if problem:
                failed += 1
                print(f"    FAIL {path}: {problem}", file=sys.stderr)
    if checked == 0:
        print("    FAIL no YAML files found", file=sys.stderr)
        return 1
    loaders = ", ".join(name for name, _ in LOADERS)
    if failed:
        print(f"    {failed} of {checked} YAML files read back differently", file=sys.stderr)
    else:
        print(f"    ok {checked} YAML files read back the same under {loaders}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
