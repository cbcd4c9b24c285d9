"""Endpoints and health of machines (deployment targets and workers), REFERENCE §5.1.

An endpoint is an object whose ``CommunicationStyle`` says what it is; each
style has its own fields. The server fills in the fields a client leaves out,
copies ``Uri`` and ``Thumbprint`` to the machine, and owns the health fields
(``HealthStatus``, ``Status``, ``StatusSummary`` …): a client cannot set them.
"""

from __future__ import annotations

from typing import Any

from octoflow.sandbox.area import Doc, State, clone

STYLES = (
    "None",
    "TentaclePassive",
    "TentacleActive",
    "Ssh",
    "OfflineDrop",
    "AzureWebApp",
    "Ftp",
    "AzureCloudService",
    "AzureServiceFabricCluster",
    "Kubernetes",
    "StepPackage",
    "KubernetesTentacle",
    "AwsEcsCluster",
)
HEALTH_STATUSES = ("Healthy", "Unavailable", "Unknown", "HasWarnings", "Unhealthy")
#: Fields of each style, with the values the server fills in when a client leaves them out.
STYLE_FIELDS: dict[str, dict[str, Any]] = {
    "TentaclePassive": {
        "Uri": None,
        "Thumbprint": None,
        "ProxyId": None,
        "CertificateSignatureAlgorithm": None,
        "TentacleVersionDetails": None,
    },
    "TentacleActive": {
        "Uri": None,
        "Thumbprint": None,
        "CertificateSignatureAlgorithm": None,
        "TentacleVersionDetails": None,
    },
    "Ssh": {
        "AccountId": None,
        "Host": None,
        "Port": 22,
        "Fingerprint": None,
        "Uri": None,
        "ProxyId": None,
        "DotNetCorePlatform": None,
    },
    "Kubernetes": {
        "ClusterUrl": None,
        "Namespace": None,
        "SkipTlsVerification": "False",
        "ClusterCertificate": None,
        "DefaultWorkerPoolId": None,
        "ProxyId": None,
        "RunningInContainer": False,
        "Container": {"Image": None, "FeedId": None},
        "Authentication": None,
    },
    "None": {"DefaultWorkerPoolId": None},
}
#: Fields the named styles cannot do without.
REQUIRED = {
    "TentaclePassive": ("Uri", "Thumbprint"),
    "TentacleActive": ("Uri", "Thumbprint"),
    "Ssh": ("Host", "Fingerprint"),
    "Kubernetes": ("ClusterUrl",),
}
#: Spellings accepted in request bodies, nested under ``Endpoint``.
FIELD_NAMES = (
    "CommunicationStyle",
    "AuthenticationType",
    "TokenPath",
    "FeedId",
    "Image",
    "UpgradeLocked",
    "UpgradeRequired",
    "UpgradeSuggested",
    "Version",
    *(name for fields in STYLE_FIELDS.values() for name in fields),
)
SERVER_OWNED = (
    "HealthStatus",
    "Status",
    "StatusSummary",
    "HasLatestCalamari",
    "IsInProcess",
    "OperatingSystem",
    "ShellName",
    "ShellVersion",
)
NEW_MACHINE_SUMMARY = "This machine was recently added. Please perform a health check."


def server_defaults() -> Doc:
    """The health fields of a machine nobody has health-checked yet."""
    return {
        "Status": "Unknown",
        "HealthStatus": "Unknown",
        "HasLatestCalamari": False,
        "StatusSummary": NEW_MACHINE_SUMMARY,
        "IsInProcess": False,
        "OperatingSystem": "Unknown",
        "ShellName": "Unknown",
        "ShellVersion": "Unknown",
    }


def status(health: str, disabled: bool) -> tuple[str, str]:
    """The older ``Status`` and ``StatusSummary`` a server derives from health."""
    if disabled:
        return "Disabled", "This machine has been disabled."
    if health in ("Healthy", "HasWarnings"):
        return "Online", "This machine is online and responding to health checks."
    if health in ("Unavailable", "Unhealthy"):
        return "Offline", "There was a problem communicating with this machine."
    return "Unknown", NEW_MACHINE_SUMMARY


def keep_health(doc: Doc, old: Doc | None) -> None:
    """Health is the server's: new machines start unchecked, updates keep the old values."""
    doc.update(server_defaults() if old is None else {k: old.get(k) for k in SERVER_OWNED})
    if old is None or bool(old.get("IsDisabled")) != bool(doc.get("IsDisabled")):
        doc["Status"], doc["StatusSummary"] = status(
            doc["HealthStatus"], bool(doc.get("IsDisabled"))
        )


def prepare_endpoint(state: State, space_id: str, doc: Doc) -> list[str]:
    """Normalise ``doc["Endpoint"]`` in place; returns the problems found."""
    endpoint = doc.get("Endpoint")
    if not isinstance(endpoint, dict):
        return ["The Endpoint field is required: an object with a CommunicationStyle."]
    style = canonical(endpoint.get("CommunicationStyle"), STYLES)
    if style not in STYLES:
        return [
            f"'{endpoint.get('CommunicationStyle')}' is not a valid CommunicationStyle; "
            f"use one of {', '.join(STYLES)}."
        ]
    filled: Doc = {"CommunicationStyle": style, **clone(STYLE_FIELDS.get(style, {}))}
    filled.update({k: v for k, v in endpoint.items() if k != "CommunicationStyle"})
    for key, value in filled.items():
        if isinstance(value, dict) and "NewValue" in value:  # a secret is never stored
            filled[key] = {
                "HasValue": value["NewValue"] is not None or bool(value.get("HasValue")),
                "NewValue": None,
            }
    for key in ("Id", "LastModifiedOn", "LastModifiedBy"):
        filled.setdefault(key, None)
    filled["Links"] = filled.get("Links") or {}
    if style == "Ssh" and filled.get("Host"):
        filled["Uri"] = f"ssh://{filled['Host']}:{filled.get('Port') or 22}/"
    doc["Endpoint"] = filled
    doc["Uri"] = filled.get("Uri")
    doc["Thumbprint"] = filled.get("Thumbprint")
    return _endpoint_errors(state, space_id, filled)


def _endpoint_errors(state: State, space_id: str, endpoint: Doc) -> list[str]:
    style = endpoint["CommunicationStyle"]
    errors = [
        f"Endpoint.{name} is required for a {style} endpoint."
        for name in REQUIRED.get(style, ())
        if not endpoint.get(name)
    ]
    port = endpoint.get("Port")
    if style == "Ssh" and (not isinstance(port, int) or isinstance(port, bool) or port < 1):
        errors.append(f"Endpoint.Port must be a port number, not {port!r}.")
    uri = endpoint.get("Uri")
    if style == "TentacleActive" and uri and not str(uri).lower().startswith("poll://"):
        errors.append("Endpoint.Uri of a polling Tentacle starts with poll://.")
    pool_id = endpoint.get("DefaultWorkerPoolId")
    if pool_id:
        pool = state.get("WorkerPools", pool_id)
        if pool is None or pool.get("SpaceId") != space_id:
            errors.append(f"The worker pool '{pool_id}' does not exist in {space_id}.")
        else:
            endpoint["DefaultWorkerPoolId"] = pool["Id"]
    return errors


def canonical(value: Any, allowed: tuple[str, ...]) -> Any:
    """``value`` spelled as in ``allowed`` when it matches one in any case."""
    if not isinstance(value, str):
        return value
    return next((a for a in allowed if a.lower() == value.lower()), value)


# -- filters shared by machines and workers -------------------------------------------


def machine_filters(req: Any, items: list[Doc]) -> list[Doc]:
    """``healthStatuses``, ``commStyles``, ``isDisabled``, ``thumbprint``, ``shellNames``."""
    health = {h.lower() for h in req.query.getlist("healthStatuses")}
    if health:
        items = [m for m in items if (m.get("HealthStatus") or "").lower() in health]
    styles = {s.lower() for s in req.query.getlist("commStyles")}
    styles |= {s.lower() for s in req.query.getlist("deploymentTargetTypes")}
    if styles:
        items = [m for m in items if style_of(m).lower() in styles]
    disabled = req.query.bool("isDisabled")
    if disabled is not None:
        items = [m for m in items if bool(m.get("IsDisabled")) == disabled]
    thumbprint = req.query.get("thumbprint")
    if thumbprint:
        items = [m for m in items if (m.get("Thumbprint") or "").lower() == thumbprint.lower()]
    shells = {s.lower() for s in req.query.getlist("shellNames")}
    if shells:
        items = [m for m in items if (m.get("ShellName") or "").lower() in shells]
    return items


def style_of(machine: Doc) -> str:
    return str((machine.get("Endpoint") or {}).get("CommunicationStyle") or "")


def connection(req: Any, machine: Doc) -> Doc:
    """``GET …/{id}/connection``: the last health check's connection status."""
    return {
        "Id": None,
        "MachineId": machine["Id"],
        "LastChecked": machine.get("LastModifiedOn"),
        "Status": machine.get("HealthStatus"),
        "CurrentTentacleVersion": (
            (machine.get("Endpoint") or {}).get("TentacleVersionDetails") or {}
        ).get("Version"),
        "Logs": [],
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }
