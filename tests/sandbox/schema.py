"""Validating sandbox responses against the reference's JSON-schema definitions.

The definitions (``schema-definitions.json``, from go-octopusdeploy's
``api/spec.json``) describe each field's type but never mark a field nullable,
while a real server returns ``null`` for unset strings and objects
(``Description``, ``ClonedFromTenantId``, retention policies …). So every
property, and every value of a map, also accepts ``null`` (the reference's own
interruption samples have ``null`` form values). ``PropertyValueResource`` is
described as the wrapper object, but servers and clients put a plain string
(non-sensitive) or ``{"HasValue": true}`` (sensitive) on the wire (REFERENCE
§4.3), so a string is accepted too. ``VariableType`` is described as an object
``{Value}``, but a variable's ``Type`` is a plain string on the wire, one of the
enum swagger 2020.5 gives for it, so that string is accepted too. The
``AccountType`` enum lacks ``GoogleCloudAccount`` (Octopus 2021.2; go-octopusdeploy's
``AccountTypeGoogleCloudPlatformAccount``), so that value is accepted too. Nothing else
is relaxed: types, enums, ``uniqueItems``, ``date-time`` and ``uuid`` formats
are checked.
"""

from __future__ import annotations

import copy
import json
import uuid
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

#: The repository's copy of the Octopus API reference data (``SOURCES.md`` there).
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "octopus-api"
#: ``VariableResource.Type`` in swagger-2020.5.json.
VARIABLE_TYPES = (
    "AmazonWebServicesAccount",
    "AzureAccount",
    "Certificate",
    "Sensitive",
    "String",
    "WorkerPool",
)

#: An account type newer than the reference's ``AccountType`` enum.
GOOGLE_CLOUD_ACCOUNT = "GoogleCloudAccount"


def load_sample(name: str) -> Any:
    return json.loads((REFERENCE / "samples" / name).read_text(encoding="utf-8"))


@cache
def definitions() -> dict[str, Any]:
    raw = json.loads((REFERENCE / "schema-definitions.json").read_text(encoding="utf-8"))
    defs = copy.deepcopy(raw["definitions"])
    for schema in defs.values():
        _allow_null(schema)
    defs["PropertyValueResource"] = {"anyOf": [{"type": "string"}, defs["PropertyValueResource"]]}
    defs["VariableType"] = {"anyOf": [{"enum": list(VARIABLE_TYPES)}, defs["VariableType"]]}
    account_type = defs["AccountResource"]["properties"]["AccountType"]
    account_type["anyOf"].insert(0, {"enum": [GOOGLE_CLOUD_ACCOUNT]})
    return defs


def _allow_null(schema: Any) -> None:
    if not isinstance(schema, dict):
        return
    for name, prop in list(schema.get("properties", {}).items()):
        _allow_null(prop)
        schema["properties"][name] = {"anyOf": [prop, {"type": "null"}]}
    for key in ("items", "additionalProperties"):
        _allow_null(schema.get(key))
    values = schema.get("additionalProperties")
    if isinstance(values, dict) and values:
        schema["additionalProperties"] = {"anyOf": [values, {"type": "null"}]}


_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@_FORMATS.checks("uuid", raises=ValueError)
def _uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(uuid.UUID(value))


def validate(definition: str, instance: Any) -> None:
    """Fail unless ``instance`` matches ``definition`` (``X[]`` for an array of X)."""
    defs = definitions()
    name, is_array = (definition[:-2], True) if definition.endswith("[]") else (definition, False)
    assert name in defs, f"no definition {name!r} in schema-definitions.json"
    ref: dict[str, Any] = {"$ref": f"#/definitions/{name}"}
    schema = {"type": "array", "items": ref} if is_array else ref
    validator = jsonschema.Draft7Validator({**schema, "definitions": defs}, format_checker=_FORMATS)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{definition} at {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}"
        for e in errors[:10]
    )
