"""Awaaz: the Chalice application. Wiring only; behaviour lives in chalicelib/."""

from typing import Any

from chalice.app import Chalice

from chalicelib.api.admin import admin_routes
from chalicelib.api.admin_directory import directory_admin_routes
from chalicelib.api.admin_staff import staff_routes
from chalicelib.api.audit import audit_routes
from chalicelib.api.auth import auth_routes
from chalicelib.api.authorizer import authorizer_routes
from chalicelib.api.complaints import complaint_routes
from chalicelib.api.contract import in_error_shape
from chalicelib.api.directory import directory_routes
from chalicelib.api.feedback import feedback_routes
from chalicelib.api.health import health_routes
from chalicelib.api.information import information_routes
from chalicelib.api.insights_gap import gap_routes
from chalicelib.api.metoo import metoo_routes
from chalicelib.api.notifications import notification_routes
from chalicelib.api.officer import officer_routes
from chalicelib.api.open311 import open311_routes
from chalicelib.api.openapi import openapi_routes
from chalicelib.api.operations import operation_routes
from chalicelib.api.stats import stats_routes
from chalicelib.api.suggestions import suggestion_routes
from chalicelib.api.topics import topic_routes
from chalicelib.api.trends import trends_routes
from chalicelib.api.uploads import upload_routes
from chalicelib.observability import logger, publish_metrics
from chalicelib.workers.insights import insights_workers
from chalicelib.workers.notify import notify_workers
from chalicelib.workers.route import route_workers
from chalicelib.workers.sweeper import sweeper_workers

app = Chalice(app_name="awaaz")

for blueprint in (
    authorizer_routes,
    health_routes,
    directory_routes,
    auth_routes,
    complaint_routes,
    feedback_routes,
    admin_routes,
    staff_routes,
    audit_routes,
    directory_admin_routes,
    information_routes,
    notification_routes,
    officer_routes,
    metoo_routes,
    upload_routes,
    stats_routes,
    topic_routes,
    trends_routes,
    openapi_routes,
    open311_routes,
    operation_routes,
    gap_routes,
    suggestion_routes,
    route_workers,
    notify_workers,
    sweeper_workers,
    insights_workers,
):
    app.register_blueprint(blueprint)


@app.middleware("http")
def observe_request(event: Any, get_response: Any) -> Any:
    """Tag log lines with the request id and route; Chalice's own refusals in the API's error shape; publish metrics."""
    context = event.context or {}
    logger.append_keys(request_id=context.get("requestId"), route=context.get("resourcePath"))
    try:
        return in_error_shape(event, get_response(event))
    finally:
        publish_metrics()
        logger.remove_keys(["request_id", "route"])
