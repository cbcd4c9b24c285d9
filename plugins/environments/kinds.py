"""The document kinds of the environments provider."""

from __future__ import annotations

from octoflow.provider import ResourceKind

ENVIRONMENT = "Environment"
#: A run operation (no document): ``PUT environments/sortorder``.
SORT_ORDER = "EnvironmentSortOrder"

KINDS = (ResourceKind(ENVIRONMENT, "environments"),)
