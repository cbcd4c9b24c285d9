"""Intents of the credentials provider.

``credential.set_secret`` runs at apply time only: it reads the secret from the
environment variable the plan names, right before the write, so the value never
reaches a plan, a journal or the output (it is registered for masking too).
``account.replace`` swaps one account id for another in a process's steps or in a
variable set's account-typed variables, on whatever copy apply re-reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from octoflow.provider import secret_from_env

Doc = dict[str, Any]
Args = Mapping[str, Any]

SET_FIELDS = "credential.set_fields"
SET_SECRET = "credential.set_secret"
REPLACE_IN_PROCESS = "account.replace_in_process"
REPLACE_IN_VARIABLES = "account.replace_in_variables"


def set_fields(doc: Doc, args: Args) -> None:
    doc.update(args["fields"])


def set_secret(doc: Doc, args: Args, secret_row: Callable[..., None]) -> None:
    value = secret_from_env(args["env"], f"the new {args['field']} of {args['what']}")
    doc[args["field"]] = {"HasValue": True, "NewValue": value}


def replace_in_process(doc: Doc, args: Args) -> None:
    for step in doc.get("Steps") or []:
        _replace_values(step.get("Properties"), args["from"], args["to"])
        for action in step.get("Actions") or []:
            _replace_values(action.get("Properties"), args["from"], args["to"])


def replace_in_variables(doc: Doc, args: Args) -> None:
    for variable in doc.get("Variables") or []:
        if _is_account_variable(variable, args["from"]):
            variable["Value"] = args["to"]


def _replace_values(properties: Doc | None, old: str, new: str) -> None:
    # UNCONFIRMED: which property keys hold an account id differs per step type
    # (Octopus.Action.AwsAccount.Variable, Octopus.Action.Azure.AccountId, …); an account id
    # (Accounts-12) is only ever a reference, so every property whose whole value is it is one.
    for key, value in (properties or {}).items():
        if value == old:
            properties[key] = new  # type: ignore[index]


def process_uses(doc: Doc, account_id: str) -> list[str]:
    """The names of the steps of a process that refer to ``account_id``."""
    names = []
    for step in doc.get("Steps") or []:
        bags = [step.get("Properties") or {}]
        bags += [a.get("Properties") or {} for a in step.get("Actions") or []]
        if any(account_id in bag.values() for bag in bags):
            names.append(str(step.get("Name")))
    return names


def variables_using(doc: Doc, account_id: str) -> list[str]:
    """The names of the variables of a set whose value is ``account_id``."""
    return [
        str(v.get("Name"))
        for v in doc.get("Variables") or []
        if _is_account_variable(v, account_id)
    ]


def _is_account_variable(variable: Doc, account_id: str) -> bool:
    """An account-typed variable (``AmazonWebServicesAccount``, ``AzureAccount`` …)
    whose value is ``account_id``."""
    return variable.get("Value") == account_id and str(variable.get("Type")).endswith("Account")


INTENTS = {
    SET_FIELDS: set_fields,
    REPLACE_IN_PROCESS: replace_in_process,
    REPLACE_IN_VARIABLES: replace_in_variables,
}
APPLY_TIME_INTENTS = {SET_SECRET: set_secret}
