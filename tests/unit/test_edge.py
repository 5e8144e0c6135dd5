"""Edge protection in the template (docs/deploy.md, "Edge protection").

API stage throttling per route class, the stage's access logs, the API's WAF web ACL, reserved
concurrency for the authorizer and the workers, and the security headers CloudFront adds to the
web client's files (the same local/web.py sends, checked here too).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from infra.build_template import build
from local.web import CSP, SECURITY_HEADERS, security_headers
from tests.unit.test_build_template import _doc, generated

REPO = Path(__file__).resolve().parents[2]
ACCOUNT_BURST = 5000  # API Gateway's per-region account burst: no stage or method limit can exceed it
ACCOUNT_CONCURRENCY = 1000  # Lambda's default per-region concurrency quota
UNRESERVED_MINIMUM = 100  # Lambda refuses reservations that leave less than this unreserved
NATIONAL_BURST_PER_SECOND = 50_000 / 60  # issue 16: 50,000 complaints a minute about one outage


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return build(_doc("resources.json"), _doc("functions.json"), generated())[0]


def props(template: dict[str, Any], rid: str) -> dict[str, Any]:
    return dict(template["Resources"][rid]["Properties"])


def routes() -> set[tuple[str, str]]:
    from app import app

    return {(path, method) for path, methods in app.routes.items() for method in methods}


def throttles(template: dict[str, Any]) -> dict[tuple[str, str], tuple[float, int]]:
    settings = props(template, "RestAPI")["MethodSettings"]
    found = {}
    for s in settings:
        path = "/*" if s["ResourcePath"] == "/*" else s["ResourcePath"].replace("~1", "/")[1:]
        found[(path, s["HttpMethod"])] = (s["ThrottlingRateLimit"], s["ThrottlingBurstLimit"])
    assert len(found) == len(settings), "a route is throttled twice"
    return found


def test_the_stage_has_a_default_throttle_and_tighter_or_looser_limits_per_route_class(
    template: dict[str, Any],
) -> None:
    limits = throttles(template)
    default_rate, default_burst = limits.pop(("/*", "*"))
    assert default_burst <= ACCOUNT_BURST and all(burst <= ACCOUNT_BURST for _, burst in limits.values())
    assert set(limits) <= routes(), f"throttled routes the app does not have: {set(limits) - routes()}"
    # Codes by SMS or e-mail cost money and invite abuse: the tightest
    for path in ("/v1/auth/register", "/v1/auth/resend-code", "/v1/auth/forgot-password"):
        assert limits[(path, "POST")][0] <= 20
    for path in ("/v1/auth/login", "/v1/auth/challenge", "/v1/auth/confirm", "/v1/auth/reset-password"):
        assert limits[(path, "POST")][0] < default_rate / 4
    # Filing takes a national burst (833 a second) with room, below the stage's default
    for path in ("/v1/complaints", "/v1/uploads"):
        rate, burst = limits[(path, "POST")]
        assert NATIONAL_BURST_PER_SECOND < rate <= default_rate and burst >= rate
    # Public reads (categories, districts, stats, ...) are not listed: the stage's loosest default
    assert not {p for p, m in limits if m == "GET" and p in ("/v1/categories", "/v1/districts", "/v1/stats")}


def test_the_stage_writes_one_json_access_log_line_per_request_without_personal_data(template: dict[str, Any]) -> None:
    api = template["Resources"]["RestAPI"]
    setting = api["Properties"]["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    line = json.loads(setting["Format"])  # $context variables sit inside strings: the format is JSON as it stands
    assert {"requestId", "method", "route", "status", "latencyMs", "waf"} <= set(line)
    variables = set(re.findall(r"\$context\.[A-Za-z.]+", setting["Format"]))
    assert "$context.resourcePath" in variables  # the route's template: /v1/complaints/{case_id}, no id
    forbidden = ("$context.path", "$context.identity", "$context.authorizer.claims", "$context.authorizer.principalId")
    assert not [v for v in variables if v.startswith(forbidden)], variables
    assert "$input" not in setting["Format"] and "querystring" not in setting["Format"].lower()
    group = template["Resources"]["ApiAccessLogGroup"]
    assert group["Type"] == "AWS::Logs::LogGroup" and group["Properties"]["RetentionInDays"] == 30
    # API Gateway writes logs with the account's CloudWatch role, which must be set before the stage logs
    assert "ApiGatewayAccount" in api["DependsOn"]
    account = props(template, "ApiGatewayAccount")
    assert account["CloudWatchRoleArn"] == {"Fn::GetAtt": ["ApiGatewayCloudWatchRole", "Arn"]}
    role = props(template, "ApiGatewayCloudWatchRole")
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert [a["Fn::Sub"].rsplit("/", 1)[1] for a in role["ManagedPolicyArns"]] == [
        "AmazonAPIGatewayPushToCloudWatchLogs"
    ]


def test_the_api_stage_is_behind_a_regional_web_acl_with_managed_rules_and_per_ip_rate_limits(
    template: dict[str, Any],
) -> None:
    acl = props(template, "ApiWebAcl")
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    association = props(template, "ApiWebAclAssociation")
    assert association["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    assert association["ResourceArn"]["Fn::Sub"].endswith("/restapis/${RestAPI}/stages/${RestAPI.Stage}")
    rules = {r["Name"]: r for r in acl["Rules"]}
    assert sorted(r["Priority"] for r in rules.values()) == list(range(len(rules)))
    managed = {r["Statement"]["ManagedRuleGroupStatement"]["Name"]: r for r in rules.values() if "OverrideAction" in r}
    assert set(managed) == {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    }
    assert all(r["OverrideAction"] == {"None": {}} for r in managed.values())  # the groups' own actions block
    rated = [r for r in rules.values() if "RateBasedStatement" in r["Statement"]]
    assert rated and all(r["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP" for r in rated)
    assert all(r["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429 for r in rated)
    # Rate rules come first: a flood is cut before the managed groups (billed per request inspected) see it
    assert max(r["Priority"] for r in rated) < min(r["Priority"] for r in managed.values())
    for rule in acl["Rules"]:
        assert rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True


def test_a_complaint_in_urdu_at_the_apis_limits_is_not_blocked_for_its_size(template: dict[str, Any]) -> None:
    """The common rule set blocks bodies over 8 KB (SizeRestrictions_BODY); our complaints can be longer."""
    from chalicelib.models.complaints import ComplaintIn

    fields = ComplaintIn.model_fields
    longest = max(m.max_length for m in fields["description"].metadata if hasattr(m, "max_length"))
    body = {"category_id": "electricity-outage", "subject": "بجلی" * 37, "description": "ع" * longest}
    assert len(json.dumps(body, ensure_ascii=False).encode()) > 8 * 1024
    common = next(r for r in props(template, "ApiWebAcl")["Rules"] if r["Name"] == "common")
    overrides = common["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"]
    assert {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}} in overrides


def test_the_authorizer_and_the_workers_have_reserved_concurrency_that_the_account_can_grant(
    template: dict[str, Any],
) -> None:
    config = json.loads((REPO / ".chalice" / "config.json").read_text(encoding="utf-8"))["stages"]["prod"]
    reserved = {name: f.get("reserved_concurrency") for name, f in config["lambda_functions"].items()}
    for name in (
        "jwt_authorizer",
        "route_intake",
        "send_notifications",
        "run_insights",
        "sweep_deadlines",
        "sweep_due_cases",
    ):
        assert isinstance(reserved[name], int) and reserved[name] >= 1, name
    assert "reserved_concurrency" not in config and "api_handler" not in reserved  # the API scales; the edge throttles
    assert sum(reserved.values()) + UNRESERVED_MINIMUM <= ACCOUNT_CONCURRENCY
    # The SQS pollers never invoke more than the reservation: no batch is throttled back onto its queue
    for rid, name in (
        ("RouteIntake", "route_intake"),
        ("SendNotifications", "send_notifications"),
        ("SweepDueCases", "sweep_due_cases"),
    ):
        (event,) = props(template, rid)["Events"].values()
        assert 2 <= event["Properties"]["ScalingConfig"]["MaximumConcurrency"] <= reserved[name]


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def cloudfront_headers(template: dict[str, Any]) -> dict[str, Any]:
    return dict(props(template, "WebSecurityHeaders")["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"])


def test_cloudfront_sends_the_security_headers_and_attaches_the_us_east_1_web_acl_when_given(
    template: dict[str, Any],
) -> None:
    distribution = props(template, "WebDistribution")["DistributionConfig"]
    assert distribution["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": "WebSecurityHeaders"}
    assert distribution["WebACLId"] == {
        "Fn::If": ["HasCloudFrontWebAcl", {"Ref": "WebAclArnForCloudFront"}, {"Ref": "AWS::NoValue"}]
    }
    assert template["Parameters"]["WebAclArnForCloudFront"]["Default"] == ""
    assert re.match(template["Parameters"]["WebAclArnForCloudFront"]["AllowedPattern"], "")
    assert not re.match(
        template["Parameters"]["WebAclArnForCloudFront"]["AllowedPattern"],
        "arn:aws:wafv2:ap-south-1:123456789012:regional/webacl/x/1",
    )
    headers = cloudfront_headers(template)
    assert all(h["Override"] is True for h in headers.values())
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 365 * 24 * 3600
    assert headers["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] in ("strict-origin-when-cross-origin", "no-referrer")
    policy = directives(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"])
    assert policy["script-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["default-src"] == ["'self'"]
    assert "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}" in policy["connect-src"]
    for bucket in ("https://${AttachmentsBucket.RegionalDomainName}", "https://${AttachmentsBucket.DomainName}"):
        assert bucket in policy["connect-src"] and bucket in policy["img-src"]  # presigned uploads and photos


def test_the_local_server_and_cloudfront_send_the_same_policy_origins_aside(template: dict[str, Any]) -> None:
    headers = cloudfront_headers(template)

    def without_origins(policy: str) -> dict[str, list[str]]:
        return {k: [s for s in v if not s.startswith(("http", "$"))] for k, v in directives(policy).items()}

    cloudfront = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    local = security_headers({"apiBaseUrl": "http://127.0.0.1:8000"}, ["http://127.0.0.1:5000"])
    assert without_origins(cloudfront) == without_origins(local["Content-Security-Policy"])
    assert without_origins(cloudfront) == without_origins(CSP.format(api="", files="", tiles=""))
    hsts = headers["StrictTransportSecurity"]
    assert {
        "Strict-Transport-Security": f"max-age={hsts['AccessControlMaxAgeSec']}; includeSubDomains",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": headers["FrameOptions"]["FrameOption"],
        "Referrer-Policy": headers["ReferrerPolicy"]["ReferrerPolicy"],
    } == SECURITY_HEADERS


def test_the_page_needs_no_inline_script_and_no_eval() -> None:
    """What script-src 'self' forbids: the web client must not rely on it (tests/e2e check it in a browser)."""
    html = (REPO / "web" / "index.html").read_text(encoding="utf-8")
    assert all(re.search(r"\bsrc=", tag) for tag in re.findall(r"<script\b[^>]*>", html)), "an inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", html), "an inline event handler"
    assert "javascript:" not in html
    for path in sorted((REPO / "web").rglob("*.js")):
        if "vendor" in path.parts:
            continue
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"\beval\(|new Function\(|setTimeout\(\s*[\"'`]|setInterval\(\s*[\"'`]", code), path
        assert not re.search(r"<script|\son(click|load|error|input|change|submit)=", code), path


def test_the_distributions_web_acl_template_for_us_east_1_has_the_same_rules_in_cloudfront_scope() -> None:
    waf = json.loads((REPO / "infra" / "cloudfront_waf.json").read_text(encoding="utf-8"))
    acl = waf["Resources"]["WebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT" and waf["Outputs"]["WebAclArn"]["Value"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}
    managed = {r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in acl["Rules"] if "OverrideAction" in r}
    assert managed == {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    }
    (rate,) = [r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]
    assert rate["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP" and rate["Priority"] == 0
