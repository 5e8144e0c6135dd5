"""Admin settings: the public-holiday calendar (public to read) and Open311 API keys."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import ADMINS, endpoint, whole_number
from chalicelib.api.cors import CORS
from chalicelib.api.responses import created
from chalicelib.logic import apikeys, holidays
from chalicelib.models.holidays import HolidaysIn, HolidayYear
from chalicelib.wiring import services

admin_routes = Blueprint(__name__)


def _year(raw: str) -> int:
    return whole_number(raw, "year", holidays.YEAR_PROBLEM, holidays.FIRST_YEAR, holidays.LAST_YEAR)


@admin_routes.route("/v1/holidays/{year}", methods=["GET"], cors=CORS)
@endpoint(admin_routes)
def public_holidays(year: str) -> HolidayYear:
    return holidays.year_of(services(), _year(year))


@admin_routes.route("/v1/admin/holidays/{year}", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, roles=ADMINS)
def admin_holidays(year: str) -> HolidayYear:
    return holidays.year_of(services(), _year(year))


@admin_routes.route("/v1/admin/holidays/{year}", methods=["PUT"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, body=HolidaysIn, roles=ADMINS)
def replace_holidays(year: str, data: HolidaysIn) -> HolidayYear:
    return holidays.replace_year(services(), principal(admin_routes), _year(year), data)


@admin_routes.route("/v1/admin/open311-keys", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, body=apikeys.ApiKeyIn, response=apikeys.ApiKeyOut, status=201, roles=ADMINS)
def issue_open311_key(data: apikeys.ApiKeyIn) -> Response:
    """Issue an API key for an Open311 client (shown once)."""
    return created(apikeys.issue(services(), principal(admin_routes), data))


@admin_routes.route("/v1/admin/open311-keys", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, roles=ADMINS)
def list_open311_keys() -> apikeys.ApiKeyList:
    return apikeys.list_keys(services(), principal(admin_routes))


@admin_routes.route("/v1/admin/open311-keys/{key_id}", methods=["DELETE"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, roles=ADMINS)
def revoke_open311_key(key_id: str) -> apikeys.ApiKeyOut:
    return apikeys.revoke(services(), principal(admin_routes), key_id)
