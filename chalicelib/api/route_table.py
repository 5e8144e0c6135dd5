"""Which module declares which path of the API (read by `api.lazy`: import only what a request needs).

`MODULES` is every route module and its Blueprint, in the order the app registers them. `PATHS`
is written by `python -m chalicelib.api.route_table` from the modules themselves; a test fails
when it is out of date (tests/unit/test_route_table.py), so a new route cannot be missed.
"""

from __future__ import annotations

MODULES: dict[str, str] = {
    "chalicelib.api.health": "health_routes",
    "chalicelib.api.directory": "directory_routes",
    "chalicelib.api.auth": "auth_routes",
    "chalicelib.api.complaints": "complaint_routes",
    "chalicelib.api.feedback": "feedback_routes",
    "chalicelib.api.admin": "admin_routes",
    "chalicelib.api.admin_staff": "staff_routes",
    "chalicelib.api.audit": "audit_routes",
    "chalicelib.api.admin_directory": "directory_admin_routes",
    "chalicelib.api.information": "information_routes",
    "chalicelib.api.notifications": "notification_routes",
    "chalicelib.api.officer": "officer_routes",
    "chalicelib.api.metoo": "metoo_routes",
    "chalicelib.api.uploads": "upload_routes",
    "chalicelib.api.stats": "stats_routes",
    "chalicelib.api.topics": "topic_routes",
    "chalicelib.api.trends": "trends_routes",
    "chalicelib.api.openapi": "openapi_routes",
    "chalicelib.api.open311": "open311_routes",
    "chalicelib.api.operations": "operation_routes",
    "chalicelib.api.insights_gap": "gap_routes",
    "chalicelib.api.suggestions": "suggestion_routes",
}

# --- written by `python -m chalicelib.api.route_table`; do not edit by hand ---
PATHS: dict[str, tuple[str, ...]] = {
    "/open311/v2/requests/{request_file}": ("chalicelib.api.open311",),
    "/open311/v2/services/{service_file}": ("chalicelib.api.open311",),
    "/open311/v2/tokens/{token_file}": ("chalicelib.api.open311",),
    "/open311/v2/{document}": ("chalicelib.api.open311",),
    "/v1/admin/accounts/{sub}": ("chalicelib.api.admin",),
    "/v1/admin/accounts/{sub}/disable": ("chalicelib.api.admin",),
    "/v1/admin/accounts/{sub}/enable": ("chalicelib.api.admin",),
    "/v1/admin/accounts/{sub}/office": ("chalicelib.api.admin",),
    "/v1/admin/accounts/{sub}/supervisor": ("chalicelib.api.admin",),
    "/v1/admin/audit": ("chalicelib.api.audit",),
    "/v1/admin/audit/export": ("chalicelib.api.audit",),
    "/v1/admin/categories": ("chalicelib.api.admin_directory",),
    "/v1/admin/categories/{category_id}": ("chalicelib.api.admin_directory",),
    "/v1/admin/categories/{category_id}/retire": ("chalicelib.api.admin_directory",),
    "/v1/admin/directory": ("chalicelib.api.admin_directory",),
    "/v1/admin/directory/dry-run": ("chalicelib.api.admin_directory",),
    "/v1/admin/districts": ("chalicelib.api.admin_directory",),
    "/v1/admin/fallbacks/{category_id}": ("chalicelib.api.admin_directory",),
    "/v1/admin/holidays/{year}": ("chalicelib.api.admin",),
    "/v1/admin/insights/satisfaction-report": ("chalicelib.api.insights_gap",),
    "/v1/admin/offices": ("chalicelib.api.admin_directory",),
    "/v1/admin/offices/export": ("chalicelib.api.admin_directory",),
    "/v1/admin/offices/import": ("chalicelib.api.admin_directory",),
    "/v1/admin/offices/{office_id}": ("chalicelib.api.admin_directory",),
    "/v1/admin/offices/{office_id}/retire": ("chalicelib.api.admin_directory",),
    "/v1/admin/offices/{office_id}/staff": ("chalicelib.api.admin_staff",),
    "/v1/admin/open311-keys": ("chalicelib.api.admin",),
    "/v1/admin/open311-keys/{key_id}": ("chalicelib.api.admin",),
    "/v1/admin/organisations": ("chalicelib.api.admin_directory",),
    "/v1/admin/organisations/{organisation_id}": ("chalicelib.api.admin_directory",),
    "/v1/admin/organisations/{organisation_id}/retire": ("chalicelib.api.admin_directory",),
    "/v1/admin/queues": ("chalicelib.api.operations",),
    "/v1/admin/queues/{name}/redrive": ("chalicelib.api.operations",),
    "/v1/admin/routing-rules/export": ("chalicelib.api.admin_directory",),
    "/v1/admin/routing-rules/import": ("chalicelib.api.admin_directory",),
    "/v1/admin/routing-rules/{category_id}/{district_id}": ("chalicelib.api.admin_directory",),
    "/v1/admin/sla-policies/{policy_id}": ("chalicelib.api.admin_directory",),
    "/v1/admin/staff": ("chalicelib.api.admin_staff",),
    "/v1/auth/challenge": ("chalicelib.api.auth",),
    "/v1/auth/confirm": ("chalicelib.api.auth",),
    "/v1/auth/forgot-password": ("chalicelib.api.auth",),
    "/v1/auth/login": ("chalicelib.api.auth",),
    "/v1/auth/refresh": ("chalicelib.api.auth",),
    "/v1/auth/register": ("chalicelib.api.auth",),
    "/v1/auth/resend-code": ("chalicelib.api.auth",),
    "/v1/auth/reset-password": ("chalicelib.api.auth",),
    "/v1/categories": ("chalicelib.api.directory",),
    "/v1/category-suggestions": ("chalicelib.api.suggestions",),
    "/v1/complaints": ("chalicelib.api.complaints",),
    "/v1/complaints/{case_id}": ("chalicelib.api.complaints",),
    "/v1/complaints/{case_id}/feedback": ("chalicelib.api.complaints",),
    "/v1/complaints/{case_id}/me-too": ("chalicelib.api.metoo",),
    "/v1/complaints/{case_id}/publish": ("chalicelib.api.complaints",),
    "/v1/complaints/{case_id}/reply": ("chalicelib.api.complaints",),
    "/v1/complaints/{case_id}/unpublish": ("chalicelib.api.complaints",),
    "/v1/complaints/{case_id}/withdraw": ("chalicelib.api.complaints",),
    "/v1/districts": ("chalicelib.api.directory",),
    "/v1/districts/boundaries": ("chalicelib.api.directory",),
    "/v1/districts/locate": ("chalicelib.api.directory",),
    "/v1/feedback": ("chalicelib.api.feedback",),
    "/v1/feedback/{feedback_id}": ("chalicelib.api.feedback",),
    "/v1/followed-complaints": ("chalicelib.api.metoo",),
    "/v1/followed-complaints/{case_id}": ("chalicelib.api.metoo",),
    "/v1/health": ("chalicelib.api.health",),
    "/v1/holidays/{year}": ("chalicelib.api.admin",),
    "/v1/information-requests": ("chalicelib.api.information",),
    "/v1/information-requests/{request_id}": ("chalicelib.api.information",),
    "/v1/information-requests/{request_id}/appeal": ("chalicelib.api.information",),
    "/v1/information-requests/{request_id}/withdraw": ("chalicelib.api.information",),
    "/v1/insights/satisfaction": ("chalicelib.api.insights_gap",),
    "/v1/insights/trends": ("chalicelib.api.trends",),
    "/v1/me": ("chalicelib.api.auth",),
    "/v1/me/preferences": ("chalicelib.api.auth",),
    "/v1/notifications": ("chalicelib.api.notifications",),
    "/v1/officer/cases": ("chalicelib.api.officer",),
    "/v1/officer/cases/{case_id}": ("chalicelib.api.officer",),
    "/v1/officer/cases/{case_id}/actions": ("chalicelib.api.officer",),
    "/v1/officer/cases/{case_id}/merge": ("chalicelib.api.metoo",),
    "/v1/officer/cases/{case_id}/moderation/clear": ("chalicelib.api.suggestions",),
    "/v1/officer/feedback-summary": ("chalicelib.api.feedback",),
    "/v1/officer/history": ("chalicelib.api.officer",),
    "/v1/officer/topics": ("chalicelib.api.topics",),
    "/v1/openapi.json": ("chalicelib.api.openapi",),
    "/v1/organisations": ("chalicelib.api.directory",),
    "/v1/publication": ("chalicelib.api.complaints",),
    "/v1/similar-complaints": ("chalicelib.api.complaints",),
    "/v1/stats": ("chalicelib.api.stats",),
    "/v1/stats.csv": ("chalicelib.api.stats",),
    "/v1/triage": ("chalicelib.api.suggestions",),
    "/v1/triage/{case_id}/category": ("chalicelib.api.suggestions",),
    "/v1/uploads": ("chalicelib.api.uploads",),
}
# --- end ---


def declared() -> dict[str, tuple[str, ...]]:
    """Every path and the modules that declare a method of it, read from the app's whole table (imports them all).

    Read from the app itself: Chalice registers a blueprint once only (it consumes the routes'
    options), so no second app may be built from the same modules.
    """
    from app import app

    owners: dict[str, set[str]] = {}
    for path, methods in app.routes.items():
        for entry in methods.values():
            owners.setdefault(path, set()).add(entry.view_function.__module__)
    return {path: tuple(sorted(found)) for path, found in sorted(owners.items())}


def rendered(paths: dict[str, tuple[str, ...]]) -> str:
    lines = ["PATHS: dict[str, tuple[str, ...]] = {"]
    for path, modules in paths.items():
        lines.append(f"    {path!r}: ({', '.join(repr(m) for m in modules)},),")
    lines.append("}")
    return "\n".join(lines)


def main() -> int:
    from pathlib import Path

    here = Path(__file__)
    text = here.read_text(encoding="utf-8")
    start = text.index("PATHS: dict[str, tuple[str, ...]] = {")
    end = text.index("# --- end ---")
    here.write_text(text[:start] + rendered(declared()) + "\n" + text[end:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
