"""What the tests share: moments around now, and the demo seed's facts they rely on."""

from __future__ import annotations

import datetime as dt
from typing import Any

# The demo seed's documents the tests use.
BILLING_API = "Projects-2"  # tenanted or not; 60 US tenants connected in Test and Production
EMBER_WEB = "Projects-21"  # untenanted; its 1.2.0 may go to Production
FALCON_ADMIN = "Projects-24"  # untenanted; its 1.2.0 may go to Production
TEST, STAGING, PRODUCTION = "Environments-2", "Environments-3", "Environments-4"
ACME_TRAVEL = "Tenants-9"  # tagged Tier/Gold, connected to Billing API in Test
BEACON_RETAIL = "Tenants-5"  # tagged Tier/Bronze, connected to Billing API in Test
GOLD_ON_BILLING = 14  # Tier/Gold tenants connected to Billing API

DEMO_FREEZE = "Holidays 2025"  # the demo's one freeze: Customer Portal and Billing API, ended

FREEZES = "/api/deploymentfreezes"
FIELDS = {
    "Id",
    "Name",
    "Description",
    "Start",
    "End",
    "ProjectEnvironmentScope",
    "TenantProjectEnvironmentScope",
    "RecurringSchedule",
}


def moment(days: float) -> str:
    """Now plus ``days`` (negative: in the past), ISO 8601 with the UTC offset."""
    at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)
    return at.isoformat(timespec="seconds")


def parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def holidays(**params: Any) -> dict[str, Any]:
    """``freeze-ensure`` parameters for a freeze in force now: Ember Web and Falcon Admin
    in Production."""
    return {
        "name": "Holidays",
        "start": moment(-1),
        "end": moment(1),
        "environments": "Production",
        "projects": ["Ember Web", "Falcon Admin"],
        **params,
    }


def named(sandbox: Any, name: str) -> dict[str, Any]:
    """The freeze called ``name`` as the sandbox holds it."""
    (found,) = [f for f in sandbox.state.values("DeploymentFreezes") if f["Name"] == name]
    return found
