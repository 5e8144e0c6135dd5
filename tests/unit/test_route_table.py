"""The API's route table is filled on demand (api.lazy): a request imports its own route module only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from chalicelib.api import route_table

REPO = Path(__file__).resolve().parents[2]

# A cold Lambda answering one request, as API Gateway sends it: no authorizer context, so the
# route refuses with 401 before it reads anything from AWS.
COLD_REQUEST = """
import json, sys
import app
before = {m for m in sys.modules if m.startswith("chalicelib.api.")}
event = {
    "resource": "/v1/admin/audit", "path": "/v1/admin/audit", "httpMethod": "GET",
    "headers": {"accept-language": "ur"}, "multiValueHeaders": {}, "queryStringParameters": None,
    "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
    "requestContext": {"resourcePath": "/v1/admin/audit", "httpMethod": "GET", "requestId": "r-1", "stage": "api"},
    "body": None, "isBase64Encoded": False,
}
reply = app.app(event, None)
after = {m for m in sys.modules if m.startswith("chalicelib.api.")}
print(json.dumps({"status": reply["statusCode"], "body": json.loads(reply["body"]),
                  "before": sorted(before), "after": sorted(after)}))
"""


def test_paths_say_which_module_declares_each_route() -> None:
    assert route_table.declared() == route_table.PATHS, "run: python -m chalicelib.api.route_table"
    assert {module for modules in route_table.PATHS.values() for module in modules} == set(route_table.MODULES)


def test_every_module_with_routes_is_in_the_table() -> None:
    declaring = {
        f"chalicelib.api.{path.stem}"
        for path in (REPO / "chalicelib" / "api").glob("*.py")
        if "= Blueprint(__name__)" in path.read_text(encoding="utf-8") and path.stem != "authorizer"
    }
    assert declaring == set(route_table.MODULES)


def test_a_cold_request_imports_its_own_route_module_and_no_other() -> None:
    ran = subprocess.run([sys.executable, "-c", COLD_REQUEST], cwd=REPO, capture_output=True, text=True, check=True)
    seen = json.loads(ran.stdout.strip().splitlines()[-1])
    assert seen["status"] == 401
    assert seen["body"]["error"]["code"] == "unauthenticated"
    routes = set(route_table.MODULES)
    assert not routes & set(seen["before"]), "import app registers no route module"
    assert routes & set(seen["after"]) == {"chalicelib.api.audit"}


def test_reading_the_whole_table_registers_every_route() -> None:
    import app

    table = app.app.routes
    every = {(path, method) for path, methods in table.items() for method in methods}
    assert not table.pending  # type: ignore[attr-defined]
    assert {path for path, _ in every} == set(route_table.PATHS)
    assert ("/v1/complaints", "POST") in every and ("/v1/admin/audit", "GET") in every
