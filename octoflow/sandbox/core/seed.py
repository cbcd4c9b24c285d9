"""Seeds of the core area: ``empty`` (a fresh server) and ``demo``.

Deterministic: ids come from counters, GUIDs from a fixed ``random.Random``,
and the sandbox freezes the clock while seeding, so every build dumps the same.
"""

from __future__ import annotations

import random
import uuid

from octoflow.sandbox.core import (
    accounts,
    buildinfo,
    certificates,
    proxies,
    subscriptions,
    triggers,
)
from octoflow.sandbox.core.channels import create_default_channel
from octoflow.sandbox.core.environments import ENVIRONMENTS
from octoflow.sandbox.core.libraryvariablesets import LIBRARY_VARIABLE_SETS
from octoflow.sandbox.core.lifecycles import LIFECYCLES, phase
from octoflow.sandbox.core.projectgroups import PROJECT_GROUPS
from octoflow.sandbox.core.projects import PROJECTS
from octoflow.sandbox.core.spaces import SPACES, furnish_space
from octoflow.sandbox.core.tagsets import TAG_SETS
from octoflow.sandbox.seeds import is_demo
from octoflow.sandbox.state import State

SPACE_ID = "Spaces-1"
ENVIRONMENT_NAMES = ("Development", "Test", "Staging", "Production")
TAG_SETS_DEMO = (
    ("Region", ["Tenant"], [("EU", "#1F77B4"), ("US", "#D62728"), ("APAC", "#2CA02C")]),
    ("Tier", ["Tenant"], [("Gold", "#FFD700"), ("Silver", "#C0C0C0"), ("Bronze", "#CD7F32")]),
    ("Hosting", ["Environment"], [("Cloud", "#17BECF"), ("OnPrem", "#7F7F7F")]),
)
GROUPS = ("Customer Apps", "Platform", "Internal")
# name, group, lifecycle, tenanted mode
PROJECTS_DEMO = (
    ("Customer Portal", "Customer Apps", "Default Lifecycle", "Tenanted"),
    ("Billing API", "Customer Apps", "Default Lifecycle", "TenantedOrUntenanted"),
    ("Legacy Reporting", "Internal", "Default Lifecycle", "Untenanted"),
    ("Internal Tools", "Internal", "Dev and Test Only", "Tenanted"),
    ("Mobile Backend", "Customer Apps", "Default Lifecycle", "Tenanted"),
    ("Notification Service", "Platform", "Default Lifecycle", "TenantedOrUntenanted"),
    ("Identity Server", "Platform", "Default Lifecycle", "Untenanted"),
    ("Payments Gateway", "Customer Apps", "Default Lifecycle", "Tenanted"),
    ("Data Warehouse ETL", "Platform", "Dev and Test Only", "Untenanted"),
    ("Marketing Site", "Default Project Group", "Default Lifecycle", "Untenanted"),
    ("Search Service", "Platform", "Default Lifecycle", "TenantedOrUntenanted"),
    ("Audit Log", "Platform", "Default Lifecycle", "Untenanted"),
    ("Config Service", "Platform", "Default Lifecycle", "Untenanted"),
    ("Ops Dashboard", "Internal", "Dev and Test Only", "Untenanted"),
)
USES_CUSTOMER_SETTINGS = ("Customer Portal", "Billing API")


def seed_core(state: State, seed: str) -> None:
    SPACES.insert(
        state,
        None,
        {
            "Name": "Default",
            "Slug": "default",
            "IsDefault": True,
            "Description": "The default space",
        },
    )
    furnish_space(state, SPACE_ID)
    if is_demo(seed):
        seed_demo(state, random.Random("octoflow-demo-core"))


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def seed_demo(state: State, rng: random.Random) -> None:
    env_ids = [
        ENVIRONMENTS.insert(state, SPACE_ID, {"Name": name, "SortOrder": n})["Id"]
        for n, name in enumerate(ENVIRONMENT_NAMES)
    ]
    default_lifecycle = state.require("Lifecycles", "Lifecycles-1")
    default_lifecycle["Phases"] = [
        dict(phase(name, [], _guid(rng)), OptionalDeploymentTargets=[env_id])
        for name, env_id in zip(ENVIRONMENT_NAMES, env_ids, strict=True)
    ]
    LIFECYCLES.insert(
        state,
        SPACE_ID,
        {
            "Name": "Dev and Test Only",
            "Description": "For internal tooling that never reaches customers.",
            "Phases": [
                dict(phase(name, [], _guid(rng)), OptionalDeploymentTargets=[env_id])
                for name, env_id in zip(ENVIRONMENT_NAMES[:2], env_ids[:2], strict=True)
            ],
        },
    )
    for name in GROUPS:
        PROJECT_GROUPS.insert(state, SPACE_ID, {"Name": name})
    for order, (name, scopes, tags) in enumerate(TAG_SETS_DEMO):
        TAG_SETS.insert(
            state,
            SPACE_ID,
            {
                "Name": name,
                "SortOrder": order,
                "Scopes": scopes,
                "Tags": [
                    {
                        "Id": None,
                        "Name": tag,
                        "Color": color,
                        "Description": "",
                        "SortOrder": n,
                        "CanonicalTagName": f"{name}/{tag}",
                    }
                    for n, (tag, color) in enumerate(tags)
                ],
            },
        )
    settings = LIBRARY_VARIABLE_SETS.insert(
        state,
        SPACE_ID,
        {
            "Name": "Customer Settings",
            "Description": "Per-customer values shared by customer-facing projects.",
            "Templates": customer_settings_templates(rng),
        },
    )
    _seed_projects(state, rng, settings["Id"])
    _seed_unprovided(state, dict(zip(ENVIRONMENT_NAMES, env_ids, strict=True)))


def _seed_unprovided(state: State, env: dict[str, str]) -> None:
    """The areas no provider serves yet; seeded last, so the ids above never shift."""
    accounts.seed_demo(state, SPACE_ID, env)
    certificates.seed_demo(state, SPACE_ID, env)
    triggers.seed_demo(state, SPACE_ID, env)
    subscriptions.seed_demo(state, SPACE_ID, env)
    proxies.seed_demo(state, SPACE_ID)
    buildinfo.seed_demo(state, SPACE_ID)


def _seed_projects(state: State, rng: random.Random, settings_id: str) -> None:
    by_name = {
        d["Name"]: d["Id"]
        for c in ("ProjectGroups", "Lifecycles")
        for d in state.values(c, SPACE_ID)
    }
    for name, group, lifecycle, mode in PROJECTS_DEMO:
        project = PROJECTS.insert(
            state,
            SPACE_ID,
            {
                "Name": name,
                "Description": f"{name} (octoflow demo project).",
                "ProjectGroupId": by_name[group],
                "LifecycleId": by_name[lifecycle],
                "TenantedDeploymentMode": mode,
                "IncludedLibraryVariableSetIds": [settings_id]
                if name in USES_CUSTOMER_SETTINGS
                else [],
                "Templates": project_templates(name, rng),
            },
        )
        create_default_channel(state, project)


def template(
    rng: random.Random,
    name: str,
    label: str,
    default: object = None,
    control: str = "SingleLineText",
    help_text: str = "",
) -> dict[str, object]:
    return {
        "Id": _guid(rng),
        "Name": name,
        "Label": label,
        "HelpText": help_text,
        "DefaultValue": default,
        "DisplaySettings": {"Octopus.ControlType": control},
    }


def customer_settings_templates(rng: random.Random) -> list[dict[str, object]]:
    return [
        template(
            rng,
            "Customer.ContactEmail",
            "Contact email",
            help_text="Who to tell about maintenance windows.",
        ),
        template(rng, "Customer.SupportTier", "Support tier", "Standard"),
        template(rng, "Customer.ApiKey", "Customer API key", control="Sensitive"),
    ]


def project_templates(project: str, rng: random.Random) -> list[dict[str, object]]:
    if project == "Customer Portal":
        return [
            template(
                rng,
                "Portal.Hostname",
                "Portal hostname",
                help_text="The tenant's host name, e.g. acme.portal.example.com.",
            ),
            template(rng, "Portal.Theme", "Theme", "light"),
        ]
    if project == "Billing API":
        return [template(rng, "Billing.Currency", "Invoice currency", "EUR")]
    return []
