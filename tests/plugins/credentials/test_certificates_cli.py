"""Certificates end to end: ``certificates-rotate`` and a recipe of ``certificates.ensure``
through the CLI against a loopback sandbox over HTTP. The data and the password are read
at apply and are in no plan file, journal or output; a re-plan after a rotate of a DER or
PEM file plans nothing (the thumbprints match); bad input is a plan error (or, read at
apply, a failed operation) and writes nothing."""

from __future__ import annotations

import base64
import hashlib
import shutil
from pathlib import Path

import pytest

from tests.e2e.support import writes

SPACE = "/api/Spaces-1"
FILES = Path(__file__).parents[2] / "data" / "certificates"
PEM, DER, PFX = FILES / "portal-2027.pem", FILES / "portal-2028.der", FILES / "portal-2027.pfx"
PFX_PASSWORD = "pfx-test-password-0000"
ROTATE = ("certificates-rotate", "-p", "name=Portal TLS")
ENSURE = '''"""Ensure a partner certificate."""

PARAMETERS = ()


def statements(octo):
    return octo.certificates.ensure(
        "Partner mTLS", data_from_file={file!r}, password_from_env="PFX_PASSWORD",
        environments=["Test", "Production"], tenants=["Acme Cargo Ltd"], notes="partner API",
    )
'''


def certificate(api, name: str) -> dict:
    return next(c for c in api.get(f"{SPACE}/certificates/all") if c["Name"] == name)


def thumbprint(der: bytes) -> str:
    return hashlib.sha1(der).hexdigest().upper()  # noqa: S324 - what a thumbprint is


def secrets_of(path: Path) -> list[str]:
    """Every form the file's data could leak in: base64, PEM body lines, the password."""
    data = path.read_bytes()
    pem_lines = [line for line in data.decode("latin-1").splitlines() if len(line) > 40]
    return [base64.b64encode(data).decode()[:60], *pem_lines[:3], PFX_PASSWORD]


def leaked(texts: list[str], path: Path) -> list[str]:
    return [s for s in secrets_of(path) if any(s in t for t in texts)]


def test_rotate_replaces_the_data_keeps_the_id_and_converges(
    cli, server, server_api, tmp_path
) -> None:
    sandbox, _srv = server
    before = certificate(server_api, "Portal TLS")
    plan_file, journal = tmp_path / "plan.json", tmp_path / "journal.jsonl"
    sandbox.clear_requests()

    planned = cli("plan", *ROTATE, "-p", f"file={PEM}", "--out", str(plan_file))
    applied = cli("apply", *ROTATE, "-p", f"file={PEM}", "--yes", "-v", "--journal", str(journal))

    assert [planned[0], applied[0]] == [0, 0], applied[2]
    expected = thumbprint(DER.with_name("portal-2027.der").read_bytes())
    assert f"data from file {PEM} at apply (thumbprint {expected})" in planned[1]
    after = certificate(server_api, "Portal TLS")
    assert (after["Id"], after["Thumbprint"]) == (before["Id"], expected)
    assert [(w.method, w.path) for w in writes(sandbox)] == [
        ("POST", f"{SPACE}/certificates/{before['Id']}/replace")
    ]
    texts = [*planned[1:], *applied[1:], plan_file.read_text(), journal.read_text()]
    assert leaked(texts, PEM) == []
    assert leaked([base64.b64encode(PEM.read_bytes()).decode()], PEM)  # the check can fail
    sandbox.clear_requests()
    code, out, err = cli("apply", *ROTATE, "-p", f"file={PEM}", "--yes", "-v")
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert f"already has thumbprint {expected}" in out
    assert writes(sandbox) == []


def test_rotate_from_an_environment_variable_and_a_pfx_with_its_password(
    cli, server, server_api, monkeypatch, tmp_path
) -> None:
    sandbox, _srv = server
    monkeypatch.setenv("NEW_CERT", base64.b64encode(DER.read_bytes()).decode())
    monkeypatch.setenv("PFX_PASSWORD", PFX_PASSWORD)
    journal = tmp_path / "journal.jsonl"

    by_env = cli("apply", *ROTATE, "-p", "data_env=NEW_CERT", "--yes")
    assert by_env[0] == 0, by_env[2]
    assert certificate(server_api, "Portal TLS")["Thumbprint"] == thumbprint(DER.read_bytes())
    pfx = ("-p", f"file={PFX}", "-p", "password_env=PFX_PASSWORD")
    by_pfx = cli("apply", *ROTATE, *pfx, "--yes", "-v", "--journal", str(journal))
    assert by_pfx[0] == 0, by_pfx[2]
    assert certificate(server_api, "Portal TLS")["CertificateDataFormat"] == "Pkcs12"
    assert leaked([*by_env[1:], *by_pfx[1:], journal.read_text()], PFX) == []
    assert leaked([*by_env[1:]], DER) == []
    # A PFX's thumbprint is known only once the server reads it: replaced every time.
    code, out, err = cli("plan", *ROTATE, *pfx)
    assert "(PKCS#12, password from $PFX_PASSWORD)" in out and "1 to run" in out


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (("name=Portal TSL", f"file={PEM}"),
         "unknown certificate 'Portal TSL': did you mean 'Portal TLS'"),
        (("name=Portal TLS", "file=/nonexistent/portal.pem"),
         "cannot read the certificate file /nonexistent/portal.pem: No such file or directory"),
        (("name=Portal TLS", f"file={__file__}"),
         "is not a certificate (neither PEM text nor a DER/PKCS#12 structure)"),
        (("name=Portal TLS", "data_env=UNSET_CERTIFICATE_VARIABLE"),
         "$UNSET_CERTIFICATE_VARIABLE is not set"),
        (("name=Portal TLS", f"file={PFX}", "password_env=UNSET_PASSWORD_VARIABLE"),
         "$UNSET_PASSWORD_VARIABLE is not set"),
        (("name=Portal TLS",), "give the new certificate as -p file=PATH or -p data_env=NAME"),
        (("name=Portal TLS", f"file={PEM}", "data_env=X"), "give the new certificate as"),
        (("name=Portal TLS", f"file={PEM}", "password_env=not a name"),
         "name the environment variable"),
    ],
)  # fmt: skip
def test_bad_input_is_a_plan_error_and_writes_nothing(cli, server, params, message) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    args = [a for p in params for a in ("-p", p)]

    code, out, err = cli("apply", "certificates-rotate", *args, "--yes")

    assert code == 2, out + err
    assert message in out + err
    assert writes(sandbox) == []


def test_a_file_changed_after_the_plan_is_refused_at_apply(
    cli, server, server_api, tmp_path
) -> None:
    sandbox, _srv = server
    before = certificate(server_api, "Portal TLS")
    moving, plan_file = tmp_path / "portal.pem", tmp_path / "plan.json"
    shutil.copy(PEM, moving)
    assert cli("plan", *ROTATE, "-p", f"file={moving}", "--out", str(plan_file))[0] == 0
    shutil.copy(DER, moving)  # someone swapped the file after the review
    sandbox.clear_requests()

    code, out, err = cli("apply", str(plan_file), "--yes")

    assert code == 1, out + err
    assert "has changed since the plan" in out + err and "plan again" in out + err
    assert writes(sandbox) == []
    assert certificate(server_api, "Portal TLS")["Thumbprint"] == before["Thumbprint"]


def test_ensure_creates_from_a_pfx_then_plans_nothing(
    cli, server, server_api, monkeypatch, tmp_path
) -> None:
    sandbox, _srv = server
    monkeypatch.setenv("PFX_PASSWORD", PFX_PASSWORD)
    recipe = tmp_path / "partner_cert.py"
    recipe.write_text(ENSURE.format(file=str(PFX)))
    plan_file, journal = tmp_path / "plan.json", tmp_path / "journal.jsonl"

    planned = cli("plan", str(recipe), "--out", str(plan_file))
    applied = cli("apply", str(recipe), "--yes", "-v", "--journal", str(journal))

    assert [planned[0], applied[0]] == [0, 0], applied[2]
    assert f"data from file {PFX} at apply (PKCS#12, password from $PFX_PASSWORD)" in planned[1]
    made = certificate(server_api, "Partner mTLS")
    assert made["CertificateDataFormat"] == "Pkcs12" and made["Password"]["HasValue"] is True
    assert made["EnvironmentIds"] == server_api.environment_ids("Test", "Production")
    assert made["TenantedDeploymentParticipation"] == "TenantedOrUntenanted"
    assert len(made["TenantIds"]) == 1 and made["Notes"] == "partner API"
    texts = [*planned[1:], *applied[1:], plan_file.read_text(), journal.read_text()]
    assert leaked(texts, PFX) == []
    sandbox.clear_requests()
    code, out, err = cli("apply", str(recipe), "--yes")
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert writes(sandbox) == []


def test_ensure_whose_file_is_gone_at_apply_writes_nothing(
    cli, server, server_api, monkeypatch, tmp_path
) -> None:
    sandbox, _srv = server
    monkeypatch.setenv("PFX_PASSWORD", PFX_PASSWORD)
    copied, recipe, plan_file = tmp_path / "partner.pfx", tmp_path / "r.py", tmp_path / "p.json"
    shutil.copy(PFX, copied)
    recipe.write_text(ENSURE.format(file=str(copied)))
    assert cli("plan", str(recipe), "--out", str(plan_file))[0] == 0
    copied.unlink()
    sandbox.clear_requests()

    code, out, err = cli("apply", str(plan_file), "--yes")

    assert code == 2, out + err
    assert f"cannot read the certificate file {copied}" in out + err
    assert writes(sandbox) == []
    assert "Partner mTLS" not in {c["Name"] for c in server_api.get(f"{SPACE}/certificates/all")}
