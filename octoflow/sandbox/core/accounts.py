"""Accounts (``/accounts``, AccountResource): the credentials steps and targets use.

Every account has the common fields of ``AccountResource``; its ``AccountType``
adds its own (go-octopusdeploy's account types and the Octopus docs' REST
scripts). Secrets (``Password``, ``SecretKey``, ``PrivateKeyFile``, ``Token``,
``JsonKey`` …) are write-only ``SensitiveValue`` fields: the sandbox keeps only
whether one is set and answers ``{"HasValue": true, "NewValue": null}``.
An account's type cannot change once it is created (``AccountType`` is
read-only in the reference).
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.core.usages import step_usages, using
from octoflow.sandbox.core.values import write_only, write_only_fields
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

QUERY = "{?skip,take,ids,partialName,accountType}"
TENANCY = ("Untenanted", "TenantedOrUntenanted", "Tenanted")
_AZURE = {
    "SubscriptionNumber": None,
    "ClientId": None,
    "TenantId": None,
    "AzureEnvironment": "",
    "ActiveDirectoryEndpointBaseUri": "",
    "ResourceManagementEndpointBaseUri": "",
}
#: AccountType → (its plain fields with defaults, its secrets, the fields a create needs).
#: ``AzureOIDC`` is spelled as in the reference's enum; ``GoogleCloudAccount`` (Octopus
#: 2021.2) is missing from that enum but is go-octopusdeploy's and the docs' type name.
#: UNCONFIRMED: which fields the server requires, and the wording of its messages.
TYPES: dict[str, tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]] = {
    "UsernamePassword": ({"Username": None}, ("Password",), ("Username",)),
    "AzureServicePrincipal": (
        _AZURE,
        ("Password",),
        ("SubscriptionNumber", "ClientId", "TenantId", "Password"),
    ),
    "AzureOIDC": (
        dict(
            _AZURE,
            Audience="api://AzureADTokenExchange",
            DeploymentSubjectKeys=[],
            HealthSubjectKeys=[],
            AccountTestSubjectKeys=[],
        ),
        (),
        ("SubscriptionNumber", "ClientId", "TenantId"),
    ),
    "AzureSubscription": (
        {
            "SubscriptionNumber": None,
            "CertificateThumbprint": None,
            "AzureEnvironment": "",
            "ServiceManagementEndpointBaseUri": "",
            "ServiceManagementEndpointSuffix": "",
        },
        ("CertificateBytes",),
        ("SubscriptionNumber", "CertificateBytes"),
    ),
    "AmazonWebServicesAccount": ({"AccessKey": None}, ("SecretKey",), ("AccessKey", "SecretKey")),
    "SshKeyPair": (
        {"Username": None},
        ("PrivateKeyFile", "PrivateKeyPassphrase"),
        ("Username", "PrivateKeyFile"),
    ),
    "Token": ({}, ("Token",), ("Token",)),
    "GoogleCloudAccount": ({}, ("JsonKey",), ("JsonKey",)),
}
SECRETS = tuple(sorted({name for _, secrets, _ in TYPES.values() for name in secrets}))


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "AccountType": None,
        "Description": "",
        "EnvironmentIds": [],
        "TenantedDeploymentParticipation": "Untenanted",
        "TenantIds": [],
        "TenantTags": [],
        "SpaceId": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/accounts/{doc['Id']}"
    return {"Self": base, "Usages": base + "/usages"}


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    sent = doc.get("AccountType") or (old or {}).get("AccountType")
    known = next((t for t in TYPES if isinstance(sent, str) and t.lower() == sent.lower()), None)
    if old is not None and known != old["AccountType"]:
        return ["The account type of an existing account cannot be changed."]
    if known is None:
        return [f"AccountType must be one of {', '.join(TYPES)}."]
    doc["AccountType"] = known
    fields, secrets, required = TYPES[known]
    for name, default in fields.items():
        doc.setdefault(name, copy.deepcopy(default))
    # Every secret sent is made write-only, another type's too, so none is ever echoed.
    sent_secrets = tuple(n for n in SECRETS if n in body and n not in secrets)
    errors = write_only_fields(doc, body, old, secrets + sent_secrets)
    if doc.get("TenantedDeploymentParticipation") not in TENANCY:
        errors.append(f"TenantedDeploymentParticipation must be one of {', '.join(TENANCY)}.")
    for name in required:
        value = doc.get(name)
        if value in (None, "") or (name in secrets and not value["HasValue"]):
            errors.append(f"The {name} field is required.")
    return errors


def type_filter(req: Request, items: list[Doc]) -> list[Doc]:
    wanted = {t.lower() for t in req.query.getlist("accountType")}
    return [a for a in items if a["AccountType"].lower() in wanted] if wanted else items


ACCOUNTS = Resource(
    collection="Accounts",
    segment="accounts",
    item_type="Account",
    noun="account",
    query_template=QUERY,
    defaults=defaults,
    links=links,
    prepare=prepare,
    filters=type_filter,
    nested_fields=tuple(n for f, _, _ in TYPES.values() for n in f) + SECRETS,
)


def usages(req: Request) -> Doc:
    """``AccountUsageResource``: the targets and deployment steps that use the account.
    UNCONFIRMED: the server also lists variable sets, releases and runbooks; the
    sandbox leaves those lists empty."""
    account = ACCOUNTS.find(req, req.path_params["id"])
    space, account_id = req.space_id, account["Id"]
    targets = [
        {"TargetId": m["Id"], "TargetName": m["Name"]}
        for m in using(req.state, "Machines", space, account_id)
    ]
    return {
        "Targets": targets,
        "DeploymentProcesses": step_usages(req.state, space, account_id),
        "LibraryVariableSets": [],
        "ProjectVariableSets": [],
        "Releases": [],
        "RunbookProcesses": [],
        "RunbookSnapshots": [],
        "Links": {},
    }


def register_routes(router: Router) -> None:
    register(router, ACCOUNTS)
    router.space("GET", "/accounts/{id}/usages", usages)
    router.link("Accounts", "/accounts{/id}" + QUERY)


# -- the demo seed ------------------------------------------------------------------


def _guid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://sandbox.octoflow.invalid/{name}"))


def seed_demo(state: State, space_id: str, env: dict[str, str]) -> None:
    """A handful of accounts, one of each common type; secrets are set (not kept)."""
    azure = {
        "SubscriptionNumber": _guid("azure-subscription"),
        "ClientId": _guid("azure-client"),
        "TenantId": _guid("azure-tenant"),
    }
    demo = (
        ("Azure Production", "AzureServicePrincipal", ["Staging", "Production"], azure),
        ("Azure Dev (OIDC)", "AzureOIDC", ["Development", "Test"], azure),
        ("AWS Deployments", "AmazonWebServicesAccount", [], {"AccessKey": "AKIADEMOOCTOFLOW0001"}),
        ("Deploy SSH Key", "SshKeyPair", [], {"Username": "deploy"}),
        ("Registry Login", "UsernamePassword", [], {"Username": "octo-registry"}),
        ("Cluster Token", "Token", ["Production"], {}),
        # Kept for the accounts-replace example: a Billing API variable still uses it.
        ("AWS Legacy", "AmazonWebServicesAccount", [], {"AccessKey": "AKIADEMOOCTOFLOW0002"}),
    )
    for name, kind, environments, fields in demo:
        type_fields, secrets, _ = TYPES[kind]
        doc = {
            "Name": name,
            "AccountType": kind,
            "Description": f"{name} (octoflow demo account).",
            "EnvironmentIds": [env[e] for e in environments],
            **copy.deepcopy(type_fields),
            **fields,
        }
        doc.update({s: write_only("demo-secret") for s in secrets if s != "PrivateKeyPassphrase"})
        doc.update({s: write_only(None) for s in secrets if s not in doc})
        ACCOUNTS.insert(state, space_id, doc)
