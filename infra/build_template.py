#!/usr/bin/env python3
"""Build the CloudFormation merge template for `chalice package --merge-template`.

    python infra/build_template.py --generated build/chalice/sam.json build/merge.json

Inputs, next to this script:
  resources.json  stateful resources (table, queues, bucket, user pool); also read by
                  the local moto stack, so it stays plain CloudFormation.
  functions.json  what the Lambda functions need on AWS: environment, IAM, event source
                  overrides, API error responses, alarms, dashboard.

`--generated` is the template of a plain `chalice package` run. Chalice merges dicts
deeply and replaces everything else, so a merge entry for a function chalice did not
generate would leave a half resource with no Type behind. This script therefore drops:
  - an entry of functions.json without "Type" (an override of a chalice resource) whose
    logical id chalice did not generate;
  - a resource whose Metadata "Awaaz::Requires" names an id chalice did not generate;
  - a parameter of functions.json that nothing references any more.
It fails instead of guessing when chalice generated a function that functions.json does
not describe (it would ship with neither permissions nor settings), when an override
names an event source chalice did not generate, when a scheduled function has no
`AWS::Lambda::EventInvokeConfig` with an on-failure destination (its failed runs would
vanish), when a checkov suppression gives no reason, or when a reference dangles.

Build settings (functions.json `Metadata.Awaaz::Build`):
  CommonEnvironment   merged into every function's environment;
  EveryFunctionRole   policies whose `Roles` become the roles of every generated function;
  CheckovSkipsByType  checkov suppressions ({id, comment}) added to every resource of a
                      type (`Metadata.checkov.skip`, which checkov reads), for reasons true
                      of each; other suppressions sit on their resources in the JSON files.

An entry of functions.json without "Type" whose id is in resources.json is an AWS-only
overlay: it is deep-merged into that resource here (the moto stack never sees it).

Stdlib only; the output depends only on the inputs (key order follows the sources).
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BUILD_KEY = "Awaaz::Build"
REQUIRES_KEY = "Awaaz::Requires"
INVOKE_CONFIG = "AWS::Lambda::EventInvokeConfig"
# Event sources that invoke a function asynchronously on a schedule.
SCHEDULE_EVENTS = ("Schedule", "ScheduleV2")
CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
SECTIONS = ("Parameters", "Mappings", "Conditions", "Resources", "Outputs")
# ${Name} or ${Name.Attr} inside Fn::Sub; ${!Literal} is an escape, not a reference.
SUB_REF = re.compile(r"\$\{([^!}][^}]*)\}")


class BuildError(Exception):
    pass


def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
        return data


def deep_merge(base: Any, overlay: Any) -> Any:
    """Chalice's semantics: dicts merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = deep_merge(base.get(key), value)
        return merged
    return copy.deepcopy(overlay)


def references(node: Any) -> set[str]:
    """Logical ids, parameters and conditions that a template fragment refers to."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".")[0]
                found.add(target)
            elif key == "Fn::Sub":
                text, variables = (value[0], value[1]) if isinstance(value, list) else (value, {})
                for name in SUB_REF.findall(text):
                    name = name.split(".")[0]
                    if name not in variables:
                        found.add(name)
                found |= references(variables)
            elif key in ("Condition", "Fn::If") and isinstance(value, (str, list)):
                found.add(value if isinstance(value, str) else value[0])
                if isinstance(value, list):
                    found |= references(value[1:])
            elif key == "DependsOn":
                found |= set([value] if isinstance(value, str) else value)
            else:
                found |= references(value)
    elif isinstance(node, list):
        for item in node:
            found |= references(item)
    return {name for name in found if not name.startswith("AWS::")}


def strip_build_metadata(resource: dict[str, Any]) -> dict[str, Any]:
    metadata = resource.get("Metadata")
    if isinstance(metadata, dict) and REQUIRES_KEY in metadata:
        resource = dict(resource)
        rest = {k: v for k, v in metadata.items() if k != REQUIRES_KEY}
        if rest:
            resource["Metadata"] = rest
        else:
            del resource["Metadata"]
    return resource


def checkov_skips(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The checkov suppressions a resource carries (Metadata.checkov.skip)."""
    metadata = resource.get("Metadata")
    checkov = metadata.get("checkov") if isinstance(metadata, dict) else None
    skips = checkov.get("skip", []) if isinstance(checkov, dict) else []
    return list(skips) if isinstance(skips, list) else []


def add_checkov_skips(resource: dict[str, Any], skips: list[dict[str, Any]]) -> dict[str, Any]:
    """The resource with `skips` added to its suppressions (one per check id: its own reason wins)."""
    present = {skip.get("id") for skip in checkov_skips(resource)}
    extra = [copy.deepcopy(skip) for skip in skips if skip.get("id") not in present]
    if not extra:
        return resource
    metadata = dict(resource.get("Metadata") or {})
    checkov = dict(metadata.get("checkov") or {})
    checkov["skip"] = checkov_skips(resource) + extra
    metadata["checkov"] = checkov
    return {**resource, "Metadata": metadata}


def unreasoned_skips(resources: dict[str, Any]) -> list[str]:
    """'<resource> <check>' for each suppression without a check id or a written reason."""
    bad = []
    for rid, resource in resources.items():
        for skip in checkov_skips(resource):
            check = skip.get("id") if isinstance(skip, dict) else None
            comment = skip.get("comment") if isinstance(skip, dict) else None
            if not isinstance(check, str) or not CHECK_ID.match(check):
                bad.append(f"{rid} {check!r} (not a check id)")
            elif not isinstance(comment, str) or not comment.strip():
                bad.append(f"{rid} {check} (no reason)")
    return bad


def build(
    resources_doc: dict[str, Any], functions_doc: dict[str, Any], generated: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    notes: list[str] = []
    functions_doc = copy.deepcopy(functions_doc)
    metadata = functions_doc.pop("Metadata", {})
    settings = metadata.pop(BUILD_KEY, {})
    common_env: dict[str, Any] = settings.get("CommonEnvironment", {})

    gen_resources: dict[str, Any] = generated.get("Resources", {})
    gen_functions = [rid for rid, res in gen_resources.items() if res.get("Type") in FUNCTION_TYPES]
    stateful: dict[str, Any] = copy.deepcopy(resources_doc.get("Resources", {}))

    # The alarm and dashboard name the API stage literally (CloudWatch dimensions).
    expected_stage = settings.get("ApiStage")
    stage = gen_resources.get("RestAPI", {}).get("Properties", {}).get("StageName")
    if expected_stage and stage and stage != expected_stage:
        raise BuildError(
            f"chalice's API stage is {stage!r} but functions.json expects "
            f"{expected_stage!r} (Metadata.{BUILD_KEY}.ApiStage, alarm, dashboard)"
        )

    merged_resources: dict[str, Any] = {}
    for rid, entry in functions_doc.get("Resources", {}).items():
        if "Type" not in entry:
            if rid in stateful:  # AWS-only overlay on a resources.json resource
                stateful[rid] = deep_merge(stateful[rid], entry)
            elif rid in gen_resources:  # override of a chalice resource
                merged_resources[rid] = entry
            else:
                notes.append(f"dropped override {rid}: chalice did not generate it")
            continue
        if rid in gen_resources or rid in stateful:
            raise BuildError(f"{rid} in functions.json would replace an existing resource")
        missing = [r for r in entry.get("Metadata", {}).get(REQUIRES_KEY, []) if r not in gen_resources]
        if missing:
            notes.append(f"dropped {rid}: chalice did not generate {', '.join(missing)}")
            continue
        merged_resources[rid] = entry

    for rid in gen_functions:
        override = merged_resources.get(rid)
        if override is None:
            raise BuildError(
                f"chalice generated function {rid} but infra/functions.json has no "
                f"entry for it (environment, log group, IAM): add one"
            )
        props = override.setdefault("Properties", {})
        variables = props.setdefault("Environment", {}).setdefault("Variables", {})
        props["Environment"]["Variables"] = {**common_env, **variables}
        gen_events = gen_resources[rid].get("Properties", {}).get("Events", {})
        for event in props.get("Events", {}):
            if event not in gen_events:
                raise BuildError(
                    f"{rid}: functions.json overrides event source {event!r} but chalice generated {sorted(gen_events)}"
                )
        if any(e.get("Type") in SCHEDULE_EVENTS for e in gen_events.values()) and not any(
            r.get("Type") == INVOKE_CONFIG
            and r.get("Properties", {}).get("FunctionName") == {"Ref": rid}
            and r.get("Properties", {}).get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
            for r in merged_resources.values()
        ):
            raise BuildError(
                f"{rid} runs on a schedule but functions.json gives it no {INVOKE_CONFIG} with "
                f"DestinationConfig.OnFailure: its failed runs would vanish"
            )

    # Policies every function's role holds (e.g. X-Ray tracing): their Roles are filled in here.
    roles = [gen_resources[rid]["Properties"]["Role"]["Fn::GetAtt"][0] for rid in gen_functions]
    for rid in settings.get("EveryFunctionRole", []):
        policy = merged_resources.get(rid)
        if policy is None or policy.get("Type") != "AWS::IAM::Policy":
            raise BuildError(f"Metadata.{BUILD_KEY}.EveryFunctionRole names {rid}, which is no AWS::IAM::Policy")
        if not roles:
            del merged_resources[rid]
            notes.append(f"dropped {rid}: chalice generated no function")
            continue
        merged_resources[rid] = deep_merge(policy, {"Properties": {"Roles": [{"Ref": role} for role in roles]}})

    for rid in stateful:
        if rid in gen_resources:
            raise BuildError(f"{rid} is both in resources.json and generated by chalice")

    resources: dict[str, Any] = {}
    for rid, resource in list(stateful.items()) + list(merged_resources.items()):
        resource = strip_build_metadata(resource)
        if resource.get("Type") == "AWS::CloudWatch::Dashboard":
            props = resource.get("Properties", {})
            if isinstance(props.get("DashboardBody"), dict):
                # CloudFormation wants a JSON string; ${...} inside it is resolved by Fn::Sub.
                body = json.dumps(props["DashboardBody"], separators=(",", ":"), ensure_ascii=False)
                resource = {**resource, "Properties": {**props, "DashboardBody": {"Fn::Sub": body}}}
        kind = resource.get("Type") or gen_resources.get(rid, {}).get("Type")
        resource = add_checkov_skips(resource, settings.get("CheckovSkipsByType", {}).get(kind, []))
        resources[rid] = resource
    unreasoned = unreasoned_skips(resources)
    if unreasoned:
        raise BuildError(f"checkov suppressions need a check id and a reason: {', '.join(unreasoned)}")

    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": functions_doc.get("Description") or resources_doc.get("Description", ""),
    }
    if metadata:
        template["Metadata"] = metadata
    for section in SECTIONS:
        if section == "Resources":
            template["Resources"] = resources
            continue
        merged: dict[str, Any] = {}
        for source in (resources_doc, functions_doc):
            for key, value in source.get(section, {}).items():
                if key in merged:
                    raise BuildError(f"{section}.{key} is defined twice")
                merged[key] = value
        if merged:
            template[section] = merged

    # Parameters of functions.json that only dropped entries used are dropped too
    # (a deploy would otherwise ask for, and cfn-lint warn about, an unused value).
    used = references({k: v for k, v in template.items() if k != "Parameters"})
    for name in list(functions_doc.get("Parameters", {})):
        if name not in used:
            del template["Parameters"][name]
            notes.append(f"dropped parameter {name}: nothing uses it")
    if not template.get("Parameters"):
        template.pop("Parameters", None)

    known = (
        set(resources)
        | set(gen_resources)
        | set(template.get("Parameters", {}))
        | set(template.get("Conditions", {}))
        | set(generated.get("Parameters", {}))
        | set(generated.get("Conditions", {}))
    )
    dangling = sorted(references(template) - known)
    if dangling:
        raise BuildError(f"unresolved references: {', '.join(dangling)}")
    return template, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where to write the merge template (JSON)")
    parser.add_argument(
        "--generated",
        type=Path,
        required=True,
        help="sam.json of a plain `chalice package` run (tells which functions exist)",
    )
    parser.add_argument("--resources", type=Path, default=HERE / "resources.json")
    parser.add_argument("--functions", type=Path, default=HERE / "functions.json")
    args = parser.parse_args(argv)
    try:
        template, notes = build(load(args.resources), load(args.functions), load(args.generated))
    except (BuildError, OSError, ValueError) as exc:
        print(f"build_template: {exc}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"build_template: {note}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(template, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
