"""Awaaz: the Chalice application. Wiring only; behaviour lives in chalicelib/."""

from typing import Any

from chalice.app import Chalice

from chalicelib.api.authorizer import authorizer_routes
from chalicelib.api.contract import in_error_shape
from chalicelib.api.lazy import LazyRoutes
from chalicelib.observability import logger, publish_metrics
from chalicelib.workers.insights import insights_workers
from chalicelib.workers.notify import notify_workers
from chalicelib.workers.route import route_workers
from chalicelib.workers.sweeper import sweeper_workers

app = Chalice(app_name="awaaz")
# The API's routes: each module's blueprint is registered when one of its paths is first asked for
# (chalicelib/api/route_table.py lists them all), so a cold start imports what its request needs;
# reading the whole table (chalice local and package, the OpenAPI document) registers them all.
app.routes = LazyRoutes(app)

# The token authorizer and the workers: what the deployment declares besides the routes.
for blueprint in (authorizer_routes, route_workers, notify_workers, sweeper_workers, insights_workers):
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
