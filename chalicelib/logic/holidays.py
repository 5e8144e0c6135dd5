"""Reading and (for admins) replacing a year's public holidays."""

from __future__ import annotations

from chalicelib.logic import audit, workdays
from chalicelib.logic.ports import Services
from chalicelib.models.audit import Actor
from chalicelib.models.errors import FieldProblem, Forbidden, InvalidInput
from chalicelib.models.holidays import HolidaysIn, HolidayYear
from chalicelib.store import audit as audit_store
from chalicelib.store import holidays as holiday_store

FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_PROBLEM = f"a year from {FIRST_YEAR} to {LAST_YEAR}"


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput("bad year", [FieldProblem("year", YEAR_PROBLEM)])


def year_of(services: Services, year: int) -> HolidayYear:
    _check_year(year)
    found = holiday_store.read_years(services.table, year, year)
    return found[0] if found else HolidayYear(year=year, holidays=[])


def replace_year(services: Services, actor: Actor, year: int, data: HolidaysIn) -> HolidayYear:
    """An admin sets a year's holidays whole (e.g. once the Eid dates are notified); audited, before and after."""
    if actor.principal.role != "admin":
        raise Forbidden("only admins edit the holiday calendar")
    _check_year(year)
    problems = [
        FieldProblem(f"holidays[{i}].date", f"not in {year}")
        for i, holiday in enumerate(data.holidays)
        if holiday.date.year != year
    ]
    if problems:
        raise InvalidInput("the holidays need correcting", problems)
    stored = HolidayYear(year=year, holidays=sorted(data.holidays, key=lambda h: h.date))
    before = year_of(services, year)
    entry = audit.entry(
        services,
        actor,
        "replace",
        "holidays",
        str(year),
        before=before.model_dump(mode="json")["holidays"],
        after=stored.model_dump(mode="json")["holidays"],
    )
    holiday_store.write_year(services.table, stored, also=[audit_store.entry_put(entry)])
    workdays.forget_cache()
    return stored
