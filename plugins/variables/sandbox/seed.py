"""The demo seed's variables: a few per customer-facing project and in the
``Customer Settings`` library variable set, scoped by environment and role, one
of them sensitive. Deterministic: variable ids come from a fixed ``random.Random``.
"""

from __future__ import annotations

import random
import uuid

from octoflow_plugins.variables.sandbox.sets import SETS, keep_secrets

from octoflow.sandbox.area import State

SPACE_ID = "Spaces-1"
#: A value that only ever lives in the sandbox, to show that sensitive values are stored
#: but never served.
DEMO_SECRET = "demo-portal-db-password"
# owner name, variable name, value, scope ({field: environment names or roles}), sensitive
DEMO = (
    ("Customer Portal", "Portal.BaseUrl", "https://test.portal.example.com",
     {"Environment": ["Test"]}, False),
    ("Customer Portal", "Portal.BaseUrl", "https://portal.example.com",
     {"Environment": ["Production"]}, False),
    ("Customer Portal", "Portal.LogLevel", "Information", {}, False),
    ("Customer Portal", "Portal.LogLevel", "Debug", {"Environment": ["Development"]}, False),
    ("Customer Portal", "Portal.CacheSizeMb", "512", {"Role": ["web"]}, False),
    ("Customer Portal", "Portal.DatabasePassword", DEMO_SECRET,
     {"Environment": ["Production"]}, True),
    ("Billing API", "Billing.TimeoutSeconds", "30", {}, False),
    ("Customer Settings", "Support.Email", "support@example.com", {}, False),
)  # fmt: skip
#: owner name, variable name, account name: account-typed variables (their value is its id).
ACCOUNT_VARIABLES = (("Billing API", "Billing.AwsAccount", "AWS Legacy"),)


def seed_demo_variables(state: State) -> None:
    rng = random.Random("octoflow-demo-variables")
    owners = {
        d["Name"]: d
        for collection in ("Projects", "LibraryVariableSets")
        for d in state.values(collection, SPACE_ID)
    }
    envs = {e["Name"]: e["Id"] for e in state.values("Environments", SPACE_ID)}
    secrets: dict[str, dict[str, str]] = {}
    for owner_name, name, value, scope, sensitive in DEMO:
        doc = state.require(SETS, owners[owner_name]["VariableSetId"])
        variable_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        resolved = {
            field: [envs[v] for v in values] if field == "Environment" else list(values)
            for field, values in scope.items()
        }
        doc["Variables"].append(
            {
                "Id": variable_id,
                "Name": name,
                "Value": None if sensitive else value,
                "Description": None,
                "Scope": resolved,
                "IsEditable": True,
                "Prompt": None,
                "Type": "Sensitive" if sensitive else "String",
                "IsSensitive": sensitive,
            }
        )
        if sensitive:
            secrets.setdefault(doc["Id"], {})[variable_id] = value
    for set_id, values in secrets.items():
        keep_secrets(state, set_id, values)
    accounts = {a["Name"]: a for a in state.values("Accounts", SPACE_ID)}
    for owner_name, name, account_name in ACCOUNT_VARIABLES:
        doc = state.require(SETS, owners[owner_name]["VariableSetId"])
        account = accounts[account_name]
        doc["Variables"].append(
            {
                "Id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "Name": name,
                "Value": account["Id"],
                "Description": None,
                "Scope": {},
                "IsEditable": True,
                "Prompt": None,
                "Type": account["AccountType"],
                "IsSensitive": False,
            }
        )
