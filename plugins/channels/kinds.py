"""The document kind the channels provider writes."""

from __future__ import annotations

from octoflow.provider import ResourceKind

CHANNEL = "Channel"

KINDS = (ResourceKind(CHANNEL, "channels"),)
