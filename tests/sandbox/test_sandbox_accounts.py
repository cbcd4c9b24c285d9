"""Accounts (``/accounts``): CRUD, the server's 400s and 404s, write-only secrets."""

from __future__ import annotations

import pytest

from tests.sandbox.schema import validate
from tests.sandbox.secrets_check import assert_secret_kept_nowhere

ACCOUNTS = "/api/Spaces-1/accounts"
SECRET = "s3cr3t-never-echoed"
HIDDEN = {"HasValue": True, "NewValue": None}


def test_demo_accounts_match_the_reference(api):
    listed = api.json(ACCOUNTS, take=100)
    validate("AccountResourceResourceCollection", listed)
    assert listed["TotalResults"] == 7
    assert {a["AccountType"] for a in listed["Items"]} >= {
        "AzureServicePrincipal", "AzureOIDC", "AmazonWebServicesAccount", "SshKeyPair",
        "UsernamePassword", "Token"}  # fmt: skip
    validate("AccountResource[]", api.json(ACCOUNTS + "/all"))
    first = listed["Items"][0]
    assert api.json(first["Links"]["Self"]) == first
    validate("AccountUsageResource", api.json(first["Links"]["Usages"]))
    aws = api.json(ACCOUNTS, accountType="AmazonWebServicesAccount")["Items"]
    assert [a["SecretKey"] for a in aws] == [HIDDEN, HIDDEN]  # AWS Deployments, AWS Legacy


def test_the_root_links_accounts(api):
    assert api.json("/api/Spaces-1")["Links"]["Accounts"].startswith(ACCOUNTS + "{/id}")


@pytest.mark.parametrize(
    ("kind", "fields", "secret_field"),
    [
        ("UsernamePassword", {"Username": "ops"}, "Password"),
        (
            "AzureServicePrincipal",
            {"SubscriptionNumber": "s", "ClientId": "c", "TenantId": "t"},
            "Password",
        ),
        ("AmazonWebServicesAccount", {"AccessKey": "AKIA1"}, "SecretKey"),
        ("SshKeyPair", {"Username": "deploy"}, "PrivateKeyFile"),
        ("Token", {}, "Token"),
        ("GoogleCloudAccount", {}, "JsonKey"),
    ],
)
def test_crud_keeps_secrets_write_only(fresh_api, kind, fields, secret_field):
    body = {"Name": f"New {kind}", "AccountType": kind, **fields,
            secret_field: {"HasValue": True, "NewValue": SECRET}}  # fmt: skip
    created = fresh_api.post(ACCOUNTS, body)
    assert created.status_code == 201, created.text
    doc = created.json()
    assert doc[secret_field] == HIDDEN and SECRET not in created.text
    validate("AccountResource", doc)

    # Sending the document back as read keeps the secret set; a new description is kept.
    updated = fresh_api.put(doc["Links"]["Self"], dict(doc, Description="rotated"))
    assert updated.status_code == 200, updated.text
    assert updated.json()[secret_field] == HIDDEN
    assert updated.json()["Description"] == "rotated"
    assert fresh_api.json(doc["Links"]["Self"]) == updated.json()

    assert fresh_api.delete(doc["Links"]["Self"]).status_code == 200
    assert fresh_api.get(doc["Links"]["Self"]).status_code == 404
    assert_secret_kept_nowhere(fresh_api, SECRET)


def test_writes_are_in_the_audit_log_without_the_secret(fresh_api):
    body = {"Name": "Audited", "AccountType": "Token", "Token": SECRET}
    doc = fresh_api.post(ACCOUNTS, body).json()
    (event,) = fresh_api.json("/api/events", regarding=doc["Id"])["Items"]
    assert event["Category"] == "Created"
    assert SECRET not in str(event)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"Name": "x"}, "AccountType must be one of UsernamePassword, AzureServicePrincipal"),
        ({"Name": "x", "AccountType": "Token"}, "The Token field is required."),
        ({"AccountType": "Token", "Token": "t"}, "The Name field is required."),
        ({"Name": "x", "AccountType": "SshKeyPair", "PrivateKeyFile": "k"},
         "The Username field is required."),
        ({"Name": "x", "AccountType": "Token", "Token": 5},
         "Token: a sensitive value must be a string"),
        ({"Name": "x", "AccountType": "Token", "Token": "t",
          "TenantedDeploymentParticipation": "Sometimes"},
         "TenantedDeploymentParticipation must be one of"),
        ({"Name": "Azure Production", "AccountType": "Token", "Token": "t"},
         "account with the name 'Azure Production' already exists."),
    ],
)  # fmt: skip
def test_bad_bodies_are_the_servers_400(fresh_api, body, message):
    response = fresh_api.post(ACCOUNTS, body)
    assert response.status_code == 400
    assert any(message in e for e in response.json()["Errors"]), response.json()
    assert "x" not in [a["Name"] for a in fresh_api.json(ACCOUNTS + "/all")]


def test_the_type_of_an_account_cannot_change(fresh_api):
    account = fresh_api.json(ACCOUNTS, accountType="Token")["Items"][0]
    response = fresh_api.put(account["Links"]["Self"], dict(account, AccountType="SshKeyPair"))
    assert response.status_code == 400
    assert response.json()["Errors"] == [
        "The account type of an existing account cannot be changed."
    ]


def test_unknown_ids_are_404(api):
    for path in (ACCOUNTS + "/Accounts-999", ACCOUNTS + "/Accounts-999/usages"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["ErrorMessage"] == "The resource 'Accounts-999' was not found."


def test_usages_name_the_targets_using_the_account(fresh_api):
    ssh = fresh_api.json(ACCOUNTS, accountType="SshKeyPair")["Items"][0]
    env = fresh_api.json("/api/Spaces-1/environments/all")[0]["Id"]
    machine = {
        "Name": "ssh-box",
        "Roles": ["web"],
        "EnvironmentIds": [env],
        "Endpoint": {"CommunicationStyle": "Ssh", "Host": "box", "Port": 22,
                     "Fingerprint": "aa", "AccountId": ssh["Id"]},
    }  # fmt: skip
    created = fresh_api.post("/api/Spaces-1/machines", machine)
    assert created.status_code == 201, created.text
    usages = fresh_api.json(ssh["Links"]["Usages"])
    validate("AccountUsageResource", usages)
    assert usages["Targets"] == [{"TargetId": created.json()["Id"], "TargetName": "ssh-box"}]
