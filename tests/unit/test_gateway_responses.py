"""What API Gateway answers itself (unknown paths, throttling, a refused token...) is in the API's error shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.api.responses import STATUS
from chalicelib.logic.messages import ERRORS

REPO = Path(__file__).resolve().parents[2]
# The status of each response type, as the API answers it (MISSING_AUTHENTICATION_TOKEN: an unknown path or method).
EXPECTED = {
    "DEFAULT_4XX": None,
    "DEFAULT_5XX": None,
    "MISSING_AUTHENTICATION_TOKEN": "404",
    "UNSUPPORTED_MEDIA_TYPE": "415",
    "REQUEST_TOO_LARGE": "413",
    "THROTTLED": "429",
    "ACCESS_DENIED": "403",
    "UNAUTHORIZED": "401",
}


def gateway_responses() -> dict[str, Any]:
    functions = json.loads((REPO / "infra" / "functions.json").read_text())
    found: dict[str, Any] = functions["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
        "x-amazon-apigateway-gateway-responses"
    ]
    return found


def test_every_response_type_the_gateway_answers_on_its_own_is_defined() -> None:
    assert set(EXPECTED) <= set(gateway_responses())


@pytest.mark.parametrize("response_type", sorted(EXPECTED))
def test_each_is_json_in_the_error_shape_with_a_known_code_and_readable_by_a_browser(response_type: str) -> None:
    response = gateway_responses()[response_type]
    # $context.error.messageString is substituted already quoted (a JSON string)
    template = response["responseTemplates"]["application/json"]
    body = json.loads(template.replace("$context.error.messageString", '"API Gateway\'s own message"'))
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] in ERRORS and body["error"]["message"] and body["error"]["details"] == []
    assert response.get("statusCode") == EXPECTED[response_type]
    assert response["responseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"] == "'*'"
    if response.get("statusCode"):
        statuses = {status for kind, status in STATUS if kind.code == body["error"]["code"]}
        assert statuses <= {int(response["statusCode"])}
