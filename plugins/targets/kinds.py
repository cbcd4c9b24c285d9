"""The document kinds the targets provider writes."""

from __future__ import annotations

from octoflow.provider import ResourceKind

TARGET = "Target"
WORKER = "Worker"

KINDS = (
    ResourceKind(TARGET, "machines"),
    ResourceKind(WORKER, "workers"),
)
