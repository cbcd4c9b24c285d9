"""The document kinds the credentials provider writes."""

from __future__ import annotations

from octoflow.provider import ResourceKind

ACCOUNT = "Account"
FEED = "Feed"

KINDS = (ResourceKind(ACCOUNT, "accounts"), ResourceKind(FEED, "feeds"))
