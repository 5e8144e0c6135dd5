"""Attachments: presigned uploads straight to S3, for citizens and officers."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import endpoint
from chalicelib.api.cors import CORS
from chalicelib.api.responses import created
from chalicelib.logic import uploads
from chalicelib.models.uploads import UploadIn, UploadOut
from chalicelib.wiring import services

upload_routes = Blueprint(__name__)


@upload_routes.route("/v1/uploads", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(upload_routes, body=UploadIn, response=UploadOut, status=201, roles=("citizen", "officer"))
def start_upload(data: UploadIn) -> Response:
    who = principal(upload_routes)
    return created(uploads.start(services(), who, data))
