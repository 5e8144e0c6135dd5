"""Admin settings: the public-holiday calendar (public to read), Open311 API keys, and accounts."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import actor, principal
from chalicelib.api.contract import ADMINS, DIRECTORY_ADMINS, endpoint, whole_number
from chalicelib.api.cors import CORS
from chalicelib.api.responses import created
from chalicelib.logic import accounts, apikeys, holidays
from chalicelib.models.audit import Actor
from chalicelib.models.common import Principal, StatusOut
from chalicelib.models.holidays import HolidaysIn, HolidayYear
from chalicelib.models.identity import OfficeMoveIn
from chalicelib.models.staff import SupervisorIn
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
    return holidays.replace_year(services(), actor(admin_routes), _year(year), data)


@admin_routes.route("/v1/admin/open311-keys", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, body=apikeys.ApiKeyIn, response=apikeys.ApiKeyOut, status=201, roles=ADMINS)
def issue_open311_key(data: apikeys.ApiKeyIn) -> Response:
    """Issue an API key for an Open311 client (shown once)."""
    return created(apikeys.issue(services(), actor(admin_routes), data))


@admin_routes.route("/v1/admin/open311-keys", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, roles=ADMINS)
def list_open311_keys() -> apikeys.ApiKeyList:
    return apikeys.list_keys(services(), principal(admin_routes))


@admin_routes.route("/v1/admin/open311-keys/{key_id}", methods=["DELETE"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, roles=ADMINS)
def revoke_open311_key(key_id: str) -> apikeys.ApiKeyOut:
    return apikeys.revoke(services(), actor(admin_routes), key_id)


def account_in_scope(who: Principal, sub: str) -> None:
    """The guard of an account change with a body: an account the caller may change, or its 404/403 first."""
    accounts.check_in_scope(services(), Actor(principal=who), sub)


# --- accounts: each change holds within a minute (global sign-out + revocation marker), audited ------------
# An organisation's admin acts on the staff of their organisation's offices (another account: 404).


@admin_routes.route("/v1/admin/accounts/{sub}/disable", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, roles=DIRECTORY_ADMINS, raises=(409,))
def disable_account(sub: str) -> StatusOut:
    """Disable an account: it cannot sign in, and its tokens are refused within a minute."""
    accounts.disable(services(), actor(admin_routes), sub)
    return StatusOut(status="disabled")


@admin_routes.route("/v1/admin/accounts/{sub}/enable", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, roles=DIRECTORY_ADMINS, raises=(409,))
def enable_account(sub: str) -> StatusOut:
    accounts.enable(services(), actor(admin_routes), sub)
    return StatusOut(status="enabled")


@admin_routes.route("/v1/admin/accounts/{sub}", methods=["DELETE"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, roles=ADMINS, raises=(409,))
def delete_account(sub: str) -> StatusOut:
    accounts.delete(services(), actor(admin_routes), sub)
    return StatusOut(status="deleted")


@admin_routes.route("/v1/admin/accounts/{sub}/office", methods=["PUT"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, body=OfficeMoveIn, roles=DIRECTORY_ADMINS, guard=account_in_scope)
def move_officer(sub: str, data: OfficeMoveIn) -> StatusOut:
    """Move an officer to another office: the old office's cases leave them within a minute."""
    accounts.move_officer(services(), actor(admin_routes), sub, data.office_id)
    return StatusOut(status="moved")


@admin_routes.route("/v1/admin/accounts/{sub}/supervisor", methods=["PUT"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(admin_routes, body=SupervisorIn, roles=DIRECTORY_ADMINS, guard=account_in_scope)
def set_supervisor(sub: str, data: SupervisorIn) -> StatusOut:
    """Give or take an officer's supervisor role; their next sign-in carries it (present tokens are refused)."""
    return StatusOut(status=accounts.set_supervisor(services(), actor(admin_routes), sub, data.supervisor))
