#!/usr/bin/env python3
"""Checks on a synthesized cloud assembly (a directory with manifest.json), used by
scripts/check-assembly. Standard library only, except `same` which needs PyYAML (the
.venv has it: cfn-lint depends on it).

  assembly.py verify DIR        check manifest.json; print one line per stack artifact:
                                <id> TAB <cdk ls label> TAB <templateFile>
  assembly.py same JSON YAML    the template in JSON equals the YAML `cdk synth` printed
"""

import json
import os
import re
import sys

STACK = "aws:cloudformation:stack"
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def verify(directory):
    errors = []
    path = os.path.join(directory, "manifest.json")
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"{path}: {e}")

    version = manifest.get("version")
    if not isinstance(version, str) or not SEMVER.match(version):
        errors.append(f"version must be a semver string like \"36.0.0\", got {version!r}")
    artifacts = manifest.get("artifacts")
    if not isinstance(artifacts, dict) or not artifacts:
        sys.exit(f"{path}: no artifacts")

    seen = set()
    rows = []
    for art_id, art in artifacts.items():
        where = f"artifacts.{art_id}"
        deps = art.get("dependencies", [])
        if not isinstance(deps, list):
            errors.append(f"{where}.dependencies must be a list")
            deps = []
        for dep in deps:
            if dep not in artifacts:
                errors.append(f"{where} depends on unknown artifact {dep!r}")
            elif dep not in seen:
                errors.append(f"{where} depends on {dep!r}, which comes later in the manifest "
                              "(artifacts must be listed in deploy order)")
        seen.add(art_id)
        if art.get("type") != STACK:
            continue
        env = art.get("environment")
        if not isinstance(env, str) or not env.startswith("aws://"):
            errors.append(f"{where}.environment must be \"aws://<account>/<region>\", got {env!r}")
        props = art.get("properties") or {}
        template_file = props.get("templateFile")
        if not isinstance(template_file, str):
            errors.append(f"{where}.properties.templateFile is missing")
            continue
        template_path = os.path.join(directory, template_file)
        try:
            with open(template_path, encoding="utf-8") as f:
                template = json.load(f)
            if not isinstance(template.get("Resources"), dict):
                errors.append(f"{template_file}: no Resources")
        except OSError as e:
            errors.append(f"{where}.properties.templateFile: {e}")
        except ValueError as e:
            # The CDK CLI reads templateFile with JSON.parse (cdk synth STACK, cdk deploy).
            errors.append(f"{template_file} is not JSON ({e}); the CDK CLI reads templateFile "
                          "with JSON.parse, so cdk synth/deploy would fail")
        # What `cdk ls` prints: displayName (or the id), plus " (stackName)" if that differs.
        label = art.get("displayName") or art_id
        stack_name = props.get("stackName") or art_id
        if stack_name != art_id:
            label = f"{label} ({stack_name})"
        rows.append((art_id, label, template_file))

    if not rows:
        errors.append(f"no {STACK} artifacts")
    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    if errors:
        sys.exit(1)
    for row in rows:
        print("\t".join(row))


def same(json_path, yaml_path):
    import yaml  # noqa: PLC0415 (only this subcommand needs PyYAML)

    with open(json_path, encoding="utf-8") as f:
        expected = json.load(f)
    with open(yaml_path, encoding="utf-8") as f:
        actual = yaml.safe_load(f)
    if expected != actual:
        sys.exit(f"cdk synth printed a different template than {json_path}")


def main(argv):
    if len(argv) == 3 and argv[1] == "verify":
        verify(argv[2])
    elif len(argv) == 4 and argv[1] == "same":
        same(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
