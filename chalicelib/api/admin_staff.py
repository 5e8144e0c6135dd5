"""Staff accounts: inviting to an office, and an office's staff list (admins; organisation admins in their own)."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import actor, principal
from chalicelib.api.contract import DIRECTORY_ADMINS, endpoint, header, page_params
from chalicelib.api.cors import CORS
from chalicelib.api.responses import created
from chalicelib.logic import staff
from chalicelib.models.common import Role
from chalicelib.models.staff import StaffInvited, StaffInviteIn, StaffPage
from chalicelib.wiring import services

staff_routes = Blueprint(__name__)
# Who reads an office's staff list: its managers, and a supervisor for the offices of their subtree.
STAFF_READERS: tuple[Role, ...] = ("admin", "org_admin", "officer")


@staff_routes.route("/v1/admin/staff", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(
    staff_routes, body=StaffInviteIn, response=StaffInvited, status=201, raises=(404, 409), roles=DIRECTORY_ADMINS
)
def invite_staff(data: StaffInviteIn) -> Response:
    """Invite an officer, supervisor or organisation admin to an office: the invitation goes by e-mail or SMS."""
    request = staff_routes.current_request
    origin = header(request, "origin") if request is not None else None
    return created(staff.invite(services(), actor(staff_routes), data, origin))


@staff_routes.route("/v1/admin/offices/{office_id}/staff", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(staff_routes, roles=STAFF_READERS)
def office_staff(office_id: str) -> StaffPage:
    """An office's staff, a page at a time: name, role, supervisor, enabled, status, contact (masked)."""
    request = staff_routes.current_request
    limit, cursor = page_params(request) if request is not None else (20, None)
    return staff.list_staff(services(), principal(staff_routes), office_id, cursor, limit)
