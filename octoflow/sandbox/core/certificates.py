"""Certificates (``/certificates``, CertificateResource), with archive, unarchive and replace.

A certificate is created from ``CertificateData`` (base64: a PFX, DER or PEM
file) and an optional ``Password``; both are write-only and answered as
``{"HasValue": true, "NewValue": null}``. The sandbox does not parse the
certificate: ``Thumbprint`` is the SHA-1 of the decoded bytes, or for a PEM file of
its first certificate block (a real one for a DER or PEM file, not for a PFX, whose
certificate the sandbox cannot read) and the other derived fields (subject, issuer, validity, serial
number) are deterministic fakes built from the name and the data, marked as
UNCONFIRMED stand-ins for what the server reads out of the file. The data and
the derived fields change only through ``replace``.

UNCONFIRMED: the list hides archived certificates unless ``archived=true``;
the links (``archive``, ``unarchive`` and ``replace``, POSTs to
``/certificates/{id}/…``, are not advertised); ``replace`` keeps the
certificate's id (what variables refer to) with the new data and files the old
data as a new archived certificate whose ``ReplacedBy`` names it;
``archive``/``unarchive`` answer the certificate.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import datetime, timedelta

from octoflow.sandbox.casing import CIDict
from octoflow.sandbox.core.accounts import TENANCY
from octoflow.sandbox.core.usages import using
from octoflow.sandbox.core.values import write_only, write_only_fields
from octoflow.sandbox.crud import Doc, Resource, register
from octoflow.sandbox.errors import invalid
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

QUERY = "{?skip,take,search,archived,tenant,firstResult,orderBy,ids,partialName}"
FORMATS = ("Pkcs12", "Der", "Pem")
SECRETS = ("CertificateData", "Password")
#: Read out of the certificate file by the server; a PUT cannot change them.
DERIVED = (
    "CertificateDataFormat",
    "Thumbprint",
    "SubjectDistinguishedName",
    "SubjectCommonName",
    "SubjectOrganization",
    "IssuerDistinguishedName",
    "IssuerCommonName",
    "IssuerOrganization",
    "SelfSigned",
    "NotBefore",
    "NotAfter",
    "IsExpired",
    "HasPrivateKey",
    "Version",
    "SerialNumber",
    "SignatureAlgorithmName",
    "SubjectAlternativeNames",
    "CertificateChain",
)
VALID_DAYS = 365
_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Notes": "",
        "CertificateData": None,
        "Password": None,
        "CertificateDataFormat": None,
        "Archived": None,
        "ReplacedBy": None,
        "EnvironmentIds": [],
        "TenantIds": [],
        "TenantTags": [],
        "TenantedDeploymentParticipation": "Untenanted",
        "SubjectDistinguishedName": None,
        "SubjectCommonName": None,
        "SubjectOrganization": None,
        "IssuerDistinguishedName": None,
        "IssuerCommonName": None,
        "IssuerOrganization": None,
        "SelfSigned": False,
        "Thumbprint": None,
        "NotAfter": None,
        "NotBefore": None,
        "IsExpired": False,
        "HasPrivateKey": False,
        "Version": 3,
        "SerialNumber": None,
        "SignatureAlgorithmName": None,
        "SubjectAlternativeNames": [],
        "CertificateChain": [],
        "SpaceId": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/certificates/{doc['Id']}"
    # UNCONFIRMED which links a real certificate has; these two answer a GET.
    return {"Self": base, "Usages": base + "/usages"}


def decode(body: CIDict) -> tuple[bytes | None, list[str]]:
    """The certificate file a body sends, or why it cannot be read."""
    sent = body.get("CertificateData")
    text = sent.get("NewValue") if isinstance(sent, dict) else sent
    if not isinstance(text, str) or not text.strip():
        return None, ["The CertificateData field is required."]
    try:
        return base64.b64decode(text, validate=True), []
    except (binascii.Error, ValueError):
        return None, ["CertificateData must be the certificate file encoded as base64."]


def derive(state: State, doc: Doc, data: bytes, has_password: bool) -> None:
    """Fill the fields the server reads out of the file (deterministic fakes, see above)."""
    is_pem = data.lstrip().startswith(b"-----BEGIN")
    kind = "Pem" if is_pem else "Pkcs12" if has_password else "Der"
    common_name = (doc.get("Name") or "certificate").lower().replace(" ", "-") + ".example.com"
    issued = datetime.fromisoformat(state.now())
    expires = issued + timedelta(days=VALID_DAYS)
    doc.update(
        CertificateDataFormat=kind,
        Thumbprint=hashlib.sha1(_der(data)).hexdigest().upper(),  # noqa: S324 - what it is
        SubjectDistinguishedName=f"CN={common_name}, O=Octoflow Demo",
        SubjectCommonName=common_name,
        SubjectOrganization="Octoflow Demo",
        IssuerDistinguishedName=f"CN={common_name}, O=Octoflow Demo",
        IssuerCommonName=common_name,
        IssuerOrganization="Octoflow Demo",
        SelfSigned=True,
        NotBefore=issued.isoformat(),
        NotAfter=expires.isoformat(),
        IsExpired=False,
        HasPrivateKey=kind == "Pkcs12",
        Version=3,
        SerialNumber=hashlib.sha256(data).hexdigest()[:32].upper(),
        SignatureAlgorithmName="sha256RSA",
        SubjectAlternativeNames=[f"DNS={common_name}"],
        CertificateChain=[],
    )


def _der(data: bytes) -> bytes:
    """The first certificate block of a PEM file, decoded; other data as it is."""
    match = _PEM_CERT.search(data)
    if match is None:
        return data
    try:
        return base64.b64decode(b"".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        return data


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    if doc.get("TenantedDeploymentParticipation") not in TENANCY:
        return [f"TenantedDeploymentParticipation must be one of {', '.join(TENANCY)}."]
    if old is not None:
        for name in (*SECRETS, *DERIVED, "Archived", "ReplacedBy"):
            doc[name] = old.get(name)
        return []
    data, errors = decode(body)
    errors += write_only_fields(doc, body, None, SECRETS)
    if data is not None and not errors:
        derive(req.state, doc, data, doc["Password"]["HasValue"])
    return errors


def list_filters(req: Request, items: list[Doc]) -> list[Doc]:
    archived = bool(req.query.bool("archived"))
    items = [c for c in items if bool(c.get("Archived")) == archived]
    tenant = req.query.get("tenant")
    if tenant:
        items = [c for c in items if tenant in c.get("TenantIds") or []]
    search = (req.query.get("search") or "").lower()
    if search:
        fields = ("Name", "Thumbprint", "SubjectDistinguishedName")
        items = [c for c in items if any(search in (c.get(f) or "").lower() for f in fields)]
    return items


CERTIFICATES = Resource(
    collection="Certificates",
    segment="certificates",
    item_type="Certificate",
    noun="certificate",
    query_template=QUERY,
    defaults=defaults,
    links=links,
    prepare=prepare,
    filters=list_filters,
    has_slug=False,
    nested_fields=("HasValue", "NewValue"),
)


def _store(req: Request, old: Doc, doc: Doc) -> Doc:
    req.state.stamp(doc)
    req.state.put("Certificates", doc)
    req.changed("Certificates", old, doc)
    return doc


def archive(req: Request) -> Doc:
    old = CERTIFICATES.find(req, req.path_params["id"])
    return _store(req, old, dict(old, Archived=old.get("Archived") or req.state.now()))


def unarchive(req: Request) -> Doc:
    old = CERTIFICATES.find(req, req.path_params["id"])
    return _store(req, old, dict(old, Archived=None))


def replace(req: Request) -> Doc:
    """New data for the same certificate; the old data is kept as an archived copy."""
    old = CERTIFICATES.find(req, req.path_params["id"])
    body = req.json_object()
    data, errors = decode(body)
    if errors:
        raise invalid(*errors)
    doc = dict(old)
    doc["CertificateData"] = write_only("set")
    doc["Password"] = write_only(body.get("Password"))
    derive(req.state, doc, data or b"", doc["Password"]["HasValue"])
    retired = {k: v for k, v in old.items() if k not in ("Id", "Links")}
    retired.update(Name=f"{old['Name']} (replaced {req.state.now()[:10]})")
    retired.update(Archived=req.state.now(), ReplacedBy=old["Id"])
    CERTIFICATES.insert(req.state, req.space_id, retired)
    return _store(req, old, doc)


def usages(req: Request) -> Doc:
    """``CertificateUsageResource``. UNCONFIRMED: tenant usages are left empty."""
    cert = CERTIFICATES.find(req, req.path_params["id"])
    state, space = req.state, req.space_id
    owners = [s.get("OwnerId") for s in using(state, "VariableSets", space, cert["Id"])]
    return {
        "DeploymentTargetUsages": using(state, "Machines", space, cert["Id"]),
        "ProjectUsages": _owners(state, "Projects", owners),
        "LibraryVariableSetUsages": _owners(state, "LibraryVariableSets", owners),
        "TenantUsages": [],
        "Links": {},
    }


def _owners(state: State, collection: str, ids: list[str | None]) -> list[Doc]:
    return [doc for doc_id in ids if (doc := state.get(collection, doc_id)) is not None]


def register_routes(router: Router) -> None:
    register(router, CERTIFICATES)
    router.space("POST", "/certificates/{id}/archive", archive)
    router.space("POST", "/certificates/{id}/unarchive", unarchive)
    router.space("POST", "/certificates/{id}/replace", replace)
    router.space("GET", "/certificates/{id}/usages", usages)
    router.link("Certificates", "/certificates{/id}" + QUERY)


def seed_demo(state: State, space_id: str, env: dict[str, str]) -> None:
    """Three certificates; their files are made-up bytes (the sandbox never parses them)."""
    for name, notes, environments in (
        ("Portal TLS", "The customer portal's public certificate.", ["Staging", "Production"]),
        ("Internal CA", "Root of the internal services' certificates.", []),
        ("API Client Auth", "Client certificate for partner APIs.", ["Production"]),
    ):
        doc = defaults()
        doc.update(Name=name, Notes=notes, EnvironmentIds=[env[e] for e in environments])
        doc.update(CertificateData=write_only("set"), Password=write_only(_password(name)))
        data = f"octoflow demo certificate {name}".encode()
        derive(state, doc, data, doc["Password"]["HasValue"])
        CERTIFICATES.insert(state, space_id, doc)


def _password(name: str) -> str | None:
    return None if name == "Internal CA" else "set"
