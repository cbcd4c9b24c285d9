"""The document kind the lifecycles provider writes."""

from __future__ import annotations

from octoflow.provider import ResourceKind

LIFECYCLE = "Lifecycle"

KINDS = (ResourceKind(LIFECYCLE, "lifecycles"),)
