"""The shape of the house: one transition path changes cases, and logic stays in short functions.

These read the source, not the behaviour: a new action that sets a status by hand, or
builds a timeline event outside the path, fails here before it can skip the tables.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"
PATH = CHALICELIB / "logic" / "transition.py"
# What only the transition path may set on a case, and build.
OWNED_FIELDS = {"status", "level", "office_id"}
OWNED_MODELS = {"TimelineEvent"}
LONGEST_LOGIC_FUNCTION = 60


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(CHALICELIB.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _targets(node: ast.AST) -> Iterator[ast.expr]:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield from _flat(target)
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        yield from _flat(node.target)


def _flat(target: ast.expr) -> Iterator[ast.expr]:
    if isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _flat(element)
    else:
        yield target


def _offences(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        for target in _targets(node):
            if isinstance(target, ast.Attribute) and target.attr in OWNED_FIELDS:
                yield target.lineno, f"assigns .{target.attr}"
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in OWNED_MODELS:
                yield node.lineno, f"builds a {called}"
            if called == "Case" and any(k.arg == "status" for k in node.keywords):
                yield node.lineno, "creates a Case with a status"
            if called == "setattr" and len(node.args) > 1 and getattr(node.args[1], "value", None) in OWNED_FIELDS:
                yield node.lineno, "setattr of an owned field"


def test_only_the_transition_path_sets_a_status_an_office_or_a_level_or_writes_the_timeline() -> None:
    found = [
        f"{path.relative_to(CHALICELIB.parent)}:{line} {what}"
        for path, tree in _modules()
        if path != PATH
        for line, what in _offences(tree)
    ]
    assert found == []


def test_the_check_would_catch_a_status_set_by_hand() -> None:
    sample = ast.parse(
        "case.status = 'closed'\nc.level, c.office_id = 2, 'x'\nTimelineEvent(at=1)\nCase(status='routed')"
    )
    assert [what for _, what in _offences(sample)] == [
        "assigns .status",
        "assigns .level",
        "assigns .office_id",
        "builds a TimelineEvent",
        "creates a Case with a status",
    ]
    transition = ast.parse(PATH.read_text(encoding="utf-8"))
    assert any(what == "assigns .status" for _, what in _offences(transition))  # the path itself does it


def test_every_function_in_logic_is_shorter_than_sixty_lines() -> None:
    long = []
    for path, tree in _modules():
        if path.parent.name != "logic":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length >= LONGEST_LOGIC_FUNCTION:
                    long.append(f"{path.name}:{node.lineno} {node.name} ({length} lines)")
    assert long == []
