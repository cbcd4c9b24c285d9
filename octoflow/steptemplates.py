"""Recipes as Octopus step templates, in the community library's JSON format.

``octoflow step-templates export DIR`` writes one template per shipped recipe
(its parameters become template parameters), a generic "Run an octoflow recipe"
template and a "Check a recipe for drift" template. Import them into Octopus
(Library → Step Templates → Import, or ``POST /api/actiontemplates``) and use
them in any deployment process or runbook; the script body runs
:func:`octoflow.step.run` on the worker.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from octoflow.recipe import Param, Recipe

#: Template ids derive from this namespace, so re-exporting gives the same ids.
ID_NAMESPACE = uuid.UUID("6f1d2b4e-8f0c-4c1e-9a51-0c70f10e5a11")
CATEGORY = "octoflow"
GENERIC = "run-octoflow-recipe"
CHECK = "check-octoflow-recipe"

CONTROL_TYPES = {
    "bool": "Checkbox",
    "str": "SingleLineText",
    "list": "SingleLineText",
    "int": "SingleLineText",
    "file": "SingleLineText",
    "repeat": "MultiLineText",  # one value per line
}

_BODY = """# Written by `octoflow step-templates export`; runs on a worker with octoflow installed.
import sys

try:
    from octoflow.step import run
except ImportError:
    print("octoflow is not installed for this Python: pip install octoflow (Python 3.10+)")
    sys.exit(1)

variables = dict(octopusvariables)
{recipe_line}sys.exit(run(variables))
"""


def recipe_template(recipe: Recipe) -> dict[str, Any]:
    """The step template that runs one recipe; its parameters are the recipe's."""
    line = f'variables["Octoflow.Recipe"] = {recipe.name!r}\n'
    params = [_recipe_param(p) for p in recipe.params] + _common_params()
    params = [_with_id(p, recipe.name) for p in params]
    description = " ".join(f"{recipe.summary} {recipe.description}".split())
    return _template(f"octoflow - {recipe.name}", recipe.name, description, line, params)


def generic_template() -> dict[str, Any]:
    """The step template that runs any recipe, named in a parameter."""
    params = [_with_id(p, GENERIC) for p in _recipe_choice() + _common_params()]
    return _template(
        "octoflow - Run an octoflow recipe",
        GENERIC,
        "Plans, and optionally applies, an octoflow recipe against an Octopus instance.",
        "",
        params,
    )


def check_template() -> dict[str, Any]:
    """The step template that checks an Octopus instance against a recipe, as a policy."""
    params = [_with_id(p, CHECK) for p in _recipe_choice() + _connection_params()]
    return _template(
        "octoflow - Check a recipe for drift",
        CHECK,
        "Fails when the Octopus instance differs from what an octoflow recipe asks for, "
        "with a JUnit report of the drift as an artifact. Never changes anything.",
        'variables["Octoflow.Check"] = "True"\n',
        params,
    )


def _recipe_choice() -> list[dict[str, Any]]:
    return [
        _parameter(
            "Octoflow.Recipe",
            "Recipe",
            "A shipped recipe name (see `octoflow recipes`) "
            "or the path of a recipe file, e.g. in a package this step references.",
            "",
        ),
        _parameter(
            "Octoflow.Parameters",
            "Parameters",
            "Recipe parameters, one name=value per line.",
            "",
            "MultiLineText",
        ),
    ]


def export(directory: Path, recipes: Iterable[Recipe]) -> list[Path]:
    """Write every template as ``<name>.json`` in ``directory``; returns the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    templates = [recipe_template(r) for r in recipes] + [generic_template(), check_template()]
    written = []
    for template in templates:
        path = directory / f"octoflow-{_slug(template)}.json"
        path.write_text(json.dumps(template, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _template(
    name: str, key: str, description: str, recipe_line: str, parameters: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "Id": str(uuid.uuid5(ID_NAMESPACE, key)),
        "Name": name,
        "Description": description,
        "ActionType": "Octopus.Script",
        "Version": 1,
        "CommunityActionTemplateId": None,
        "Packages": [],
        "Properties": {
            "Octopus.Action.Script.ScriptSource": "Inline",
            "Octopus.Action.Script.Syntax": "Python",
            "Octopus.Action.Script.ScriptBody": _BODY.format(recipe_line=recipe_line),
            "Octopus.Action.RunOnServer": "false",
        },
        "Parameters": parameters,
        "StepPackageId": "Octopus.Script",
        "$Meta": {
            "ExportedAt": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
            "OctopusVersion": "2026.3",
            "Type": "ActionTemplate",
        },
        "LastModifiedBy": "octoflow",
        "Category": CATEGORY,
    }


def _recipe_param(param: Param) -> dict[str, Any]:
    control = "Sensitive" if param.sensitive else CONTROL_TYPES[param.kind]
    help_text = param.help.rstrip(".") + "."
    if param.kind == "list" and "comma" not in help_text.lower():
        help_text += " Comma-separated."
    if param.required:
        help_text += " Required."
    return _parameter(
        f"Octoflow.Param.{param.name}", param.title, help_text, _default(param), control
    )


def _default(param: Param) -> str:
    if param.required or param.default in (None, [], ()):
        return ""
    if param.kind == "bool":
        return "True" if param.default else "False"
    if isinstance(param.default, (list, tuple)):
        return ",".join(str(v) for v in param.default)
    return str(param.default)


def _common_params() -> list[dict[str, Any]]:
    return [
        *_connection_params(),
        _parameter(
            "Octoflow.Apply",
            "Apply the changes",
            "Unticked, the step only shows the plan.",
            "False",
            "Checkbox",
        ),
        _parameter(
            "Octoflow.AllowWide",
            "Allow a wide change",
            "Ticked, the step may apply a plan marked WIDE (most or all of a collection).",
            "False",
            "Checkbox",
        ),
        _parameter("Octoflow.Concurrency", "Concurrency", "Operations applied at once.", "8"),
        _parameter(
            "Octoflow.ExpectDigest",
            "Expected plan digest",
            "Apply only if the plan's digest is this one, e.g. "
            "#{Octopus.Action[Plan].Output.Octoflow.PlanDigest} of a reviewed plan-only step; "
            "empty: apply whatever is planned.",
            "",
        ),
    ]


def _connection_params() -> list[dict[str, Any]]:
    return [
        _parameter(
            "Octoflow.Octopus.Url",
            "Octopus URL",
            "The Octopus instance to manage; "
            "usually a variable of the target standing for that instance.",
            "#{Octopus.Web.ServerUri}",
        ),
        _parameter(
            "Octoflow.Octopus.ApiKey",
            "Octopus API key",
            "An API key for that instance, of a user allowed to make these changes.",
            "",
            "Sensitive",
        ),
        _parameter(
            "Octoflow.Octopus.Space",
            "Space",
            "Space name or id in that instance.",
            "#{Octopus.Space.Id}",
        ),
    ]


def _parameter(
    name: str, label: str, help_text: str, default: str, control: str = "SingleLineText"
) -> dict[str, Any]:
    return {
        "Name": name,
        "Label": label,
        "HelpText": help_text,
        "DefaultValue": default,
        "DisplaySettings": {"Octopus.ControlType": control},
    }


def _with_id(parameter: dict[str, Any], template_key: str) -> dict[str, Any]:
    """Parameter ids are unique per template and stable across exports."""
    ident = str(uuid.uuid5(ID_NAMESPACE, f"{template_key}/{parameter['Name']}"))
    return {"Id": ident, **parameter}


def _slug(template: dict[str, Any]) -> str:
    return str(template["Name"]).removeprefix("octoflow - ").lower().replace(" ", "-")
