"""Checking and normalising the variables of a ``PUT /variables/{id}`` body.

What a real server does with each variable (go-octopusdeploy #449/#450 measured
it for sensitive values): a variable without an ``Id`` gets one; a sensitive
variable sent with its ``Id`` and an empty or null ``Value`` keeps the value
stored for it, while one sent without its ``Id`` takes the value sent (none);
``Type`` ``Sensitive`` and ``IsSensitive`` imply each other; a prompted variable
may only be scoped to environments; scopes must name things that exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from octoflow_plugins.variables.sandbox.scope import SCOPE_FIELDS, unknown_scope_errors

from octoflow.sandbox.area import plain

Doc = dict[str, Any]
#: VariableResource.Type in swagger 2020.5, plus newer servers' Google Cloud accounts.
TYPES = (
    "String",
    "Sensitive",
    "Certificate",
    "AmazonWebServicesAccount",
    "AzureAccount",
    "GoogleCloudAccount",
    "WorkerPool",
)
UNIQUE_IDS = "Variable ids must be unique."
PROMPTED = "Prompted variables cannot be scoped to anything except an environment."


class VariableChecker:
    """Turns the variables of a body into stored form, collecting every problem.

    :param old: the stored variables by id (to keep sensitive values sent back empty).
    :param secrets: stored sensitive values by variable id.
    :param known: per checked scope field, the lower-cased ids that exist.
    """

    def __init__(
        self,
        space: str,
        old: Mapping[str, Doc],
        secrets: Mapping[str, str],
        known: dict[str, set[str]],
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.space = space
        self.old = old
        self.old_secrets = secrets
        self.known = known
        self.new_id = new_id
        self.errors: list[str] = []
        self.secrets: dict[str, str] = {}

    def variables(self, raw: Any) -> list[Doc]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.errors.append("Variables must be an array.")
            return []
        out = [v for v in (self._variable(n, item) for n, item in enumerate(raw, 1)) if v]
        ids = [v["Id"].lower() for v in out]
        if len(ids) != len(set(ids)):
            self.errors.append(UNIQUE_IDS)
        return out

    def _variable(self, position: int, raw: Any) -> Doc | None:
        if not isinstance(raw, Mapping):
            self.errors.append(f"Variable {position} must be an object.")
            return None
        name = raw.get("Name")
        if not isinstance(name, str) or not name.strip():
            self.errors.append(f"Variable {position} has no Name; every variable needs one.")
            return None
        doc: Doc = {k: plain(v) for k, v in raw.items()}
        doc["Id"] = raw.get("Id") if isinstance(raw.get("Id"), str) and raw["Id"] else self.new_id()
        doc["Name"] = name
        doc["Description"] = raw.get("Description")
        doc["IsEditable"] = raw.get("IsEditable", True) is not False
        doc["Prompt"] = plain(raw.get("Prompt"))
        doc["Type"], doc["IsSensitive"] = self._type(name, raw)
        doc["Scope"] = self._scope(doc, raw.get("Scope"))
        doc["Value"] = self._value(doc, raw.get("Value"))
        return doc

    def _type(self, name: str, raw: Mapping[str, Any]) -> tuple[str, bool]:
        given = raw.get("Type") or "String"
        kind = next(
            (t for t in TYPES if isinstance(given, str) and t.lower() == given.lower()), None
        )
        if kind is None:
            self.errors.append(
                f"The variable '{name}' has Type '{given}'; use one of {', '.join(TYPES)}."
            )
            kind = "String"
        sensitive = raw.get("IsSensitive") is True or kind == "Sensitive"
        if sensitive and kind == "String":
            kind = "Sensitive"
        return kind, sensitive

    def _scope(self, doc: Doc, raw: Any) -> dict[str, list[str]]:
        name = doc["Name"]
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.errors.append(f"The Scope of variable '{name}' must be an object.")
            return {}
        scope: dict[str, list[str]] = {}
        for key, values in raw.items():
            field = next((f for f in SCOPE_FIELDS if f.lower() == str(key).lower()), None)
            if field is None:
                self.errors.append(f"The variable '{name}' has an unknown scope '{key}'.")
            elif not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                self.errors.append(f"The {field} scope of variable '{name}' must be a list of ids.")
            elif values:
                scope[field] = list(dict.fromkeys(values))
        if doc["Prompt"] is not None and set(scope) - {"Environment"}:
            self.errors.append(PROMPTED)
        # Ids the variable was saved with stay accepted (a target deleted since then),
        # so a client can always send back what it read.
        saved = self.old.get(doc["Id"], {}).get("Scope") or {}
        added = {f: [v for v in ids if v not in saved.get(f, [])] for f, ids in scope.items()}
        self.errors += unknown_scope_errors(name, added, self.known, self.space)
        return scope

    def _value(self, doc: Doc, value: Any) -> str | None:
        """The value to serve: a sensitive one is stored apart and served as null."""
        if isinstance(value, Mapping):  # the PropertyValue form {"HasValue", "NewValue"}
            value = value.get("NewValue")
        elif isinstance(value, bool):
            value = "True" if value else "False"
        elif value is not None and not isinstance(value, str):
            value = str(value)
        if not doc["IsSensitive"]:
            return value  # type: ignore[no-any-return]
        sent_back = doc["Id"] in self.old and self.old[doc["Id"]].get("IsSensitive")
        if not value and sent_back:
            value = self.old_secrets.get(doc["Id"], "")
        self.secrets[doc["Id"]] = value or ""
        return None
