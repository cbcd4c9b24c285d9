"""Property values and variable templates (ActionTemplateParameter), REFERENCE §4.3.

On the wire a non-sensitive value is a plain string and a sensitive one is
``{"HasValue": true}``; clients may also write the wrapper form
``{"IsSensitive": …, "Value": …, "SensitiveValue": {…}}``. The sandbox never
stores a secret's text: a sensitive value is kept as ``{"HasValue": true}``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from octoflow.sandbox.casing import plain

VALUE_FIELDS = ("IsSensitive", "Value", "SensitiveValue", "HasValue", "NewValue", "Hint")
TEMPLATE_FIELDS = ("Id", "Name", "Label", "HelpText", "DefaultValue", "DisplaySettings")
DEFAULT_DISPLAY = {"Octopus.ControlType": "SingleLineText"}
SENSITIVE = {"HasValue": True}


class BadValue(Exception):
    """A property value that is neither a string nor a sensitive-value object."""


def property_value(value: Any, old: Any = None) -> Any:
    """A written value in stored form: None, a string, or ``{"HasValue": true}``.

    ``{"HasValue": true}`` without ``NewValue`` keeps ``old`` (how clients
    send back a secret they cannot read).
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if not isinstance(value, Mapping):
        raise BadValue("a value must be a string or a sensitive-value object")
    if "IsSensitive" in value:
        if value.get("IsSensitive"):
            return property_value(value.get("SensitiveValue") or {"HasValue": False}, old)
        return property_value(value.get("Value"), old)
    if "NewValue" in value and value.get("NewValue") is not None:
        return dict(SENSITIVE)
    if "HasValue" in value:
        if not value.get("HasValue"):
            return None
        return old if is_sensitive(old) else dict(SENSITIVE)
    raise BadValue("a value object needs HasValue/NewValue or IsSensitive")


def is_sensitive(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value.get("HasValue"))


def is_missing(value: Any) -> bool:
    return value is None or value == ""


def normalise_templates(
    templates: Any, new_id: Callable[[], str] = lambda: str(uuid.uuid4())
) -> tuple[list[dict[str, Any]], list[str]]:
    """Templates with server defaults filled in, and the problems found."""
    if not isinstance(templates, list):
        return [], ["Templates must be an array."]
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    names: set[str] = set()
    for position, raw in enumerate(templates, 1):
        if not isinstance(raw, Mapping):
            errors.append(f"Template {position} must be an object.")
            continue
        template: dict[str, Any] = {
            "Id": None,
            "Name": None,
            "Label": None,
            "HelpText": None,
            "DefaultValue": None,
            "DisplaySettings": dict(DEFAULT_DISPLAY),
        }
        template.update({k: v for k, v in plain(raw).items() if v is not None})
        template["Id"] = template["Id"] or new_id()
        name = template["Name"]
        if not isinstance(name, str) or not name.strip():
            errors.append(f"Template {position} needs a Name.")
        elif name.lower() in names:
            errors.append(f"The template name '{name}' is used more than once.")
        else:
            names.add(name.lower())
        try:
            template["DefaultValue"] = property_value(template["DefaultValue"])
        except BadValue as exc:
            errors.append(f"Template '{name}' DefaultValue: {exc}.")
        out.append(template)
    return out, errors


def write_only(sent: Any, old: Any = None) -> dict[str, Any]:
    """A ``SensitiveValue`` field (a password, key or token) as stored and served.

    Only whether it is set is kept, never its text, so nothing can echo it:
    ``{"HasValue": true, "NewValue": null}``. A string or ``NewValue`` sets it;
    ``{"HasValue": false}`` clears it; ``{"HasValue": true}`` or nothing keeps ``old``
    (what a client sends back after reading the document).
    """
    kept = is_sensitive(old)
    if isinstance(sent, str):
        kept = bool(sent)
    elif isinstance(sent, Mapping):
        if sent.get("NewValue") is not None:
            kept = bool(sent["NewValue"])
        elif "HasValue" in sent and not sent["HasValue"]:
            kept = False
    elif sent is not None:
        raise BadValue("a sensitive value must be a string or {HasValue, NewValue}")
    return {"HasValue": kept, "NewValue": None}


def write_only_fields(
    doc: dict[str, Any], body: Mapping[str, Any], old: Mapping[str, Any] | None, names: Any
) -> list[str]:
    """Set each of ``names`` in ``doc`` with :func:`write_only`; the problems found."""
    errors = []
    for name in names:
        try:
            doc[name] = write_only(body.get(name), (old or {}).get(name))
        except BadValue as exc:
            doc[name] = write_only(None, (old or {}).get(name))
            errors.append(f"{name}: {exc}.")
    return errors
