"""Category suggestion while filing, the triage queue, and clearing a moderation flag (docs/insights.md)."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.auth import source_of
from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import actor, principal
from chalicelib.api.contract import OFFICERS, STAFF, endpoint, if_match, page_params
from chalicelib.api.cors import CORS
from chalicelib.api.officer import case_in_scope
from chalicelib.logic import moderation, suggestions, triage
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import CaseOut
from chalicelib.models.suggestions import (
    ClearModerationIn,
    SuggestionIn,
    SuggestionList,
    TriageCategoryIn,
    TriageItem,
)
from chalicelib.wiring import services

suggestion_routes = Blueprint(__name__)


@suggestion_routes.route("/v1/category-suggestions", methods=["POST"], cors=CORS)
@endpoint(suggestion_routes, body=SuggestionIn, raises=(429,))
def category_suggestions(data: SuggestionIn) -> SuggestionList:
    """The three likeliest categories for a complaint's text as it is typed (nothing of the text is kept)."""
    return suggestions.suggest(services(), data, source_of(suggestion_routes.current_request))


def in_triage(who: Principal, case_id: str) -> None:
    """The guard of a triage action: the caller works the triage queue and the case waits in it, or a 404."""
    triage.check_may_triage(services(), who, case_id)


@suggestion_routes.route("/v1/triage", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(suggestion_routes, roles=STAFF)
def triage_queue() -> Listing[TriageItem]:
    """Complaints filed "not sure" of their category that the model could not place, oldest first."""
    limit, cursor = page_params(suggestion_routes.current_request)
    return triage.queue(services(), principal(suggestion_routes), limit, cursor)


@suggestion_routes.route("/v1/triage/{case_id}/category", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(suggestion_routes, body=TriageCategoryIn, roles=STAFF, guard=in_triage)
def triage_category(case_id: str, data: TriageCategoryIn) -> TriageItem:
    """Choose the category of a complaint in triage; it is then routed as a new filing is."""
    request = suggestion_routes.current_request
    return triage.categorise(services(), actor(suggestion_routes), case_id, data.category_id, if_match(request))


@suggestion_routes.route(
    "/v1/officer/cases/{case_id}/moderation/clear", methods=["POST"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(suggestion_routes, body=ClearModerationIn, roles=OFFICERS, guard=case_in_scope)
def clear_moderation(case_id: str, data: ClearModerationIn) -> CaseOut:
    """An officer of the case's office clears the flag moderation put on its text at filing."""
    request = suggestion_routes.current_request
    return moderation.clear(services(), actor(suggestion_routes), case_id, data.note, if_match(request))
