"""Intent functions of the variables provider: small, idempotent edits of a variable set.

A variable is identified by its name (in any case) and its exact scope: a
``set`` with the same name and scope changes that variable in place, never
adds a second one. Scopes are compared as sets of ids per scope field.

``variable.set_secret`` is an apply-time intent: it reads the value of a
sensitive variable from an environment variable right before apply writes the
set, so the value is in no plan, journal or report; the planner only ever sees
the name of the environment variable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from octoflow.provider import secret_from_env

Doc = dict[str, Any]
Args = Mapping[str, Any]


def same_scope(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    """Whether two scopes name the same ids (empty lists count as absent)."""

    def norm(scope: Mapping[str, Any] | None) -> dict[str, set[str]]:
        return {k: {str(v).lower() for v in vs} for k, vs in (scope or {}).items() if vs}

    return norm(a) == norm(b)


def find(doc: Doc, name: str, scope: Mapping[str, Any]) -> Doc | None:
    """The variable called ``name`` with exactly ``scope``, if the set has one."""
    for variable in doc.get("Variables") or []:
        if (variable.get("Name") or "").lower() == name.lower() and same_scope(
            variable.get("Scope"), scope
        ):
            return variable  # type: ignore[no-any-return]
    return None


def _added(doc: Doc, args: Args) -> Doc:
    variable: Doc = {
        "Id": args["id"],
        "Name": args["name"],
        "Value": None,
        "Description": None,
        "Scope": {k: list(v) for k, v in args["scope"].items() if v},
        "IsEditable": True,
        "Prompt": None,
        "Type": "String",
        "IsSensitive": False,
    }
    doc.setdefault("Variables", []).append(variable)
    return variable


def set_variable(doc: Doc, args: Args) -> None:
    """Set a plain variable's value (adding it when missing). With ``sensitive``, only
    keep an existing sensitive variable's type and description: a sensitive value is
    written by ``variable.set_secret`` alone, so it is never added without one."""
    variable = find(doc, args["name"], args["scope"])
    if args.get("sensitive"):
        if variable is not None:
            variable.update({"IsSensitive": True, "Type": "Sensitive"})
            _describe(variable, args)
        return
    if variable is None:
        variable = _added(doc, args)
    if variable.get("IsSensitive") or variable.get("Type") == "Sensitive":
        variable.update({"IsSensitive": False, "Type": "String"})
    variable["Value"] = args["value"]
    _describe(variable, args)


def remove_variable(doc: Doc, args: Args) -> None:
    doc["Variables"] = [
        v
        for v in doc.get("Variables") or []
        if not (
            (v.get("Name") or "").lower() == args["name"].lower()
            and same_scope(v.get("Scope"), args["scope"])
        )
    ]


def set_secret(doc: Doc, args: Args, secret_row: Callable[..., None]) -> None:
    """Give a sensitive variable the value of ``$<env>`` (adding the variable when missing)."""
    value = secret_from_env(args["env"], f"the value of the sensitive variable {args['name']!r}")
    variable = find(doc, args["name"], args["scope"]) or _added(doc, args)
    variable.update({"IsSensitive": True, "Type": "Sensitive", "Value": value})
    _describe(variable, args)


def _describe(variable: Doc, args: Args) -> None:
    if args.get("description") is not None:
        variable["Description"] = args["description"]


INTENTS = {
    "variable.set": set_variable,
    "variable.remove": remove_variable,
}
APPLY_TIME_INTENTS = {"variable.set_secret": set_secret}
