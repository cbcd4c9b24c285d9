"""The demo seed's variables: a few per customer-facing project and in the
``Customer Settings`` library variable set, scoped by environment and role, one
of them sensitive; and the variables of two version-controlled projects
(``VARIABLES_IN_GIT``), their text ones then moved to Git (into every commit).
Deterministic: variable ids come from fixed ``random.Random`` generators.
"""

from __future__ import annotations

import random
import uuid

from octoflow_plugins.variables.sandbox.git_variables import move_to_git
from octoflow_plugins.variables.sandbox.sets import SETS, keep_secrets, secrets_of

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
#: Version-controlled projects whose variables the seed moves to Git, and theirs (as
#: ``DEMO``): the text ones end up in Git, the sensitive one stays in the database.
VARIABLES_IN_GIT = ("Atlas Web", "Ledger API")
GIT_DEMO = (
    ("Atlas Web", "Atlas.BaseUrl", "https://test.atlas.example.com", {"Environment": ["Test"]},
     False),
    ("Atlas Web", "Atlas.BaseUrl", "https://atlas.example.com", {"Environment": ["Production"]},
     False),
    ("Atlas Web", "Atlas.LogLevel", "Information", {}, False),
    ("Atlas Web", "Atlas.SigningKey", "demo-atlas-signing-key", {}, True),
    ("Ledger API", "Ledger.TimeoutSeconds", "45", {}, False),
)  # fmt: skip
#: owner name, variable name, account name: account-typed variables (their value is its id).
ACCOUNT_VARIABLES = (("Billing API", "Billing.AwsAccount", "AWS Legacy"),)


def seed_demo_variables(state: State) -> None:
    rng = random.Random("octoflow-demo-variables")
    _add_rows(state, DEMO, rng)
    owners = {
        d["Name"]: d
        for collection in ("Projects", "LibraryVariableSets")
        for d in state.values(collection, SPACE_ID)
    }
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


def _add_rows(state: State, rows: tuple, rng: random.Random) -> None:
    """Append ``rows`` (owner, name, value, scope, sensitive) to their owners' sets."""
    owners = {
        d["Name"]: d
        for collection in ("Projects", "LibraryVariableSets")
        for d in state.values(collection, SPACE_ID)
    }
    envs = {e["Name"]: e["Id"] for e in state.values("Environments", SPACE_ID)}
    secrets: dict[str, dict[str, str]] = {}
    for owner_name, name, value, scope, sensitive in rows:
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
        keep_secrets(state, set_id, secrets_of(state, set_id) | values)


def seed_git_variables(state: State) -> None:
    """Variables of two version-controlled projects, then moved to Git: the text ones
    into every commit of their repositories, the sensitive one left in the database."""
    _add_rows(state, GIT_DEMO, random.Random("octoflow-demo-git-variables"))
    for project in state.values("Projects", SPACE_ID):
        if project["Name"] in VARIABLES_IN_GIT:
            move_to_git(state, project)
