"""The document kinds the users provider writes (all system-level URLs)."""

from __future__ import annotations

from octoflow.provider import ResourceKind

USER = "User"
TEAM = "Team"
SCOPED_ROLE = "ScopedUserRole"

KINDS = (
    ResourceKind(USER, "users", space_scoped=False),
    # Space teams are reachable at /api/teams/{id} too, so one kind serves both.
    ResourceKind(TEAM, "teams", space_scoped=False),
    ResourceKind(SCOPED_ROLE, "scopeduserroles", space_scoped=False),
)
