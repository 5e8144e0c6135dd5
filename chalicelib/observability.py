"""The one Logger and Metrics of every function (Powertools).

Log lines carry ids (request, case, office), never personal data: no names,
phone numbers, emails, CNICs, addresses or complaint text.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="awaaz")
metrics = Metrics(namespace="Awaaz", service="awaaz")


def publish_metrics() -> None:
    """Write the metrics recorded so far as one EMF line (nothing when none were recorded)."""
    if metrics.metric_set:
        metrics.flush_metrics()
