"""The public-holiday calendar behind information requests' due dates: public to read, admins edit."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.cors import CORS
from chalicelib.api.errors import endpoint
from chalicelib.logic import holidays
from chalicelib.models.errors import Forbidden
from chalicelib.models.holidays import HolidaysIn, HolidayYear
from chalicelib.wiring import services

holiday_routes = Blueprint(__name__)


def _request():  # type: ignore[no-untyped-def]
    return holiday_routes.current_request


@holiday_routes.route("/v1/holidays/{year}", methods=["GET"], cors=CORS)
@endpoint(_request)
def public_holidays(year: str) -> HolidayYear:
    return holidays.year_of(services(), year)


@holiday_routes.route("/v1/admin/holidays/{year}", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(_request)
def admin_holidays(year: str) -> HolidayYear:
    if principal(holiday_routes).role != "admin":
        raise Forbidden("only admins use the admin API")
    return holidays.year_of(services(), year)


@holiday_routes.route("/v1/admin/holidays/{year}", methods=["PUT"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(_request, body=HolidaysIn)
def replace_holidays(year: str, data: HolidaysIn) -> HolidayYear:
    return holidays.replace_year(services(), principal(holiday_routes), year, data)
