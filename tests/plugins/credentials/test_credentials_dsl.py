"""``octo.accounts`` and ``octo.feeds`` from Python against the in-process sandbox:
ensure (create, converge, refuse a type change), rotate with the secret read from the
environment at apply time and never in a plan or report, bad input as plan errors."""

from __future__ import annotations

import json

import pytest

from octoflow import render_plan
from octoflow.errors import PlanError, UsageError
from octoflow.testing import apply_and_replan
from tests.e2e.support import api_for, writes

SECRET = "s3cret-value-from-the-environment"
SPACE = "/api/Spaces-1"


@pytest.fixture
def secret_env(monkeypatch) -> str:
    monkeypatch.setenv("NEW_SECRET", SECRET)
    return "NEW_SECRET"


def by_name(octo, collection: str, name: str) -> dict:
    docs = api_for(octo.sandbox).get(f"{SPACE}/{collection}/all")
    return next(d for d in docs if d["Name"] == name)


def assert_no_secret(plan, report) -> None:
    texts = (render_plan(plan), plan.dumps(), json.dumps(report.to_json()), repr(report))
    assert not [t for t in texts if SECRET in t]


def test_ensure_creates_an_account_with_its_secret_then_converges(octo, secret_env) -> None:
    statement = octo.accounts.ensure(
        "AWS Staging",
        "amazonwebservicesaccount",
        fields={"AccessKey": "AKIASTAGING"},
        secrets={"SecretKey": secret_env},
    )
    plan = octo.plan(statement)
    assert [(op.action, op.kind, op.name) for op in plan.operations] == [
        ("create", "Account", "AWS Staging")
    ]
    assert "SecretKey (secret, read from $NEW_SECRET at apply)" in render_plan(plan)

    report = apply_and_replan(octo, plan, statement)

    created = by_name(octo, "accounts", "AWS Staging")
    assert created["AccountType"] == "AmazonWebServicesAccount"
    assert created["AccessKey"] == "AKIASTAGING"
    assert created["SecretKey"] == {"HasValue": True, "NewValue": None}
    assert_no_secret(plan, report)


def test_ensure_changes_only_the_fields_given(octo) -> None:
    before = by_name(octo, "accounts", "Registry Login")
    plan = octo.plan(
        octo.accounts.ensure("Registry Login", "UsernamePassword", fields={"Username": "bot"})
    )
    assert "Username: 'octo-registry' -> 'bot'" in render_plan(plan, verbose=True)
    octo.apply(plan)
    after = by_name(octo, "accounts", "Registry Login")
    ignored = ("Username", "LastModifiedOn", "LastModifiedBy")
    assert after["Username"] == "bot"
    assert {k: v for k, v in after.items() if k not in ignored} == {
        k: v for k, v in before.items() if k not in ignored
    }


def test_ensure_sets_a_missing_feed_password_once(octo, secret_env) -> None:
    octo.apply(
        octo.plan(
            octo.feeds.ensure(
                "Partner NuGet", "NuGet", fields={"FeedUri": "https://nuget.partner.example"}
            )
        )
    )
    assert by_name(octo, "feeds", "Partner NuGet")["Password"]["HasValue"] is False
    statement = octo.feeds.ensure(
        "Partner NuGet", "NuGet", fields={"Username": "partner"}, secrets={"Password": secret_env}
    )
    plan = octo.plan(statement)

    report = apply_and_replan(octo, plan, statement)

    feed = by_name(octo, "feeds", "Partner NuGet")
    assert (feed["Username"], feed["Password"]["HasValue"]) == ("partner", True)
    assert_no_secret(plan, report)


def test_rotate_sends_the_secret_read_at_apply(octo, secret_env, monkeypatch) -> None:
    monkeypatch.setenv(secret_env, "the-plan-time-value")
    plan = octo.plan(octo.accounts.where(name="AWS Deployments").rotate(secret_env))
    assert "SecretKey (secret, read from $NEW_SECRET at apply)" in render_plan(plan)
    monkeypatch.setenv(secret_env, SECRET)
    octo.sandbox.clear_requests()

    report = octo.apply(plan)

    assert report.succeeded
    account_id = by_name(octo, "accounts", "AWS Deployments")["Id"]
    assert [(w.method, w.path) for w in writes(octo.sandbox)] == [
        ("PUT", f"{SPACE}/accounts/{account_id}")
    ]
    assert_no_secret(plan, report)
    # Rotating is always a change: the server cannot tell whether the secret differs.
    assert (
        len(octo.plan(octo.accounts.where(name="AWS Deployments").rotate(secret_env)).operations)
        == 1
    )


def test_rotate_without_the_variable_set_at_apply_writes_nothing(
    octo, secret_env, monkeypatch
) -> None:
    plan = octo.plan(octo.feeds.where(name="Docker Hub").rotate(secret_env))
    monkeypatch.delenv(secret_env)
    octo.sandbox.clear_requests()

    report = octo.apply(plan)

    assert not report.succeeded
    assert "$NEW_SECRET is not set" in json.dumps(report.to_json())
    assert writes(octo.sandbox) == []


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (lambda o: o.accounts.where(name="AWS Deploy").rotate("NEW_SECRET"),
         "unknown account 'AWS Deploy': did you mean 'AWS Deployments'"),
        (lambda o: o.accounts.where(name="Azure Dev (OIDC)").rotate("NEW_SECRET"),
         "account 'Azure Dev (OIDC)' (AzureOIDC) has no secret to rotate"),
        (lambda o: o.accounts.where(name="AWS Deployments").rotate("NEW_SECRET", field="Password"),
         "has no secret 'Password' (its secrets: SecretKey)"),
        (lambda o: o.accounts.where(type="AmazonWebServices").rotate("NEW_SECRET"),
         "unknown account type 'AmazonWebServices': did you mean 'AmazonWebServicesAccount'"),
        (lambda o: o.accounts.ensure("AWS Deployments", "Token", secrets={"Token": "NEW_SECRET"}),
         "account 'AWS Deployments' exists as AmazonWebServicesAccount, not Token"),
        (lambda o: o.accounts.ensure("X", "UsernamePassword", fields={"Password": "oops"}),
         "Password is a secret, never a plain field"),
        (lambda o: o.feeds.ensure("X", "NuGet", secrets={"Password": "UNSET_SECRET_VARIABLE"}),
         "$UNSET_SECRET_VARIABLE is not set"),
    ],
)  # fmt: skip
def test_bad_input_is_a_plan_error(octo, secret_env, statement, message) -> None:
    with pytest.raises(
        PlanError, match=message.replace("(", r"\(").replace(")", r"\)").replace("$", r"\$")
    ):
        octo.plan(statement(octo))


@pytest.mark.parametrize(
    "make",
    [
        lambda o: o.accounts.where(name=""),
        lambda o: o.accounts.rotate(""),
        lambda o: o.accounts.rotate("NOT-A-NAME"),
        lambda o: o.feeds.ensure("", "NuGet"),
        lambda o: o.feeds.ensure("Feed", ""),
        lambda o: o.accounts.ensure("A", "Token", secrets={"Token": "$X"}),
        lambda o: o.accounts.ensure("A", "Token", fields={"Id": "Accounts-1"}),
        lambda o: o.accounts.where(name="AWS Legacy").replace_with(" "),
        lambda o: o.accounts.where(name="AWS Legacy").rotate("X").replace_with("AWS Deployments"),
        lambda o: o.accounts.where(name="AWS Legacy").replace_with("AWS Deployments").rotate("X"),
    ],
)
def test_blank_or_malformed_arguments_are_refused_at_the_call(octo, make) -> None:
    with pytest.raises(UsageError):
        make(octo)


def test_ensure_sends_a_secret_already_set_only_with_rotate(octo, secret_env) -> None:
    def ensure(rotate: bool):
        secrets = {"SecretKey": secret_env}
        return octo.accounts.ensure(
            "AWS Deployments", "AmazonWebServicesAccount", secrets=secrets, rotate=rotate
        )

    assert octo.plan(ensure(False)).is_empty
    plan = octo.plan(ensure(True))
    assert [(op.action, op.name) for op in plan.operations] == [("update", "AWS Deployments")]
    assert "SecretKey (secret, read from $NEW_SECRET at apply)" in render_plan(plan)
