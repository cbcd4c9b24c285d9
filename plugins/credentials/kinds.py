"""The document kinds the credentials provider writes."""

from __future__ import annotations

from octoflow.provider import ResourceKind

ACCOUNT = "Account"
FEED = "Feed"
CERTIFICATE = "Certificate"

KINDS = (
    ResourceKind(ACCOUNT, "accounts"),
    ResourceKind(FEED, "feeds"),
    # One at a time: UNCONFIRMED whether ``?ids=`` lists archived certificates (the
    # sandbox's list hides them unless ``archived=true``).
    ResourceKind(CERTIFICATE, "certificates", batch_read=False),
)
