"""The OpenAPI document: valid 3.1, public, and describing every route the app serves as it serves it."""

from __future__ import annotations

from openapi_spec_validator import validate

from chalicelib.api.contract import SIGNED_IN
from tests.harness import Stack


def test_the_document_validates_and_covers_every_route_with_its_auth_and_bodies(stack: Stack) -> None:
    import app

    reply = stack.get("/v1/openapi.json")
    assert reply.status == 200
    document = reply.json
    validate(document)
    assert document["openapi"] == "3.1.0"
    served = {
        (path, method.lower())
        for path, methods in app.app.routes.items()
        for method in methods
        if not path.startswith("/open311/")  # its own standard, described at open311.org
    }
    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert described == served
    for path, methods in app.app.routes.items():
        for method, entry in methods.items():
            if path.startswith("/open311/"):
                continue
            operation = document["paths"][path][method.lower()]
            contract = getattr(entry.view_function, "contract")  # noqa: B009 (set by the endpoint decorator)
            assert ("security" in operation) == (entry.authorizer is not None), (method, path)
            has_body = contract.body is not None or contract.text_body is not None
            assert ("requestBody" in operation) == has_body, (method, path)
            assert str(contract.status) in operation["responses"], (method, path)
            assert "400" in operation["responses"]
            # Who may call, as the wrapper checks it; 403 only where a role is refused
            assert operation.get("x-roles") == (list(contract.roles) if contract.roles else None), (method, path)
            refuses_a_role = entry.authorizer is not None and set(contract.roles or ()) != set(SIGNED_IN)
            assert ("403" in operation["responses"]) == (refuses_a_role or 403 in contract.raises), (method, path)
    complaint = document["components"]["schemas"]["ComplaintIn"]
    assert complaint["additionalProperties"] is False and "category_id" in complaint["required"]
    action = document["paths"]["/v1/officer/cases/{case_id}/actions"]["post"]
    assert {p["name"] for p in action["parameters"]} >= {"case_id", "If-Match"}
