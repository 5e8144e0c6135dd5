"""Routing rules and offices as CSV: exported whole, imported all-or-nothing through the same changes as single writes.

Rules (`category_id,district_id,office_id`): the file is the complete new set of rules of one
organisation (the org_admin's own; for an admin, `?organisation_id=` or, without it, the whole
directory). A rule of that scope missing from the file is deleted, a row differing from the
stored rule changes it, a new row adds it; every row must point at an office of the scope.

Offices (`id,organisation_id,parent_id,name,name_ur,district_id,districts_served,head,retired`):
each row creates or updates that office (`districts_served` separated by `;`); `retired=true`
retires it (with the same refusals as a single retirement). Offices missing from the file are
left as they are: an office is never deleted, and an import never brings a retired office back.

Problems are named by row, `rows[n].field`, n counting data rows from 1 (the header is row 0).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

from chalicelib.logic.directory_admin import AUDITED_PAIRS, Note, Report, Step
from chalicelib.models.directory import DirectorySnapshot, Office
from chalicelib.models.directory_admin import Change, DeleteRule, PutOffice, RetireOffice
from chalicelib.models.errors import FieldProblem, Forbidden, InvalidInput

RULE_COLUMNS = ("category_id", "district_id", "office_id")
OFFICE_COLUMNS = (
    "id",
    "organisation_id",
    "parent_id",
    "name",
    "name_ur",
    "district_id",
    "districts_served",
    "head",
    "retired",
)
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
# Reads one change from its fields, or raises InvalidInput naming each field after `prefix` (api/contract's wording).
Parse = Callable[[str, dict[str, Any]], Change]


def _text(rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()


def export_rules(snapshot: DirectorySnapshot, organisation_id: str | None = None) -> str:
    """The rules (of one organisation's offices, or all), sorted by category then district."""
    organisation = {o.id: o.organisation_id for o in snapshot.offices}
    rules = sorted(
        (r.category_id, r.district_id, r.office_id)
        for r in snapshot.routing_rules
        if organisation_id is None or organisation.get(r.office_id) == organisation_id
    )
    return _text([RULE_COLUMNS, *rules])


def export_offices(snapshot: DirectorySnapshot, organisation_id: str | None = None) -> str:
    rows = [
        (
            o.id,
            o.organisation_id,
            o.parent_id or "",
            o.name,
            o.name_ur,
            o.district_id,
            ";".join(o.districts_served),
            o.head or "",
            "true" if o.retired else "false",
        )
        for o in snapshot.offices
        if organisation_id is None or o.organisation_id == organisation_id
    ]
    return _text([OFFICE_COLUMNS, *rows])


def _bad_file(problem: str, problem_ur: str) -> InvalidInput:
    return InvalidInput("the file needs correcting", [FieldProblem("file", problem, problem_ur)])


def read_rows(raw: bytes, columns: Sequence[str]) -> list[dict[str, str]]:
    """The file's data rows by column name; a 400 when it is not UTF-8 CSV with exactly `columns` as its header."""
    if len(raw) > MAX_BYTES:
        raise _bad_file(f"at most {MAX_BYTES // (1024 * 1024)} MB", f"زیادہ سے زیادہ {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = raw.decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _bad_file("not a UTF-8 CSV file", "یہ UTF-8 میں CSV فائل نہیں") from exc
    table = [row for row in table if any(cell.strip() for cell in row)]
    header = [cell.strip() for cell in table[0]] if table else []
    if header != list(columns):
        wanted = ",".join(columns)
        raise _bad_file(f"the first row must be the header {wanted}", f"پہلی سطر یہ ہیڈر ہو: {wanted}")
    if len(table) - 1 > MAX_ROWS:
        raise _bad_file(f"at most {MAX_ROWS} rows", f"زیادہ سے زیادہ {MAX_ROWS} سطریں")
    rows: list[dict[str, str]] = []
    problems: list[FieldProblem] = []
    for n, row in enumerate(table[1:], start=1):
        if len(row) != len(columns):
            problems.append(
                FieldProblem(
                    f"rows[{n}]",
                    f"{len(columns)} columns are expected, not {len(row)}",
                    f"{len(columns)} کالم درکار ہیں، {len(row)} نہیں",
                )
            )
        rows.append({name: cell.strip() for name, cell in zip(columns, row, strict=False)})
    if problems:
        raise InvalidInput("the file needs correcting", problems)
    return rows


def _change(parse: Parse, n: int, data: dict[str, Any], problems: list[FieldProblem]) -> Change | None:
    try:
        return parse(f"rows[{n}].", data)
    except InvalidInput as exc:
        problems.extend(exc.details)
        return None


def _outside(
    n: int,
    row: dict[str, str],
    pair: tuple[str, str],
    organisation_id: str,
    organisation: dict[str, str],
    current: dict[tuple[str, str], str],
    handled: dict[str, list[str]],
) -> FieldProblem | None:
    """A row that reaches beyond the organisation the file is for, or None."""
    if row["office_id"] in organisation and organisation[row["office_id"]] != organisation_id:
        return FieldProblem(
            f"rows[{n}].office_id", f"not an office of {organisation_id}", f"{organisation_id} کا دفتر نہیں"
        )
    if pair[0] in handled and organisation_id not in handled[pair[0]]:
        return FieldProblem(
            f"rows[{n}].category_id",
            f"{organisation_id} does not handle this category",
            f"{organisation_id} یہ زمرہ نہیں دیکھتا",
        )
    held_by = organisation.get(current.get(pair, ""))
    if held_by is not None and held_by != organisation_id:
        return FieldProblem(
            f"rows[{n}].district_id",
            f"this pair is routed to an office of {held_by}",
            f"یہ جوڑا {held_by} کے دفتر کو جاتا ہے",
        )
    return None


def rule_steps(
    rows: Sequence[dict[str, str]], snapshot: DirectorySnapshot, organisation_id: str | None, parse: Parse
) -> list[Step]:
    """The changes that make the rules of `organisation_id` (or all) exactly the file's rows."""
    organisation = {o.id: o.organisation_id for o in snapshot.offices}
    current = {(r.category_id, r.district_id): r.office_id for r in snapshot.routing_rules}
    in_scope = {
        pair: office
        for pair, office in current.items()
        if organisation_id is None or organisation.get(office) == organisation_id
    }
    handled = {c.id: c.organisation_ids for c in snapshot.categories}
    problems: list[FieldProblem] = []
    steps: list[Step] = []
    seen: dict[tuple[str, str], int] = {}
    for n, row in enumerate(rows, start=1):
        pair = (row["category_id"], row["district_id"])
        if pair in seen:
            problems.append(
                FieldProblem(
                    f"rows[{n}].district_id",
                    f"row {seen[pair]} routes this category in this district already",
                    f"سطر {seen[pair]} اس ضلع میں یہی زمرہ پہلے ہی بھیجتی ہے",
                )
            )
            continue
        seen[pair] = n
        if organisation_id is not None:
            found = _outside(n, row, pair, organisation_id, organisation, current, handled)
            if found:
                problems.append(found)
                continue
        change = _change(parse, n, {"op": "put_rule", **row}, problems)
        if change is not None and current.get(pair) != row["office_id"]:
            steps.append((f"rows[{n}].", change))
    if problems:
        raise InvalidInput("the file needs correcting", problems)
    for pair in in_scope:
        if pair not in seen:
            steps.append(("", DeleteRule(op="delete_rule", category_id=pair[0], district_id=pair[1])))
    return steps


def _office_change(row: dict[str, str]) -> dict[str, Any]:
    return {
        "op": "put_office",
        "id": row["id"],
        "organisation_id": row["organisation_id"],
        "parent_id": row["parent_id"] or None,
        "name": row["name"],
        "name_ur": row["name_ur"],
        "district_id": row["district_id"],
        "districts_served": [d.strip() for d in row["districts_served"].split(";") if d.strip()],
        "head": row["head"] or None,
    }


def _office_row(
    n: int, change: PutOffice, before: Office | None, retire: bool, problems: list[FieldProblem]
) -> list[Step]:
    """What one row of an offices file changes: the office put when it differs, then retired when marked."""
    if before is not None and before.retired:
        if not retire:
            problems.append(
                FieldProblem(
                    f"rows[{n}].retired",
                    "a retired office is not brought back by an import",
                    "ختم شدہ دفتر درآمد سے بحال نہیں ہوتا",
                )
            )
        return []
    found: list[Step] = []
    if before is None or before.model_dump(exclude={"retired"}) != change.model_dump(exclude={"op"}):
        found.append((f"rows[{n}].", change))
    if retire:
        found.append((f"rows[{n}].", RetireOffice(op="retire_office", id=change.id)))
    return found


def office_steps(
    rows: Sequence[dict[str, str]], snapshot: DirectorySnapshot, organisation_id: str | None, parse: Parse
) -> list[Step]:
    """The changes that make each office of the file as its row says (offices not in it stay as they are)."""
    offices = {o.id: o for o in snapshot.offices}
    problems: list[FieldProblem] = []
    steps: list[Step] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=1):
        if row["id"] in seen:
            problems.append(
                FieldProblem(
                    f"rows[{n}].id",
                    f"row {seen[row['id']]} has this office already",
                    f"سطر {seen[row['id']]} میں یہی دفتر ہے",
                )
            )
            continue
        seen[row["id"]] = n
        if organisation_id is not None and row["organisation_id"] != organisation_id:
            problems.append(
                FieldProblem(f"rows[{n}].organisation_id", f"not {organisation_id}", f"{organisation_id} نہیں")
            )
            continue
        retired = row["retired"].lower()
        if retired not in ("true", "false", ""):
            problems.append(FieldProblem(f"rows[{n}].retired", "true or false", "true یا false"))
            continue
        change = _change(parse, n, _office_change(row), problems)
        if not isinstance(change, PutOffice):
            continue
        steps += _office_row(n, change, offices.get(change.id), retired == "true", problems)
    if problems:
        raise InvalidInput("the file needs correcting", problems)
    return steps


def scope_check(organisation_id: str | None, caller_organisation: str | None) -> str | None:
    """The organisation an import or export covers: an org_admin's own (naming another is a 403)."""
    if caller_organisation is None:
        return organisation_id
    if organisation_id not in (None, caller_organisation):
        raise Forbidden("an organisation's admin may change only its own organisation")
    return caller_organisation


def import_note(kind: str, organisation_id: str | None, rows: int) -> Any:
    """The audit summary of an import: counts, and the first changed objects (bounded)."""

    def summary(report: Report) -> Note:
        added, changed, removed = counts(report)
        touched = [n.object_id for n in report.notes][:AUDITED_PAIRS]
        after = {"rows": rows, "added": added, "changed": changed, "removed": removed, "objects": touched}
        return Note("import", kind, organisation_id or "all", None, after, organisation_id)

    return summary


def counts(report: Report) -> tuple[int, int, int]:
    added = sum(1 for n in report.notes if n.before is None and n.after is not None)
    removed = sum(1 for n in report.notes if n.after is None)
    return added, len(report.notes) - added - removed, removed
