"""Golden HTTP traffic: exactly what each shipped recipe sends, plan + apply.

Every run records ``octoflow apply <recipe> --concurrency 1`` against a fresh
demo sandbox on loopback into a temporary vcrpy cassette and compares it with
the committed one in ``cassettes/``. Recording scrubs the API key, the port and
timestamps, keeps only stable headers, indents JSON bodies and reduces
collection responses to their size; a cassette keeps every read but only the
first few writes (and says how many there were), so it shows exactly what
octoflow sends and stays reviewable. After an intended change, regenerate with::

    OCTOFLOW_UPDATE_GOLDEN=1 pytest tests/golden
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import vcr
import yaml

from octoflow.cli import main
from octoflow.cli.commands import EXIT_DRIFT
from octoflow.plugin import REQUIRED_PROVIDERS, PluginHost
from octoflow.recipe import find_recipe
from octoflow.sandbox import Sandbox, SandboxServer

CASSETTES = Path(__file__).parent / "cassettes"
UPDATE_VARIABLE = "OCTOFLOW_UPDATE_GOLDEN"
REGENERATE = f"{UPDATE_VARIABLE}=1 pytest tests/golden"
#: The key the sandbox accepts in these tests; no cassette may contain it.
API_KEY = "API-EXAMPLEGOLDENKEY0000000000"
KEY_PLACEHOLDER = "<API-KEY>"
#: Recorded URLs use this instead of the sandbox's ephemeral loopback address.
HOST = "http://octopus.golden"
#: Request headers set by requests/urllib3 rather than octoflow (they vary with their
#: versions and installed codecs); any other header octoflow sends is recorded.
DROPPED_REQUEST_HEADERS = {"accept-encoding", "connection", "content-length"}
#: Response headers are the sandbox's; only the content type matters here.
KEPT_RESPONSE_HEADERS = {"content-type"}
WRITE_METHODS = ("POST", "PUT", "DELETE")
#: Writes kept per cassette: enough to show what a write sends, few enough to review.
WRITES_KEPT = 3
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")

REGISTRY = PluginHost.from_entry_points().build_registry()
#: octoflow's own recipes (other installed plugins' are their authors' to test).
SHIPPED = sorted(
    name
    for name in REGISTRY.recipes
    if REGISTRY.contributed_by("recipe", name) in REQUIRED_PROVIDERS
)
#: ``-p`` values per recipe. No demo tag selects fewer than 200 tenants, so these
#: keep the run short and make every write show each part of the recipe.
CASES: dict[str, dict[str, str]] = {
    "tenants-add-project": {
        "tag": "Tier/Gold",
        "project": "Customer Portal",
        "environments": "Test,Production",
    },
    "tenants-remove-project": {"tag": "Region/EU", "project": "Customer Portal"},
    # A policy check: recorded as `octoflow check`, it reads and never writes.
    "tenants-check-eu": {
        "tag": "Tier/Gold",
        "project": "Customer Portal",
        "environments": "Test,Production",
    },
    "tenants-tag": {"tag": "Tier/Gold", "add": "Tier/Silver", "remove": "Tier/Gold"},
    "targets-update": {
        "role": "web",
        "environment": "Test",
        "add_roles": "api",
        "add_environments": "Staging",
    },
    # {here}: this directory; {tmp}: the test's own (passwords_out must not exist yet).
    "team-add-members": {
        "team": "Release Managers",
        "users_csv": "{here}/team-add-members.csv",
        "passwords_out": "{tmp}/passwords.csv",
    },
    "projects-add-step": {
        "project": "Customer Portal,Billing API,Sales ETL",
        "step": "{here}/../plugins/processes/data/notify-slack.json.j2",
        "after": "Deploy",
    },
    "projects-remove-step": {"group": "Customer Apps", "name": "Smoke test"},
    # A database project, a version-controlled one committing to main, and Garnet Admin,
    # whose protected main makes it commit to a new branch: a write of each kind. (Values
    # go through str.format: {{{{ }}}} is a template's {{ }}.)
    "projects-use-container": {
        "project": "Customer Portal,Atlas Web,Garnet Admin",
        "action_type": "Octopus.Script",
        "new_branch": "octoflow/golden",
        "only_protected": "true",
        "commit_message": "Golden: run {{{{ project.name }}}}'s scripts in a container",
    },
    "projects-branch": {"group": "Apps", "name": "octoflow/golden"},
    # Hosted Ubuntu is the targets provider's demo worker pool.
    "projects-use-worker-pool": {
        "project": "Customer Portal,Sales ETL",
        "worker_pool": "Hosted Ubuntu",
    },
    "release-create": {
        "project": "Compass Web",
        "version": "2.0.0",
        "packages": "Deploy:1.8.2",
        "notes": "Golden release",
    },
    "release-deploy": {"project": "Garnet Web", "environment": "Staging", "wait": "true"},
    "promote": {"from_env": "Test", "to_env": "Staging"},
    "deploy-coordinated": {
        "spec": "{here}/deploy-coordinated.json",
        "environment": "Staging",
        "wait": "true",
    },
    "runbook-run": {
        "project": "Ember Web",
        "runbook": "Restart App Pool",
        "environment": "Test,Staging",
        "wait": "true",
    },
    # The demo's one pending manual intervention (Harbor Admin 1.2.0 in Production).
    "interventions": {
        "action": "proceed",
        "project": "Harbor Admin",
        "notes": "Golden approval",
        "wait": "true",
    },
    "resources-set": {
        "collection": "Lifecycles",
        "where": "Default Lifecycle",
        "set": "Phases[Name=Production].MinimumEnvironmentsBeforePromotion=1",
    },
    "resources-delete": {"collection": "Feeds", "where": "GitHub Container Registry"},
    # Four projects without a Hotfix channel: every write is a create with its rule.
    "channels-ensure": {
        "group": "Customer Apps",
        "name": "Hotfix",
        "lifecycle": "Dev and Test Only",
        "prerelease": "^hotfix",
    },
    "triggers-toggle": {"type": "scheduled", "enabled": "false"},
    "projects-clone": {"from": "Customer Portal", "names": "Portal EU,Portal US,Portal APAC"},
    "credentials-rotate": {
        "account": "Registry Login",
        "feed": "Docker Hub",
        "password_env": "OCTOFLOW_GOLDEN_PASSWORD",
    },
    "certificates-rotate": {
        "name": "Portal TLS",
        "file": "{here}/../data/certificates/portal-2027.pem",
    },
    # AWS Legacy: the demo's Billing.AwsAccount variable still uses it.
    "accounts-replace": {"from": "AWS Legacy", "to": "AWS Deployments"},
    "octopus-register-instance": {
        "name": "octopus-golden",
        "environments": "Production",
        "url": "https://golden.octopus.example.com",
        "project": "Ops Dashboard",
    },
    "lifecycles-retention": {"lifecycle": "Default Lifecycle", "days": "30", "files": "7"},
    "environments-add": {"name": "UAT", "after": "Test"},
}
#: The key of the instance ``octopus-register-instance`` registers, read from the
#: environment at apply time; no cassette may contain it either.
INSTANCE_KEY = "API-EXAMPLEGOLDENINSTANCE00000"
#: Environment variables a recipe's case needs, set while recording.
ENVIRONMENT: dict[str, dict[str, str]] = {
    "octopus-register-instance": {"OCTOFLOW_INSTANCE_API_KEY": INSTANCE_KEY},
    "credentials-rotate": {"OCTOFLOW_GOLDEN_PASSWORD": "golden-rotated-password-0000"},
}
#: Write-only secrets a request body may carry; recorded as this placeholder.
SECRET_FIELDS = ("Password", "CertificateData")
SECRET_PLACEHOLDER = "<secret>"


@pytest.mark.parametrize("recipe", SHIPPED)
def test_recipe_traffic_matches_the_golden_cassette(recipe, tmp_path, monkeypatch, capsys) -> None:
    if recipe not in CASES:
        pytest.fail(
            f"recipe {recipe!r} has no golden case: add its parameters to CASES in "
            f"{Path(__file__).name}, then run {REGENERATE}"
        )
    raw = tmp_path / "raw.yaml"
    record(recipe, CASES[recipe], raw, monkeypatch, capsys)
    assert API_KEY not in raw.read_text(encoding="utf-8"), "the API key leaked into the recording"
    assert INSTANCE_KEY not in raw.read_text(encoding="utf-8"), "a sensitive value leaked"
    for value in ENVIRONMENT.get(recipe, {}).values():
        assert value not in raw.read_text(encoding="utf-8"), "a secret from the environment leaked"
    recorded = tmp_path / f"{recipe}.yaml"
    recorded.write_text(dump(golden_form(load(raw))), encoding="utf-8")
    assert KEY_PLACEHOLDER in recorded.read_text(encoding="utf-8")
    if check_only(recipe):
        assert load(recorded)["metadata"]["writes"] == 0, f"the check {recipe} wrote"
    else:
        assert load(recorded)["metadata"]["writes"] > 0, (
            f"{recipe} with {CASES[recipe]} wrote nothing: choose parameters that change tenants"
        )
    golden = CASSETTES / recorded.name
    if os.environ.get(UPDATE_VARIABLE):
        shutil.copyfile(recorded, golden)
    assert golden.exists(), f"no golden cassette {golden}; record it with {REGENERATE}"
    difference = cassette_diff(golden, recorded)
    if difference:
        pytest.fail(
            f"{recipe} sends different HTTP traffic than its golden cassette:\n"
            f"{difference}\nIf the change is intended, regenerate: {REGENERATE}",
            pytrace=False,
        )


def test_no_committed_cassette_contains_a_secret_value() -> None:
    """Write-only fields such as a new user's ``Password``, and the values of sensitive
    variables, are recorded as a placeholder."""
    for cassette in sorted(CASSETTES.glob("*.yaml")):
        for interaction in load(cassette)["interactions"]:
            body = interaction["request"]["body"]
            data = json.loads(body) if body else {}
            for field in SECRET_FIELDS:
                if isinstance(data, dict) and field in data:
                    assert data[field] in (None, SECRET_PLACEHOLDER), f"{cassette.name}: {field}"
            variables = data.get("Variables") if isinstance(data, dict) else None
            for variable in variables if isinstance(variables, list) else []:
                if variable.get("IsSensitive"):
                    assert variable["Value"] in (None, SECRET_PLACEHOLDER), cassette.name


def test_no_committed_cassette_contains_the_api_key() -> None:
    cassettes = sorted(CASSETTES.glob("*.yaml"))
    assert cassettes, f"no cassettes in {CASSETTES}; record them with {REGENERATE}"
    for cassette in cassettes:
        text = cassette.read_text(encoding="utf-8")
        assert API_KEY.removeprefix("API-") not in text, f"{cassette.name} holds the API key"
        assert INSTANCE_KEY.removeprefix("API-") not in text, f"{cassette.name} holds a key"


# -- recording ---------------------------------------------------------------------


def record(recipe: str, params: dict[str, str], cassette: Path, monkeypatch, capsys) -> None:
    """Plan and apply ``recipe`` through the CLI against a fresh served demo, recording."""
    sandbox = Sandbox(REGISTRY.sandbox_areas, seed="demo", api_keys=(API_KEY,))
    with SandboxServer(sandbox.app) as server:
        monkeypatch.setenv("OCTOPUS_URL", server.url)
        monkeypatch.setenv("OCTOPUS_API_KEY", API_KEY)
        monkeypatch.setenv("OCTOFLOW_HOME", str(cassette.parent / "home"))
        monkeypatch.delenv("OCTOPUS_SPACE", raising=False)
        for name, value in ENVIRONMENT.get(recipe, {}).items():
            monkeypatch.setenv(name, value)
        places = {"here": Path(__file__).parent, "tmp": cassette.parent}
        args = [
            arg
            for name, value in params.items()
            for arg in ("-p", f"{name}={value.format(**places)}")
        ]
        with recorder(server.url).use_cassette(str(cassette)):
            if check_only(recipe):
                code = main(["check", recipe, *args, "--concurrency", "1"]) - EXIT_DRIFT
            else:
                code = main(["apply", recipe, *args, "--yes", "--concurrency", "1"])
    assert code == 0, capsys.readouterr().err


def check_only(recipe: str) -> bool:
    return find_recipe(recipe, REGISTRY.recipes).check_only


def recorder(server_url: str) -> vcr.VCR:
    """A vcrpy recorder that writes normalised, scrubbed cassettes."""
    return vcr.VCR(
        record_mode="all",
        # Only ever recording: without matchers vcrpy stops comparing each new
        # request with every recorded one (quadratic in the number of requests).
        match_on=(),
        filter_headers=[("X-Octopus-ApiKey", KEY_PLACEHOLDER)],
        filter_query_parameters=[("apikey", KEY_PLACEHOLDER)],
        before_record_request=lambda request: normalise_request(request, server_url),
        before_record_response=normalise_response,
        decode_compressed_response=True,
    )


def normalise_request(request: Any, server_url: str) -> Any:
    request.uri = HOST + request.uri.removeprefix(server_url)
    request.headers = {
        k: v for k, v in request.headers.items() if k.lower() not in DROPPED_REQUEST_HEADERS
    }
    if request.body:
        request.body = readable(request.body.decode("utf-8"), scrub=SECRET_FIELDS)
    return request


def normalise_response(response: dict[str, Any]) -> dict[str, Any]:
    """Only the status survives: the golden files are about what octoflow sends, and
    response bodies are the sandbox's (every new provider changes the root document
    and the demo collections)."""
    response["headers"] = {
        k: v for k, v in response["headers"].items() if k.lower() in KEPT_RESPONSE_HEADERS
    }
    response["body"]["string"] = b"<elided>"
    return response


def readable(text: str, scrub: tuple[str, ...] = ()) -> str:
    """Indented JSON with timestamps (and ``scrub`` fields) masked."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict):
        data.update({k: SECRET_PLACEHOLDER for k in scrub if data.get(k) is not None})
        for variable in data.get("Variables") if isinstance(data.get("Variables"), list) else []:
            if isinstance(variable, dict) and variable.get("IsSensitive") and variable.get("Value"):
                variable["Value"] = SECRET_PLACEHOLDER  # a variable set's sensitive value
    return _TIMESTAMP.sub("<timestamp>", json.dumps(data, indent=2, ensure_ascii=False))


def golden_form(cassette: dict[str, Any]) -> dict[str, Any]:
    """Every read and the first ``WRITES_KEPT`` writes, with the number of writes made."""
    kept, writes = [], 0
    for interaction in cassette["interactions"]:
        if interaction["request"]["method"] in WRITE_METHODS:
            writes += 1
            if writes > WRITES_KEPT:
                continue
        kept.append(interaction)
    return {
        "version": cassette["version"],
        "metadata": {"writes": writes, "writes_kept": min(writes, WRITES_KEPT)},
        "interactions": kept,
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the indented JSON bodies) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(cassette: Any) -> str:
    return yaml.dump(cassette, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def load(cassette: Path) -> dict[str, Any]:
    return yaml.safe_load(cassette.read_text(encoding="utf-8"))


# -- comparing -----------------------------------------------------------------------


def cassette_diff(golden: Path, recorded: Path) -> str:
    """A unified diff of the two cassettes, both re-serialised the same way."""
    expected, actual = (dump(load(c)).splitlines() for c in (golden, recorded))
    return "\n".join(
        difflib.unified_diff(
            expected, actual, f"golden/{golden.name}", f"recorded/{recorded.name}", lineterm="", n=4
        )
    )
