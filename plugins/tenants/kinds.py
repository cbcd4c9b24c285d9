"""The document kinds the tenants provider writes."""

from __future__ import annotations

from octoflow.provider import ResourceKind

TENANT = "Tenant"
VARIABLES = "TenantVariables"

KINDS = (
    ResourceKind(TENANT, "tenants"),
    # The legacy variables document works on every server version; it has no
    # ?ids= batch read, so apply re-reads it one tenant at a time. Newer servers
    # refuse a write carrying a stale ConcurrencyToken with 409.
    ResourceKind(
        VARIABLES,
        "tenants",
        batch_read=False,
        document_path="tenants/{id}/variables",
        token="ConcurrencyToken",
    ),
)
