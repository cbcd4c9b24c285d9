"""The docs are tested, datasette style.

* Every ``python`` block in ``docs/*.md`` sits between ``<!-- example: NAME -->``
  markers and is identical to ``docs/examples/NAME``; every example file is shown
  somewhere and has a check here that runs it against the demo sandbox.
* ``<!-- output: NAME -->`` blocks show lines the example really prints.
* Every ``$ octoflow …`` line in a ``console`` block runs (in this process,
  against the in-process sandbox, or ``sandbox serve`` as a real process) and
  prints the lines shown under it; ``$ echo $?`` states a non-zero exit code.
* Every hook and its arguments, and every shipped recipe and its parameters,
  appear in the reference pages.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import runpy
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from octoflow import Octoflow, PlanError, hookspecs
from octoflow.cli import main
from octoflow.plugin import ENTRY_POINT_GROUP, REQUIRED_PROVIDERS, PluginHost
from octoflow.recipe import Recipe
from octoflow.sandbox import IN_PROCESS_URL, SANDBOX_API_KEY, Sandbox, SandboxServer
from octoflow.sandbox.settings import Settings
from tests.e2e.support import ctrl_c_reaches_it

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"
PAGES = sorted(DOCS.glob("*.md"))

EXAMPLE = re.compile(r"<!-- example: (?P<name>\S+) -->\n(?P<body>.*?)<!-- /example -->", re.S)
OUTPUT = re.compile(
    r"<!-- output: (?P<name>\S+) -->\n```text\n(?P<body>.*?)```\n<!-- /output -->", re.S
)
FENCE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```$", re.S | re.M)


def fences(page: Path, lang: str) -> list[str]:
    return [m["body"] for m in FENCE.finditer(page.read_text()) if m["lang"] == lang]


# -- comparing shown output with real output ------------------------------------------

_NORMALISE = (
    (re.compile(r"\b[0-9a-f]{12}\b"), "<id>"),  # plan ids
    (re.compile(r"\d+\.\d+s\)"), "<t>s)"),  # timings
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<port>"),  # served ports
    # operations applied side by side take task ids in whichever order they start
    (re.compile(r"ServerTasks-\d+"), "ServerTasks-<n>"),
    (re.compile(r"Python \d+\.\d+\.\d+"), "Python <version>"),  # whichever runs the docs
)


def normalise(line: str) -> str:
    for pattern, replacement in _NORMALISE:
        line = pattern.sub(replacement, line)
    return line.rstrip()


def assert_shows(shown: list[str], actual: str, what: str) -> None:
    """Every shown line (except ``...`` and blank ones) is a line of the real output."""
    real = {normalise(line) for line in actual.splitlines()}
    missing = [
        line for line in shown if line.strip() not in ("", "...") and normalise(line) not in real
    ]
    assert not missing, (
        f"{what}: shown but not printed:\n"
        + "\n".join(missing)
        + "\n--- real output ---\n"
        + actual[-3000:]
    )


# -- (a) the Markdown shows exactly the tested files -------------------------------------


def shown_examples() -> list[tuple[Path, str, str]]:
    return [
        (page, m["name"], m["body"]) for page in PAGES for m in EXAMPLE.finditer(page.read_text())
    ]


@pytest.mark.parametrize(
    ("page", "name", "body"),
    shown_examples(),
    ids=[f"{p.name}:{n}" for p, n, _ in shown_examples()],
)
def test_a_marked_block_is_identical_to_its_file(page: Path, name: str, body: str) -> None:
    source = (EXAMPLES / name).read_text()
    assert body == f"```python\n{source}```\n", f"{page.name}: the block for {name} is stale"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_python_block_is_a_marked_example(page: Path) -> None:
    text = page.read_text()
    assert len(fences(page, "python")) == len(EXAMPLE.findall(text))
    assert text.count("<!-- example:") == text.count("<!-- /example -->")
    assert text.count("<!-- output:") == text.count("<!-- /output -->") == len(OUTPUT.findall(text))


def test_every_example_file_is_shown_and_checked() -> None:
    files = {p.name for p in EXAMPLES.glob("*.py")}
    assert files == {name for _, name, _ in shown_examples()}
    assert files == set(CHECKS)


# -- (b) every example runs against the demo sandbox ----------------------------------------

Run = Callable[..., tuple[dict[str, Any], str]]
CHECKS: dict[str, Callable[[Run], str]] = {}


def check(name: str) -> Callable[[Callable[[Run], str]], Callable[[Run], str]]:
    """Register the check of ``docs/examples/<name>``; it returns what the example printed."""

    def register(fn: Callable[[Run], str]) -> Callable[[Run], str]:
        CHECKS[name] = fn
        return fn

    return register


def demo_state() -> dict[str, Any]:
    return Octoflow.with_sandbox("demo").sandbox.dump()["collections"]


def tenants_of(octo: Octoflow) -> list[dict[str, Any]]:
    return list(octo.sandbox.dump()["collections"]["Tenants"].values())


@check("getting_started_library.py")
def _(run: Run) -> str:
    ns, out = run("getting_started_library.py")
    assert ns["plan"].summary == {"add": 0, "change": 400, "delete": 0, "run": 0}
    assert ns["report"].recap == {"ok": 0, "changed": 400, "failed": 0, "skipped": 0}
    portal = {"Test": "Environments-2", "Production": "Environments-4"}
    for tenant in tenants_of(ns["octo"]):
        if "Region/EU" in tenant["TenantTags"]:
            assert set(portal.values()) <= set(tenant["ProjectEnvironments"]["Projects-1"])
    return out


@check("connect.py")
def _(run: Run) -> str:
    key = "API-EXAMPLEDOCSCONNECT00000000"
    areas = PluginHost.from_entry_points().build_registry().sandbox_areas
    sandbox = Sandbox(areas, seed="demo", api_keys=[key])
    with SandboxServer(sandbox.app) as server:
        ns, out = run(
            "connect.py",
            env={"OCTOPUS_URL": server.url, "OCTOPUS_API_KEY": key, "OCTOPUS_SPACE": "Default"},
        )
    assert ns["plan"].server == server.url
    assert "Plan: 0 to add, 400 to change, 0 to delete." in out
    assert not [r for r in sandbox.requests if r.method != "GET"]
    return out


@check("dsl_select.py")
def _(run: Run) -> str:
    ns, out = run("dsl_select.py")
    tenants = list(demo_state()["Tenants"].values())
    tags = [set(t["TenantTags"]) for t in tenants]
    eu_or_us_gold = sum(1 for t in tags if t & {"Region/EU", "Region/US"} and "Tier/Gold" in t)
    portal = sum(
        1 for t in tenants if "Projects-1" in t["ProjectEnvironments"] and not t["IsDisabled"]
    )
    production = sum(
        1 for t in tenants if any("Environments-4" in e for e in t["ProjectEnvironments"].values())
    )
    acme = sum(1 for t in tenants if "acme" in t["Name"].lower())
    unconnected = sum(1 for t in tenants if not t["ProjectEnvironments"])
    counts = [int(n) for n in re.findall(r"selects (\d+) tenant", out)]
    assert counts == [eu_or_us_gold, portal, production, 2, acme, unconnected]
    return out


@check("dsl_projects.py")
def _(run: Run) -> str:
    ns, out = run("dsl_projects.py")
    assert ns["report"].succeeded
    for tenant in tenants_of(ns["octo"]):
        envs = tenant["ProjectEnvironments"]
        if "Region/EU" in tenant["TenantTags"]:
            assert {"Environments-2", "Environments-4"} <= set(envs["Projects-5"])
        if "Region/US" in tenant["TenantTags"]:
            assert "Projects-2" not in envs
        if "Region/APAC" in tenant["TenantTags"] and "Projects-1" in envs:
            assert "Environments-1" not in envs["Projects-1"]
    return out


@check("dsl_tags.py")
def _(run: Run) -> str:
    ns, out = run("dsl_tags.py")
    assert ns["report"].succeeded
    for tenant in tenants_of(ns["octo"]):
        if "Region/APAC" in tenant["TenantTags"]:
            assert "Tier/Gold" in tenant["TenantTags"]
            assert not {"Tier/Silver", "Tier/Bronze"} & set(tenant["TenantTags"])
    return out


@check("dsl_variables.py")
def _(run: Run) -> str:
    ns, out = run("dsl_variables.py")
    assert ns["plan"].summary["change"] == 40 + 25
    assert ns["report"].recap["changed"] == 65
    octo = ns["octo"]
    doc = octo.client.get(octo.client.space_path("tenants/Tenants-107/variables"))
    common = doc["LibraryVariables"]["LibraryVariableSets-1"]["Variables"]
    assert "Premium" in common.values()
    assert "dark" in doc["ProjectVariables"]["Projects-1"]["Variables"]["Environments-2"].values()
    return out


@check("dsl_ensure_delete.py")
def _(run: Run) -> str:
    ns, out = run("dsl_ensure_delete.py")
    assert ns["plan"].summary == {"add": 1, "change": 0, "delete": 12, "run": 0}
    assert ns["report"].succeeded
    tenants = tenants_of(ns["octo"])
    assert len(tenants) == 1000 - 12 + 1
    globex = next(t for t in tenants if t["Name"] == "Globex")
    assert set(globex["TenantTags"]) == {"Region/EU", "Tier/Silver"}
    assert globex["ProjectEnvironments"] == {"Projects-1": ["Environments-2", "Environments-4"]}
    return out


@check("dsl_coalescing.py")
def _(run: Run) -> str:
    ns, out = run("dsl_coalescing.py")
    plan = ns["plan"]
    assert len({op.key for op in plan.operations}) == len(plan.operations)
    assert len(ns["busiest"].intents) == 3
    return out


@check("dsl_noop.py")
def _(run: Run) -> str:
    ns, out = run("dsl_noop.py")
    assert ns["again"].is_empty
    assert len(ns["again"].unchanged) == 400
    return out


@check("dsl_plan_errors.py")
def _(run: Run) -> str:
    ns, out = run("dsl_plan_errors.py")
    assert len(out.splitlines()) == 3  # one line per problem, all from one plan
    assert not [r for r in ns["octo"].sandbox.requests if r.method != "GET"]
    return out


@check("dsl_saved_plan.py")
def _(run: Run) -> str:
    ns, out = run("dsl_saved_plan.py")
    assert "nothing was applied" in out and "no longer exists" in out
    assert [r.method for r in ns["octo"].sandbox.requests if r.method != "GET"] == ["DELETE"]
    return out


@check("dsl_apply.py")
def _(run: Run) -> str:
    ns, out = run("dsl_apply.py")
    assert ns["report"].recap == {"ok": 0, "changed": 300, "failed": 0, "skipped": 0}
    events = [json.loads(line)["event"] for line in Path("journal.jsonl").read_text().splitlines()]
    assert events[0] == "apply-started" and events[-1] == "apply-finished"
    assert events.count("operation") == 300
    return out


@check("onboard_region.py")
def _(run: Run) -> str:
    recipe = Recipe.load(EXAMPLES / "onboard_region.py")
    assert [p.name for p in recipe.params] == ["region", "project", "environments", "tier"]
    octo = Octoflow.with_sandbox("demo")
    plan = octo.plan_recipe(
        str(EXAMPLES / "onboard_region.py"), {"region": "APAC", "project": "Mobile Backend"}
    )
    assert plan.title == "onboard-region"
    assert plan.summary == {"add": 0, "change": 250, "delete": 0, "run": 0}
    # one write per tenant; the tag intent is left out where the tenant already has it
    assert {len(op.intents) for op in plan.operations} == {1, 2}
    assert all(op.intents[0].name == "tenant.connect_project" for op in plan.operations)
    return ""


@check("audit_plugin.py")
def _(run: Run) -> str:
    ns, out = run("audit_plugin.py")
    host = PluginHost.from_entry_points([("audit", ns["Audit"]())])
    assert "audit" in {i.name for i in host.describe()}
    assert {"octoflow_plan_ready", "octoflow_operation_done", "octoflow_apply_done"} <= set(
        next(i for i in host.describe() if i.name == "audit").hooks
    )
    return out


@check("use_audit_plugin.py")
def _(run: Run) -> str:
    ns, out = run("use_audit_plugin.py")
    audit, report = ns["audit"], ns["report"]
    assert audit.plans == [(ns["plan"].id, {"add": 0, "change": 203, "delete": 0, "run": 0})]
    assert audit.outcomes == {"changed": 203}
    assert audit.reports == [report.recap]
    return out


@check("environments_provider.py")
def _(run: Run) -> str:
    ns, out = run("environments_provider.py")
    import environments_provider  # docs/examples is on sys.path while checks run

    host = PluginHost.from_entry_points([("guided_environments", environments_provider)])
    registry = host.build_registry()
    assert registry.has_collection("guided_environments")
    intent = "environment.set_guided_failure"
    assert registry.contributed_by("intent", intent) == "guided_environments"
    assert "environments-guided-failure" in registry.recipes
    octo = Octoflow.with_sandbox("demo", plugins=[("guided_environments", environments_provider)])
    with pytest.raises(PlanError, match="unknown environment 'Prod': did you mean 'Production'"):
        octo.plan(octo.guided_environments.where(name="Prod").use_guided_failure())
    return out


@check("guided_failure.py")
def _(run: Run) -> str:
    import environments_provider  # docs/examples is on sys.path while checks run

    octo = Octoflow.with_sandbox("demo", plugins=[("guided_environments", environments_provider)])
    plan = octo.plan_recipe(str(EXAMPLES / "guided_failure.py"), {"environments": "Test"})
    assert plan.summary == {"add": 0, "change": 1, "delete": 0, "run": 0}
    octo.apply(plan)
    off = octo.plan_recipe(
        "environments-guided-failure", {"environments": "Test,Staging", "enabled": "false"}
    )
    assert [op.name for op in off.operations] == ["Test"]
    return ""


@check("use_environments_provider.py")
def _(run: Run) -> str:
    ns, out = run("use_environments_provider.py")
    assert [u.reasons for u in ns["again"].unchanged] == [("guided failure already on",)] * 2
    environments = ns["octo"].sandbox.dump()["collections"]["Environments"].values()
    assert {e["Name"]: e["UseGuidedFailure"] for e in environments} == {
        "Development": False,
        "Test": False,
        "Staging": True,
        "Production": True,
    }
    return out


@check("test_environments_provider.py")
def _(run: Run) -> str:
    """The plugin's tests pass under pytest, as its author would run them (no conftest)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "test_environments_provider.py",
        ],
        cwd=EXAMPLES,
        env=dict(os.environ, PYTHONPATH=str(EXAMPLES)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.search(r"\b6 passed\b", done.stdout), done.stdout[-1000:]
    return done.stdout


@check("sandbox_in_process.py")
def _(run: Run) -> str:
    ns, out = run("sandbox_in_process.py")
    saved = json.loads(Path("state.json").read_text())
    assert saved["format"] == "octoflow-sandbox-state/1"
    reloaded = Octoflow.with_sandbox("state.json")
    assert reloaded.plan(reloaded.tenants.where(tag="Region/EU").add_tag("Tier/Gold")).is_empty
    return out


@check("sandbox_loopback.py")
def _(run: Run) -> str:
    ns, out = run("sandbox_loopback.py")
    assert ns["plan"].summary["change"] == 320
    assert len(ns["sandbox"].dump()["collections"].get("Tenants", {})) == 0  # reset to empty
    return out


@check("step_script_body.py")
def _(run: Run) -> str:
    key = "API-EXAMPLEDOCSSTEPKEY00000000"
    areas = PluginHost.from_entry_points().build_registry().sandbox_areas
    sandbox = Sandbox(areas, seed="demo", api_keys=[key])
    variables = {
        "Octoflow.Recipe": "tenants-tag",
        "Octoflow.Param.tag": "Region/APAC",
        "Octoflow.Param.add": "Tier/Gold",
        "Octoflow.Octopus.ApiKey": key,
    }
    printed = io.StringIO()
    with SandboxServer(sandbox.app) as server, contextlib.redirect_stdout(printed):
        variables["Octoflow.Octopus.Url"] = server.url
        with pytest.raises(SystemExit) as exited:
            runpy.run_path(
                str(EXAMPLES / "step_script_body.py"), init_globals={"octopusvariables": variables}
            )
    out = printed.getvalue()
    assert exited.value.code == 0
    assert "##octopus[setVariable" in out and "##octopus[createArtifact" in out
    assert not [r for r in sandbox.requests if r.method != "GET"]  # plan only by default
    assert key not in out
    return out


def targets_of(octo: Octoflow) -> dict[str, dict[str, Any]]:
    return {t["Name"]: t for t in octo.sandbox.dump()["collections"]["Machines"].values()}


@check("targets_select.py")
def _(run: Run) -> str:
    ns, out = run("targets_select.py")
    rows = list(targets_of(ns["octo"]).values())
    counts = [int(n) for n in re.findall(r"selects (\d+) target", out)]
    assert counts == [
        sum(1 for t in rows if "web" in t["Roles"] and "Environments-2" in t["EnvironmentIds"]),
        sum(
            1
            for t in rows
            if {"db", "worker"} & set(t["Roles"]) and "Environments-4" in t["EnvironmentIds"]
        ),
        sum(1 for t in rows if "Region/EU" in t["TenantTags"]),
        sum(1 for t in rows if "Tenants-130" in t["TenantIds"]),
        sum(
            1
            for t in rows
            if t["HealthStatus"] in ("Unavailable", "Unhealthy") and not t["IsDisabled"]
        ),
        sum(
            1
            for t in rows
            if t["Endpoint"]["CommunicationStyle"] == "Kubernetes" and "prod-" in t["Name"]
        ),
        sum(1 for t in rows if t["TenantedDeploymentParticipation"] == "Tenanted"),
    ]
    return out


@check("targets_update.py")
def _(run: Run) -> str:
    ns, out = run("targets_update.py")
    assert ns["report"].recap == {"ok": 0, "changed": 11, "failed": 0, "skipped": 0}
    for name, target in targets_of(ns["octo"]).items():
        if name.startswith("test-web-"):
            assert {"web", "api"} <= set(target["Roles"])
            assert "Environments-3" in target["EnvironmentIds"]
    return out


@check("targets_tenants.py")
def _(run: Run) -> str:
    ns, out = run("targets_tenants.py")
    assert ns["report"].succeeded and ns["plan"].summary["change"] == 5
    rows = targets_of(ns["octo"])
    assert rows["prod-api-01"]["TenantIds"] == ["Tenants-130"]
    assert rows["prod-api-07"]["TenantTags"] == ["Region/EU", "Tier/Gold"]
    assert rows["prod-api-08"]["TenantedDeploymentParticipation"] == "Tenanted"
    assert rows["test-web-08"]["IsDisabled"] and rows["dev-worker-04"]["IsDisabled"]
    return out


@check("targets_ensure.py")
def _(run: Run) -> str:
    ns, out = run("targets_ensure.py")
    assert ns["plan"].summary == {"add": 2, "change": 1, "delete": 0, "run": 0}
    assert ns["report"].succeeded
    rows = targets_of(ns["octo"])
    assert rows["prod-web-13"]["TenantIds"] == ["Tenants-130"]
    assert rows["prod-k8s-eu"]["Endpoint"]["DefaultWorkerPoolId"] == "WorkerPools-2"
    assert rows["test-db-01"]["Roles"] == ["db", "backup"]
    assert rows["test-db-01"]["Endpoint"]["Port"] == 2222
    return out


@check("targets_errors.py")
def _(run: Run) -> str:
    ns, out = run("targets_errors.py")
    assert len(out.splitlines()) == 3
    assert not [r for r in ns["octo"].sandbox.requests if r.method != "GET"]
    return out


@check("resources_lifecycles.py")
def _(run: Run) -> str:
    ns, out = run("resources_lifecycles.py")
    assert ns["report"].recap == {"ok": 0, "changed": 3, "failed": 0, "skipped": 0}
    state = ns["octo"].sandbox.dump()["collections"]
    default = state["Lifecycles"]["Lifecycles-1"]
    assert default["ReleaseRetentionPolicy"] == {
        "Unit": "Days",
        "QuantityToKeep": 30,
        "ShouldKeepForever": False,
        "Strategy": "Count",
    }
    phases = {p["Name"]: p for p in default["Phases"]}
    assert phases["Production"]["MinimumEnvironmentsBeforePromotion"] == 1
    assert phases["Test"]["MinimumEnvironmentsBeforePromotion"] == 0
    guided = {e["Name"]: e["UseGuidedFailure"] for e in state["Environments"].values()}
    assert guided == {"Development": False, "Test": False, "Staging": True, "Production": True}
    return out


@check("processes_clone.py")
def _(run: Run) -> str:
    ns, out = run("processes_clone.py")
    assert ns["report"].recap == {"ok": 0, "changed": 3, "failed": 0, "skipped": 0}
    state = ns["octo"].sandbox.dump()["collections"]
    projects = {p["Name"]: p for p in state["Projects"].values()}
    source, copy = projects["Customer Portal"], projects["Portal EU"]
    processes = state["DeploymentProcesses"]
    names = [
        [s["Name"] for s in processes[p["DeploymentProcessId"]]["Steps"]] for p in (source, copy)
    ]
    assert names[0] == names[1] and len(names[0]) == 4
    billing = projects["Billing API"]
    assert (billing["TenantedDeploymentMode"], billing["DiscreteChannelRelease"]) == (
        "Tenanted",
        True,
    )
    assert billing["VersioningStrategy"]["Template"] == "2.0.#{Octopus.Version.NextPatch}"
    return out


@check("credentials_replace.py")
def _(run: Run) -> str:
    ns, out = run("credentials_replace.py")
    assert ns["report"].recap == {"ok": 0, "changed": 2, "failed": 0, "skipped": 0}
    state = ns["octo"].sandbox.dump()["collections"]
    accounts = {a["Name"]: a["Id"] for a in state["Accounts"].values()}
    feed = next(f for f in state["Feeds"].values() if f["Name"] == "Partner NuGet")
    assert feed["FeedUri"] == "https://nuget.partner.example/v3/index.json"
    billing = state["VariableSets"]["variableset-Projects-2"]["Variables"]
    used = {v["Name"]: v["Value"] for v in billing}
    assert used["Billing.AwsAccount"] == accounts["AWS Deployments"]
    return out


@check("resources_errors.py")
def _(run: Run) -> str:
    ns, out = run("resources_errors.py")
    assert len(out.splitlines()) == 5
    assert "s3cret" not in out
    assert not [r for r in ns["octo"].sandbox.requests if r.method != "GET"]
    return out


@check("channels_hotfix.py")
def _(run: Run) -> str:
    ns, out = run("channels_hotfix.py")
    assert ns["report"].recap == {"ok": 0, "changed": 4, "failed": 0, "skipped": 0}
    state = ns["octo"].sandbox.dump()["collections"]
    hotfix = [c for c in state["Channels"].values() if c["Name"] == "Hotfix"]
    customer_apps = {
        p["Id"] for p in state["Projects"].values() if p["ProjectGroupId"] == "ProjectGroups-2"
    }
    made = [c for c in hotfix if c["ProjectId"] in customer_apps]
    assert len(made) == 4
    for channel in made:
        assert channel["LifecycleId"] == "Lifecycles-2"
        assert channel["TenantTags"] == ["Tier/Gold"]
        assert [r["Tag"] for r in channel["Rules"]] == ["^hotfix"]
        assert channel["Rules"][0]["ActionPackages"] == [
            {"DeploymentAction": "Deploy", "PackageReference": ""}
        ]
    return out


@check("triggers_kinds.py")
def _(run: Run) -> str:
    ns, out = run("triggers_kinds.py")
    state = ns["octo"].sandbox.dump()["collections"]["ProjectTriggers"].values()
    triggers = {t["Name"]: t for t in state}
    machines = triggers["Deploy to new web servers"]["Filter"]
    assert set(machines["EnvironmentIds"]) == {"Environments-3", "Environments-4"}
    feed = triggers["New package"]
    assert feed["Filter"]["Packages"] == [
        {"DeploymentActionSlug": "deploy", "PackageReference": ""}
    ]
    assert feed["Action"]["ActionType"] == "CreateRelease"
    return out


@check("triggers_freeze.py")
def _(run: Run) -> str:
    ns, out = run("triggers_freeze.py")
    triggers = {
        t["Name"]: t for t in ns["octo"].sandbox.dump()["collections"]["ProjectTriggers"].values()
    }
    disabled = {name for name, t in triggers.items() if t["IsDisabled"]}
    assert disabled == {"Nightly promotion to Test", "Weekly rebuild", "Nightly to Test"}
    assert not triggers["Deploy to new web servers"]["IsDisabled"]
    nightly = triggers["Nightly to Test"]
    assert nightly["Filter"]["CronExpression"] == "0 0 2 * * *"
    assert nightly["Action"]["ActionType"] == "DeployLatestRelease"
    assert nightly["Action"]["DestinationEnvironmentId"] == "Environments-2"
    return out


@check("environments_add.py")
def _(run: Run) -> str:
    ns, out = run("environments_add.py")
    assert ns["report"].recap["failed"] == 0
    state = ns["octo"].sandbox.dump()["collections"]
    envs = sorted(state["Environments"].values(), key=lambda e: e["SortOrder"])
    assert [e["Name"] for e in envs] == ["Development", "Test", "UAT", "Staging", "Production"]
    uat = envs[2]
    assert uat["UseGuidedFailure"] is True and envs[4]["UseGuidedFailure"] is True
    for lifecycle in state["Lifecycles"].values():
        test = next(p for p in lifecycle["Phases"] if p["Name"] == "Test")
        assert test["OptionalDeploymentTargets"] == ["Environments-2", uat["Id"]]
    return out


@check("lifecycles_phases.py")
def _(run: Run) -> str:
    ns, out = run("lifecycles_phases.py")
    assert ns["report"].recap == {"ok": 0, "changed": 1, "failed": 0, "skipped": 0}
    default = ns["octo"].sandbox.dump()["collections"]["Lifecycles"]["Lifecycles-1"]
    phases = {p["Name"]: p for p in default["Phases"]}
    assert list(phases) == ["Development", "Test", "Staging", "Production", "Hotfix"]
    assert phases["Test"]["AutomaticDeploymentTargets"] == ["Environments-3"]
    assert phases["Staging"]["OptionalDeploymentTargets"] == []
    assert phases["Hotfix"]["MinimumEnvironmentsBeforePromotion"] == 1
    assert default["TentacleRetentionPolicy"]["QuantityToKeep"] == 10
    return out


@check("targets_workers.py")
def _(run: Run) -> str:
    ns, out = run("targets_workers.py")
    assert ns["report"].succeeded
    workers = {w["Name"]: w for w in ns["octo"].sandbox.dump()["collections"]["Workers"].values()}
    assert workers["linux-worker-01"]["WorkerPoolIds"] == ["WorkerPools-4"]
    assert workers["linux-worker-03"]["WorkerPoolIds"] == ["WorkerPools-4", "WorkerPools-1"]
    assert workers["win-worker-03"]["IsDisabled"]
    return out


def users_of(octo: Octoflow) -> dict[str, dict[str, Any]]:
    return {u["Username"]: u for u in octo.sandbox.dump()["collections"]["Users"].values()}


def team_named(octo: Octoflow, name: str) -> dict[str, Any]:
    teams = octo.sandbox.dump()["collections"]["Teams"].values()
    return next(t for t in teams if t["Name"] == name)


@check("users_select.py")
def _(run: Run) -> str:
    ns, out = run("users_select.py")
    users = list(demo_state()["Users"].values())
    developers = next(t for t in demo_state()["Teams"].values() if t["Name"] == "Developers")
    active_devs = sum(1 for u in users if u["Id"] in developers["MemberUserIds"] and u["IsActive"])
    dot_com = sum(1 for u in users if not u["IsService"] and u["EmailAddress"].endswith(".com"))
    counts = [int(n) for n in re.findall(r"selects (\d+) user", out)]
    assert counts == [active_devs, 2, 3, dot_com]
    return out


@check("users_team_members.py")
def _(run: Run) -> str:
    ns, out = run("users_team_members.py")
    octo = ns["octo"]
    users = users_of(octo)
    members = team_named(octo, "Release Managers")["MemberUserIds"]
    assert sorted(u for u, d in users.items() if d["Id"] in members) == [
        "aisha.costa", "alan.turing", "grace.hopper"
    ]  # fmt: skip
    passwords = Path("passwords.csv")
    assert passwords.stat().st_mode & 0o777 == 0o600
    header, *rows = [line.split(",")[0] for line in passwords.read_text().splitlines()]
    assert header == "username"
    assert sorted(rows) == ["alan.turing", "grace.hopper"]  # in the order they were created
    assert not any(line.split(",")[1] in out for line in passwords.read_text().splitlines()[1:])
    return out


@check("users_roles.py")
def _(run: Run) -> str:
    ns, out = run("users_roles.py")
    octo = ns["octo"]
    assert ns["report"].succeeded
    auditors = team_named(octo, "Auditors")
    testers = team_named(octo, "Testers")
    assert set(auditors["MemberUserIds"]) == set(testers["MemberUserIds"])
    roles = octo.sandbox.dump()["collections"]["ScopedUserRoles"].values()
    assert sorted(r["UserRoleId"] for r in roles if r["TeamId"] == auditors["Id"]) == [
        "userroles-environmentviewer", "userroles-projectviewer"
    ]  # fmt: skip
    assert [r["UserRoleId"] for r in roles if r["TeamId"] == testers["Id"]] == [
        "userroles-projectviewer"
    ]
    return out


@check("users_deactivate.py")
def _(run: Run) -> str:
    ns, out = run("users_deactivate.py")
    users = users_of(ns["octo"]).values()
    assert not any(u["IsActive"] for u in users if u["IsService"])
    inactive = {u["Id"] for u in users if not u["IsActive"]}
    assert not inactive & set(team_named(ns["octo"], "Developers")["MemberUserIds"])
    return out


@check("users_plan_errors.py")
def _(run: Run) -> str:
    ns, out = run("users_plan_errors.py")
    assert len(out.splitlines()) == 7  # one line per problem, all from one plan
    assert not [r for r in ns["octo"].sandbox.requests if r.method != "GET"]
    return out


@check("users_limited_key.py")
def _(run: Run) -> str:
    ns, out = run("users_limited_key.py")
    assert ns["key"] not in out
    logged = [(r.method, r.path, r.status) for r in ns["sandbox"].requests]
    assert logged[-1] == ("GET", "/api/Spaces-1/tenants", 403)
    return out


def processes_of(octo: Octoflow) -> dict[str, dict[str, Any]]:
    """Deployment processes by project name (version-controlled projects have none)."""
    state = octo.sandbox.dump()["collections"]
    names = {p["Id"]: p["Name"] for p in state["Projects"].values()}
    return {names[p["ProjectId"]]: p for p in live_processes(state)}


def live_processes(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Projects' own processes, not the frozen copies releases keep (``…-s-<n>-XXXXX``)."""
    return [p for p in state["DeploymentProcesses"].values() if "-s-" not in p["Id"]]


def git_processes(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Version-controlled projects' processes at the head of their default branch."""
    found = []
    for project in state["Projects"].values():
        if project["IsVersionControlled"]:
            repo = state["GitRepositories"][f"gitrepository-{project['Id']}"]
            head = repo["Branches"][project["PersistenceSettings"]["DefaultBranch"]]
            found.append(repo["Commits"][head]["Documents"]["DeploymentProcess"])
    return found


def group_members(state: dict[str, Any], group: str) -> list[dict[str, Any]]:
    group_id = next(g["Id"] for g in state["ProjectGroups"].values() if g["Name"] == group)
    return [p for p in state["Projects"].values() if p["ProjectGroupId"] == group_id]


@check("processes_select.py")
def _(run: Run) -> str:
    ns, out = run("processes_select.py")
    state = demo_state()
    # criteria see version-controlled projects' processes at their default branch
    processes = {p["ProjectId"]: p for p in live_processes(state) + git_processes(state)}
    actions = {
        pid: [(s, a) for s in p["Steps"] for a in s["Actions"]] for pid, p in processes.items()
    }
    untenanted = {
        p["Id"] for p in state["Projects"].values() if p["TenantedDeploymentMode"] == "Untenanted"
    }
    apps = group_members(state, "Apps")
    app_scripts = [
        (s, a)
        for p in apps
        for s, a in actions.get(p["Id"], [])
        if a["ActionType"] == "Octopus.Script"
        and a["Properties"].get("Octopus.Action.RunOnServer") == "true"
    ]
    in_containers = [
        (pid, a) for pid, pairs in actions.items() for _, a in pairs if a["Container"]["Image"]
    ]
    counts = [int(n) for n in re.findall(r"selects (\d+) project", out)]
    assert counts == [
        len(apps),
        sum(
            1
            for pairs in actions.values()
            if any(a["ActionType"] == "Octopus.AzureAppService" for _, a in pairs)
        ),
        sum(
            1
            for pid, pairs in actions.items()
            if pid in untenanted
            and any(
                "app-server" in s["Properties"].get("Octopus.Action.TargetRoles", "")
                for s, _ in pairs
            )
        ),
        sum(1 for p in state["Projects"].values() if p["Name"].endswith(" API")),
        len(apps),
        len(state["Projects"]),
    ]
    assert f"{len(app_scripts)} action(s) in {len(apps)} process(es)" in out
    assert f"{len(in_containers)} action(s) in {len({p for p, _ in in_containers})} process" in out
    return out


@check("processes_container.py")
def _(run: Run) -> str:
    ns, out = run("processes_container.py")
    assert ns["report"].recap == {"ok": 0, "changed": 57, "failed": 0, "skipped": 0}
    state = ns["octo"].sandbox.dump()["collections"]
    apps = {p["Name"] for p in group_members(state, "Apps")}
    for name, process in processes_of(ns["octo"]).items():
        for action in (a for s in process["Steps"] for a in s["Actions"]):
            script = (
                action["ActionType"] == "Octopus.Script"
                and action["Properties"].get("Octopus.Action.RunOnServer") == "true"
            )
            if name in apps and script:
                assert action["Container"] == {
                    "Image": "octopuslabs/workertools:latest",
                    "FeedId": "Feeds-1",
                }
    return out


@check("processes_add_step.py")
def _(run: Run) -> str:
    ns, out = run("processes_add_step.py")
    state = ns["octo"].sandbox.dump()["collections"]
    apps = {p["Name"] for p in group_members(state, "Apps") if not p["IsVersionControlled"]}
    processes = processes_of(ns["octo"])
    for name in apps:
        steps = processes[name]["Steps"]
        names = [s["Name"] for s in steps]
        assert names[names.index("Deploy") + 1] == "Notify Slack"
        notify = steps[names.index("Notify Slack")]["Actions"][0]
        assert (
            f"'{name} #{{Octopus.Release.Number}}"
            in notify["Properties"]["Octopus.Action.Script.ScriptBody"]
        )
    assert ns["again"].is_empty and len(ns["again"].unchanged) == len(apps) == 57
    return out


@check("cac_commit.py")
def _(run: Run) -> str:
    ns, out = run("cac_commit.py")
    octo = ns["octo"]
    state = octo.sandbox.dump()["collections"]
    garnet = next(p for p in group_members(state, "Apps") if p["Name"] == "Garnet Admin")
    repo = state["GitRepositories"][f"gitrepository-{garnet['Id']}"]
    main, branch = repo["Branches"]["main"], repo["Branches"]["octoflow/containers"]
    assert repo["Commits"][branch]["Parents"] == [main]  # one commit; main untouched
    steps = repo["Commits"][branch]["Documents"]["DeploymentProcess"]["Steps"]
    images = {
        a["Container"]["Image"]
        for s in steps
        for a in s["Actions"]
        if a["Properties"].get("Octopus.Action.RunOnServer") == "true"
    }
    assert images == {"octopuslabs/workertools:latest"}
    return out


@check("processes_library.py")
def _(run: Run) -> str:
    ns, out = run("processes_library.py")
    assert len(ns["plan"].operations) == 1
    names = [s["Name"] for s in processes_of(ns["octo"])["Customer Portal"]["Steps"]]
    assert names[0] == "Tell the team" and "Run database migrations" not in names
    assert names.index("Smoke test") == names.index("Deploy") - 1
    return out


@check("processes_verbs.py")
def _(run: Run) -> str:
    ns, out = run("processes_verbs.py")
    assert len(ns["plan"].operations) == 1 and len(ns["operation"].intents) == 7
    assert not [r for r in ns["octo"].sandbox.requests if r.method != "GET"]
    return out


@check("processes_runbooks.py")
def _(run: Run) -> str:
    ns, out = run("processes_runbooks.py")
    state = ns["octo"].sandbox.dump()["collections"]
    runbook = next(
        r
        for r in state["Runbooks"].values()
        if r["ProjectId"] == "Projects-1" and r["Name"] == "Restart App Pool"
    )
    snapshot = state["RunbookSnapshots"][runbook["PublishedRunbookSnapshotId"]]
    frozen = state["RunbookProcesses"][snapshot["FrozenRunbookProcessId"]]
    health = next(s for s in frozen["Steps"] if s["Name"] == "Check health")
    assert health["Actions"][0]["WorkerPoolVariable"] == "Ops.Pool"
    return out


@check("processes_errors.py")
def _(run: Run) -> str:
    ns, out = run("processes_errors.py")
    assert len(out.splitlines()) == 3
    assert not [r for r in ns["octo"].sandbox.requests if r.method != "GET"]
    return out


def variables_of(octo: Octoflow, set_id: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for variable in octo.sandbox.dump()["collections"]["VariableSets"][set_id]["Variables"]:
        found.setdefault(variable["Name"], []).append(variable)
    return found


@check("variables_set.py")
def _(run: Run) -> str:
    password = "example-smtp-password"
    ns, out = run("variables_set.py", env={"PORTAL_SMTP_PASSWORD": password})
    assert password not in out and ns["plan"].summary["change"] == 2
    portal = variables_of(ns["octo"], "variableset-Projects-1")
    assert "Portal.CacheSizeMb" not in portal
    assert [v["Value"] for v in portal["Portal.LogLevel"]] == ["Warning", "Debug"]
    assert portal["Portal.Region"][0]["Scope"] == {
        "Environment": ["Environments-2", "Environments-4"]
    }
    (smtp,) = portal["Portal.SmtpPassword"]
    secrets = ns["octo"].sandbox.dump()["collections"]["VariableSecrets"]
    assert secrets["variableset-Projects-1"]["Values"][smtp["Id"]] == password
    return out


def collection(octo: Octoflow, name: str) -> dict[str, Any]:
    return octo.sandbox.dump()["collections"][name]


@check("deployments_release.py")
def _(run: Run) -> str:
    ns, out = run("deployments_release.py")
    project_id = ns["plan"].operations[0].intents[0].args["body"]["ProjectId"]
    (release,) = [
        r
        for r in collection(ns["octo"], "Releases").values()
        if r["Version"] == "1.2.1" and r["ProjectId"] == project_id
    ]
    assert [p["Version"] for p in release["SelectedPackages"]] == ["1.3.1"]
    assert release["ReleaseNotes"] == "Garnet Web with Deploy 1.3.1"
    return out


@check("deployments_deploy.py")
def _(run: Run) -> str:
    ns, out = run("deployments_deploy.py")
    outputs = ns["report"].results[1].outputs
    task = collection(ns["octo"], "ServerTasks")[outputs["TaskId"]]
    deployment = collection(ns["octo"], "Deployments")[outputs["DeploymentId"]]
    release = collection(ns["octo"], "Releases")[deployment["ReleaseId"]]
    assert (task["State"], release["Version"]) == ("Success", "2.0.0")
    return out


@check("deployments_promote.py")
def _(run: Run) -> str:
    ns, out = run("deployments_promote.py")
    octo = ns["octo"]
    staging = next(
        e["Id"] for e in collection(octo, "Environments").values() if e["Name"] == "Staging"
    )
    made = [
        d
        for d in collection(octo, "Deployments").values()
        if d["Id"] in {r.outputs["DeploymentId"] for r in ns["report"].results}
    ]
    assert len(made) == 3 and all(d["EnvironmentId"] == staging for d in made)
    return out


@check("deployments_coordinated.py")
def _(run: Run) -> str:
    ns, out = run("deployments_coordinated.py")
    outcomes = [r.outcome for r in ns["report"].results]
    assert sorted(outcomes) == ["changed", "failed", "skipped"]
    return out


@check("runbooks_run.py")
def _(run: Run) -> str:
    ns, out = run("runbooks_run.py")
    octo = ns["octo"]
    runs = collection(octo, "RunbookRuns")
    assert set(runs) == {r.outputs["RunbookRunId"] for r in ns["report"].results}
    tasks = collection(octo, "ServerTasks")
    assert {tasks[r["TaskId"]]["State"] for r in runs.values()} == {"Success"}
    assert all(len(r["SkipActions"]) == 1 for r in runs.values())
    return out


@check("runbooks_errors.py")
def _(run: Run) -> str:
    ns, out = run("runbooks_errors.py")
    assert len(out.splitlines()) == 5  # every problem, from one plan
    assert not [r for r in ns["octo"].sandbox.requests if r.method != "GET"]
    return out


@check("interventions_proceed.py")
def _(run: Run) -> str:
    ns, out = run("interventions_proceed.py")
    outputs = ns["report"].results[0].outputs
    answered = collection(ns["octo"], "Interruptions")[outputs["InterruptionId"]]
    assert answered["Form"]["Values"]["Result"] == "Proceed" and not answered["IsPending"]
    assert collection(ns["octo"], "ServerTasks")[outputs["TaskId"]]["State"] == "Success"
    return out


@check("interventions_refused.py")
def _(run: Run) -> str:
    ns, out = run("interventions_refused.py")
    assert ns["key"][4:] not in out
    assert not [r for r in ns["sandbox"].requests if r.method != "GET" and "apikeys" not in r.path]
    assert collection_of(ns["sandbox"], "Interruptions")["Interruptions-1"]["IsPending"]
    return out


@check("interventions_guidance.py")
def _(run: Run) -> str:
    ns, out = run("interventions_guidance.py")
    (op,) = ns["plan"].operations
    answered = collection(ns["octo"], "Interruptions")[str(op.resource_id)]
    assert answered["Type"] == "GuidedFailure"
    assert answered["Form"]["Values"] == {"Notes": "Health check is flaky", "Guidance": "Ignore"}
    return out


def collection_of(sandbox: Sandbox, name: str) -> dict[str, dict[str, Any]]:
    return sandbox.dump()["collections"][name]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run a docs example in a temporary directory; returns (its globals, what it printed)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # no __pycache__ in docs/examples
    monkeypatch.setenv("OCTOFLOW_HOME", str(tmp_path / "home"))
    for name in ("OCTOPUS_URL", "OCTOPUS_API_KEY", "OCTOPUS_ACCESS_TOKEN", "OCTOPUS_SPACE"):
        monkeypatch.delenv(name, raising=False)

    def run_example(name: str, env: dict[str, str] | None = None) -> tuple[dict[str, Any], str]:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            ns = runpy.run_path(str(EXAMPLES / name), run_name="__docs_example__")
        return ns, printed.getvalue()

    return run_example


def shown_outputs(name: str) -> list[str]:
    return [
        line
        for page in PAGES
        for m in OUTPUT.finditer(page.read_text())
        if m["name"] == name
        for line in m["body"].splitlines()
    ]


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example_runs_and_prints_what_the_docs_show(name: str, run: Run) -> None:
    printed = CHECKS[name](run)
    assert_shows(shown_outputs(name), printed, name)


# -- shell examples ------------------------------------------------------------------------


def console_commands(page: Path) -> list[tuple[str, list[str], int]]:
    """``(command, shown output lines, expected exit code)`` of each ``$ …`` line."""
    commands: list[tuple[str, list[str], int]] = []
    for block in fences(page, "console"):
        echoed = False
        for line in block.splitlines():
            if line == "$ echo $?":
                echoed = True
            elif echoed:
                command, shown, _ = commands[-1]
                commands[-1] = (command, shown, int(line))
                echoed = False
            elif line.startswith("$ "):
                commands.append((line[2:], [], 0))
            elif commands:
                commands[-1][1].append(line)
    return commands


CONSOLE_PAGES = [p for p in PAGES if console_commands(p)]
#: The key console examples of ``octopus-register-instance`` find in its environment variable.
DOCS_INSTANCE_KEY = "API-EXAMPLEDOCSINSTANCEKEY0000"


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory like a checkout's: ``docs/examples`` is there."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "examples").symlink_to(EXAMPLES)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OCTOFLOW_HOME", str(tmp_path / "home"))
    for name in (
        "OCTOPUS_URL",
        "OCTOPUS_API_KEY",
        "OCTOPUS_ACCESS_TOKEN",
        "OCTOPUS_SPACE",
        "OCTOFLOW_BLOCK_PLUGINS",
        "OCTOFLOW_TRACE_PLUGINS",
        "US_OCTOPUS_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    # The docs run octopus-register-instance with the instance's key exported, as they say.
    monkeypatch.setenv("OCTOFLOW_INSTANCE_API_KEY", DOCS_INSTANCE_KEY)
    return tmp_path


@pytest.mark.parametrize("page", CONSOLE_PAGES, ids=[p.name for p in CONSOLE_PAGES])
def test_console_commands_run_and_print_what_the_docs_show(
    page: Path, shell: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command, shown, exit_code in console_commands(page):
        args = shlex.split(command)
        assert args[0] == "octoflow", f"{page.name}: console blocks hold octoflow commands"
        assert shown, f"{page.name}: show at least one line of what `{command}` prints"
        if args[1:3] == ["sandbox", "serve"]:
            code, printed = serve(args[1:], shell)
        else:
            assert args[1] not in ("plan", "apply") or "--sandbox" in args, (
                f"{page.name}: `{command}` needs a server; put it in a sh block"
            )
            code = main(args[1:])
            out, err = capsys.readouterr()
            printed = out + "\n" + err
        assert code == exit_code, f"{page.name}: `{command}` exited {code}:\n{printed[-2000:]}"
        assert_shows(shown, printed, f"{page.name}: {command}")
        assert DOCS_INSTANCE_KEY[4:] not in printed, f"{page.name}: `{command}` printed the key"


def serve(args: list[str], cwd: Path) -> tuple[int, str]:
    """``octoflow sandbox serve …`` as a real process on a free port: use it, then Ctrl-C."""
    previous = ["", *args[:-1]]
    args = [("0" if before == "--port" else a) for before, a in zip(previous, args, strict=True)]
    key = args[args.index("--api-key") + 1] if "--api-key" in args else SANDBOX_API_KEY
    process = subprocess.Popen(
        [sys.executable, "-m", "octoflow.cli", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=ctrl_c_reaches_it,
    )
    try:
        lines = list(_until(process, "Press Ctrl-C"))
        url = re.search(r"http://127\.0\.0\.1:\d+", lines[0])
        assert url, lines
        answer = requests.get(
            url[0] + "/api/Spaces-1/tenants",
            params={"take": 1},
            headers={"X-Octopus-ApiKey": key},
            timeout=10,
        )
        assert answer.status_code == 200 and answer.json()["TotalResults"] == 1000
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    if "--state" in args:
        assert (cwd / args[args.index("--state") + 1]).is_file()
    return process.returncode, "".join(lines) + rest


def _until(process: subprocess.Popen[str], marker: str) -> Iterator[str]:
    assert process.stdout is not None
    for line in process.stdout:
        yield line
        if marker in line:
            return
    raise AssertionError("the sandbox server stopped before it was ready")


def test_shell_examples_that_use_the_sandbox_are_all_run() -> None:
    for page in PAGES:
        for lang in ("sh", "shell", "bash"):
            for block in fences(page, lang):
                assert "--sandbox" not in block, (
                    f"{page.name}: put --sandbox commands in console blocks, where they are run"
                )


# -- reference pages cover the code --------------------------------------------------------


def section(text: str, heading: str) -> str:
    """From ``heading`` to the next heading of level 2 or 3."""
    body_start = text.index(heading) + len(heading)
    following = re.search(r"^#{2,3} ", text[body_start:], re.M)
    return text[body_start : body_start + following.start()] if following else text[body_start:]


def test_every_hook_and_its_arguments_are_documented() -> None:
    import inspect

    text = (DOCS / "hooks.md").read_text()
    hooks = [getattr(hookspecs, n) for n in dir(hookspecs) if n.startswith("octoflow_")]
    assert hooks
    for hook in hooks:
        args = list(inspect.signature(hook).parameters)
        heading = f"### `{hook.__name__}({', '.join(args)})`"
        assert heading in text, f"hooks.md lacks {heading}"
        body = section(text, heading)
        for arg in args:
            assert f"- `{arg}`" in body, f"hooks.md: {hook.__name__} does not describe {arg}"


def test_every_shipped_recipe_and_its_parameters_are_documented() -> None:
    text = (DOCS / "recipes.md").read_text()
    registry = PluginHost.from_entry_points().build_registry()
    shipped = {  # octoflow's own: other installed plugins document theirs
        name: path
        for name, path in registry.recipes.items()
        if registry.contributed_by("recipe", name) in REQUIRED_PROVIDERS
    }
    assert shipped
    for name, path in shipped.items():
        body = section(text, f"### `{name}`")
        for param in Recipe.load(path, name).params:
            row = f"| `{param.name}` | {param.kind} |"
            assert row in body, f"recipes.md: {name} lacks {param.name}"


def test_entry_point_snippets_name_the_real_group() -> None:
    page = DOCS / "writing-a-provider.md"
    snippets = fences(page, "toml") + fences(page, "ini")
    assert len(snippets) == 2
    for snippet in snippets:
        assert ENTRY_POINT_GROUP in snippet


def test_fault_examples_are_accepted_by_the_sandbox() -> None:
    blocks = fences(DOCS / "sandbox.md", "json")
    assert blocks
    for block in blocks:
        Settings().update(json.loads(block))


def test_in_process_url_and_key_are_as_documented() -> None:
    text = (DOCS / "sandbox.md").read_text()
    assert f"`{IN_PROCESS_URL}`" in text
    assert SANDBOX_API_KEY.startswith("API-EXAMPLE")


def test_the_documented_where_keyword_error_is_real() -> None:
    from octoflow.errors import UsageError

    octo = Octoflow.with_sandbox("empty")
    with pytest.raises(UsageError) as raised:
        octo.tenants.where(tags="Region/EU")
    shown = f"octoflow.errors.UsageError: {raised.value}"
    assert any(shown in block for block in fences(DOCS / "dsl-tenants.md", "text")), shown
