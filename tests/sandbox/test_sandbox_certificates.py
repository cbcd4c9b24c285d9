"""Certificates (``/certificates``): CRUD, archive/unarchive/replace, write-only data."""

from __future__ import annotations

import base64
import hashlib

import pytest

from tests.sandbox.schema import validate
from tests.sandbox.secrets_check import assert_secret_kept_nowhere

CERTIFICATES = "/api/Spaces-1/certificates"
HIDDEN = {"HasValue": True, "NewValue": None}
FILE = b"0\x82\x01\x0aa made-up DER certificate"
DATA = base64.b64encode(FILE).decode()
PASSWORD = "pfx-pa55word-never-echoed"


def new_certificate(api, name: str = "Shop TLS", **fields) -> dict:
    body = {"Name": name, "CertificateData": {"HasValue": True, "NewValue": DATA}, **fields}
    response = api.post(CERTIFICATES, body)
    assert response.status_code == 201, response.text
    return response.json()


def test_demo_certificates_match_the_reference(api):
    listed = api.json(CERTIFICATES)
    validate("CertificateResourceResourceCollection", listed)
    assert len(listed["Items"]) == 3
    validate("CertificateResource[]", api.json(CERTIFICATES + "/all"))
    first = listed["Items"][0]
    validate("CertificateResource", api.json(first["Links"]["Self"]))
    validate("CertificateUsageResource", api.json(first["Links"]["Usages"]))
    assert all(c["CertificateData"] == HIDDEN for c in listed["Items"])
    assert api.json("/api/Spaces-1")["Links"]["Certificates"].startswith(CERTIFICATES)


def test_create_derives_fields_and_never_returns_the_data_or_password(fresh_api):
    doc = new_certificate(fresh_api, Password={"HasValue": True, "NewValue": PASSWORD})
    validate("CertificateResource", doc)
    assert doc["CertificateData"] == HIDDEN and doc["Password"] == HIDDEN
    assert doc["Thumbprint"] == hashlib.sha1(FILE).hexdigest().upper()
    assert doc["CertificateDataFormat"] == "Pkcs12" and doc["HasPrivateKey"] is True
    assert doc["NotBefore"] < doc["NotAfter"]
    assert fresh_api.json(doc["Links"]["Self"]) == doc
    for text in (DATA, PASSWORD):
        assert_secret_kept_nowhere(fresh_api, text)


def test_update_changes_the_details_but_not_the_file(fresh_api):
    doc = new_certificate(fresh_api)
    other = base64.b64encode(b"another file").decode()
    sent = dict(doc, Notes="renewed yearly", Thumbprint="FAKE", CertificateData=other)
    updated = fresh_api.put(doc["Links"]["Self"], sent)
    assert updated.status_code == 200, updated.text
    assert updated.json()["Notes"] == "renewed yearly"
    assert updated.json()["Thumbprint"] == doc["Thumbprint"]
    assert fresh_api.delete(doc["Links"]["Self"]).status_code == 200
    assert fresh_api.get(doc["Links"]["Self"]).status_code == 404


def test_archive_hides_and_unarchive_restores(fresh_api):
    doc = new_certificate(fresh_api)
    archived = fresh_api.post(doc["Links"]["Self"] + "/archive")
    assert archived.status_code == 200 and archived.json()["Archived"]
    assert doc["Id"] not in [c["Id"] for c in fresh_api.json(CERTIFICATES)["Items"]]
    assert doc["Id"] in [c["Id"] for c in fresh_api.json(CERTIFICATES, archived="true")["Items"]]
    restored = fresh_api.post(doc["Links"]["Self"] + "/unarchive").json()
    assert restored["Archived"] is None
    categories = [
        e["Category"] for e in fresh_api.json("/api/events", regarding=doc["Id"])["Items"]
    ]
    assert categories == ["Modified", "Modified", "Created"]


def test_replace_keeps_the_id_and_archives_the_old_file(fresh_api):
    doc = new_certificate(fresh_api)
    new_file = base64.b64encode(b"the renewed certificate").decode()
    replaced = fresh_api.post(doc["Links"]["Self"] + "/replace", {"CertificateData": new_file})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["Id"] == doc["Id"]
    assert (
        replaced.json()["Thumbprint"]
        == hashlib.sha1(b"the renewed certificate").hexdigest().upper()
    )
    (old,) = fresh_api.json(CERTIFICATES, archived="true", search=doc["Thumbprint"])["Items"]
    assert old["ReplacedBy"] == doc["Id"] and old["Archived"]
    validate("CertificateResource", old)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"Name": "x"}, "The CertificateData field is required."),
        ({"Name": "x", "CertificateData": "not base64!"},
         "CertificateData must be the certificate file encoded as base64."),
        ({"CertificateData": DATA}, "The Name field is required."),
        ({"Name": "Portal TLS", "CertificateData": DATA},
         "certificate with the name 'Portal TLS' already exists"),
        ({"Name": "x", "CertificateData": DATA, "TenantedDeploymentParticipation": "No"},
         "TenantedDeploymentParticipation must be one of"),
    ],
)  # fmt: skip
def test_bad_bodies_are_the_servers_400(fresh_api, body, message):
    response = fresh_api.post(CERTIFICATES, body)
    assert response.status_code == 400
    assert any(message in e for e in response.json()["Errors"]), response.json()
    assert len(fresh_api.json(CERTIFICATES)["Items"]) == 3


def test_unknown_ids_are_404(api):
    for method, suffix in (("GET", ""), ("POST", "/archive"), ("GET", "/usages")):
        response = api.request(method, f"{CERTIFICATES}/Certificates-999{suffix}")
        assert response.status_code == 404
        assert response.json()["ErrorMessage"] == "The resource 'Certificates-999' was not found."


def test_a_pem_file_is_thumbprinted_by_its_certificate_block(fresh_api):
    der = b"0\x82\x01\x0aa made-up DER certificate inside a PEM file"
    body = base64.encodebytes(der).decode()
    pem = f"-----BEGIN CERTIFICATE-----\n{body}-----END CERTIFICATE-----\n".encode()
    doc = new_certificate(fresh_api, CertificateData=base64.b64encode(pem).decode())
    assert doc["CertificateDataFormat"] == "Pem"
    assert doc["Thumbprint"] == hashlib.sha1(der).hexdigest().upper()
