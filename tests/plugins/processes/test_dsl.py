"""Selecting projects and steps with ``octo.projects`` against the demo sandbox."""

from __future__ import annotations

import attrs
import pytest

from octoflow import Octoflow, PlanError
from octoflow.errors import UsageError
from tests.e2e.support import api_for

SPACE = "/api/Spaces-1"
PROBE = {"Name": "Probe", "ActionType": "Octopus.Script"}


@pytest.fixture(scope="module")
def octo() -> Octoflow:
    """A demo sandbox shared by the read-only tests of this module."""
    return Octoflow.with_sandbox("demo")


@pytest.fixture(scope="module")
def demo(octo) -> dict[str, dict]:
    """Every project by name, with its group name and (when in the database) its process."""
    api = api_for(octo.sandbox)
    groups = {g["Id"]: g["Name"] for g in api.get(SPACE + "/projectgroups/all")}
    processes = {
        p["ProjectId"]: p for p in api.get(SPACE + "/deploymentprocesses", take=500)["Items"]
    }
    return {
        p["Name"]: dict(p, group=groups[p["ProjectGroupId"]], process=processes.get(p["Id"]))
        for p in api.get(SPACE + "/projects/all")
    }


#: Version-controlled projects whose branch is protected commit to a new branch.
REVIEWED = "probe/{{ plan.id }}"


def selected(octo, projects) -> set[str]:
    """Names of the (database) projects a selection picks, read off a plan."""
    plan = octo.plan(projects.on_new_branch(REVIEWED, only_protected=True).process.add_step(PROBE))
    found = [*plan.operations, *plan.unchanged]
    return {op.name for op in found if op.kind == "DeploymentProcess"}


def in_database(demo, test) -> set[str]:
    return {name for name, p in demo.items() if p["process"] is not None and test(p)}


def actions(p: dict):
    return [(s, a) for s in p["process"]["Steps"] for a in s["Actions"]]


def test_projects_by_group_name_and_lifecycle(octo, demo) -> None:
    assert selected(octo, octo.projects.where(group="Apps")) == in_database(
        demo, lambda p: p["group"] == "Apps"
    )
    assert selected(octo, octo.projects.where(group=["Apps", "Platform"])) == in_database(
        demo, lambda p: p["group"] in ("Apps", "Platform")
    )
    names = ["Customer Portal", "orders api"]
    assert selected(octo, octo.projects.where(name=names)) == {"Customer Portal", "Orders API"}
    assert selected(octo, octo.projects.where(partial_name="web")) == in_database(
        demo, lambda p: "web" in p["Name"].lower()
    )
    assert selected(octo, octo.projects.where(lifecycle="Dev and Test Only")) == in_database(
        demo, lambda p: p["LifecycleId"] == "Lifecycles-2"
    )


def test_projects_by_tenancy_state_and_predicate(octo, demo) -> None:
    assert selected(octo, octo.projects.where(tenanted=True)) == in_database(
        demo, lambda p: p["TenantedDeploymentMode"] != "Untenanted"
    )
    assert selected(octo, octo.projects.where(tenanted="TenantedOrUntenanted")) == in_database(
        demo, lambda p: p["TenantedDeploymentMode"] == "TenantedOrUntenanted"
    )
    disabled = selected(octo, octo.projects.where(is_disabled=True))
    assert disabled == {"Umber Web", "Xenon Admin", "Wishlist Worker", "Usage Reports"}
    short = octo.projects.where(lambda p: len(p.name) <= 8)
    assert selected(octo, short) == in_database(demo, lambda p: len(p["Name"]) <= 8)


def test_projects_by_what_their_process_holds(octo, demo) -> None:
    azure = octo.projects.where(has_step_type="Octopus.AzureAppService")
    assert selected(octo, azure) == in_database(
        demo, lambda p: any(a["ActionType"] == "Octopus.AzureAppService" for _, a in actions(p))
    )
    servers = octo.projects.where(uses_role="app-server", group="Services")
    expected = in_database(
        demo,
        lambda p: (
            p["group"] == "Services"
            and any(
                "app-server" in s["Properties"].get("Octopus.Action.TargetRoles", "")
                for s, _ in actions(p)
            )
        ),
    )
    assert selected(octo, servers) == expected and len(expected) > 40
    smoke = octo.projects.where(has_step="SMOKE TEST")
    assert selected(octo, smoke) == in_database(
        demo, lambda p: "Smoke test" in [s["Name"] for s, _ in actions(p)]
    )


def test_version_controlled_projects_are_read_at_their_branch_and_planned_as_commits(
    octo, demo
) -> None:
    octo.sandbox.clear_requests()
    apps = octo.projects.where(group="Apps").on_new_branch(REVIEWED, only_protected=True)

    plan = octo.plan(apps.process.add_step(PROBE))

    cac = sorted(n for n, p in demo.items() if p["group"] == "Apps" and p["IsVersionControlled"])
    assert cac == ["Atlas Web", "Garnet Admin", "Quartz Web"]
    git = {op.name: op for op in plan.operations if op.kind == "GitDeploymentProcess"}
    branch = f"probe/{plan.id}"
    assert sorted(git) == [
        "Atlas Web (branch main, 1 commit)",
        f"Garnet Admin (branch {branch}, new, 1 commit)",
        "Quartz Web (branch main, 1 commit)",
    ]
    message = f"octoflow (plan {plan.id})"  # no recipe: statements
    assert {op.send["ChangeDescription"] for op in git.values()} == {message}
    assert all("ChangeDescription" not in c.path for op in git.values() for c in op.changes)
    create = next(op for op in plan.operations if op.kind == "GitBranch")
    assert git[f"Garnet Admin (branch {branch}, new, 1 commit)"].depends_on == (create.key,)
    assert create.intents[0].args["name"] == branch
    logged = [r.path for r in octo.sandbox.requests]
    for name in cac:
        at = "refs%2fheads%2fmain/deploymentprocesses"
        assert sum(demo[name]["Id"] in p and p.lower().endswith(at) for p in logged) == 1
    note = next(n for n in plan.notes if "commits to version-controlled" in n)
    assert f"2 on main, 1 on {branch} (new)" in note


def test_a_protected_branch_with_nothing_to_commit_is_no_problem(octo) -> None:
    garnet = octo.projects.where(name="Garnet Admin")

    plan = octo.plan(garnet.process.remove_step("No such step"))

    assert plan.is_empty


def action_ids(plan) -> set[str]:
    return {i for op in plan.operations for intent in op.intents for i in intent.args["action_ids"]}


def marked(octo, steps) -> set[str]:
    """Ids of the database processes' actions a steps selection changes."""
    steps = steps.on_new_branch(REVIEWED, only_protected=True)
    plan = octo.plan(steps.set_property("Probe.Marker", "x"))
    return action_ids(
        attrs.evolve(
            plan, operations=[op for op in plan.operations if op.kind == "DeploymentProcess"]
        )
    )


def test_steps_by_type_role_and_name(octo, demo) -> None:
    apps = octo.projects.where(group="Apps")
    in_apps = [p for p in demo.values() if p["group"] == "Apps" and p["process"]]

    def ids(test) -> set[str]:
        return {a["Id"] for p in in_apps for s, a in actions(p) if test(s, a)}

    assert marked(octo, apps.steps.where(action_type="Octopus.Manual")) == ids(
        lambda s, a: a["ActionType"] == "Octopus.Manual"
    )
    assert marked(octo, apps.steps.where(role=["web-server", "azure-web-app"])) == ids(
        lambda s, a: (
            s["Properties"].get("Octopus.Action.TargetRoles") in ("web-server", "azure-web-app")
        )
    )
    assert marked(octo, apps.steps.where(name="smoke test")) == ids(
        lambda s, a: a["Name"] == "Smoke test"
    )


def test_steps_by_container_worker_state_and_predicate(octo, demo) -> None:
    everyone = [p for p in demo.values() if p["process"]]

    def ids(test) -> set[str]:
        return {a["Id"] for p in everyone for s, a in actions(p) if test(a)}

    steps = octo.projects.steps
    assert marked(octo, steps.where(uses_container=True)) == ids(lambda a: a["Container"]["Image"])
    worker = ids(lambda a: a["Properties"].get("Octopus.Action.RunOnServer") == "true")
    assert marked(octo, steps.where(runs_on_worker=True)) == worker
    assert marked(octo, steps.where(is_disabled=True)) == ids(lambda a: a["IsDisabled"])
    python = steps.where(
        lambda v: v.action.get("Properties", {}).get("Octopus.Action.Script.Syntax") == "Python"
    )
    assert marked(octo, python) == ids(
        lambda a: a["Properties"].get("Octopus.Action.Script.Syntax") == "Python"
    )


def test_bad_names_are_plan_problems_with_suggestions(octo) -> None:
    cases = [
        (
            octo.projects.where(group="Aps").process.add_step(PROBE),
            "unknown project group 'Aps': did you mean 'Apps'",
        ),
        (
            octo.projects.where(name="Custmer Portal").process.add_step(PROBE),
            "did you mean 'Customer Portal'",
        ),
        (
            octo.projects.where(lifecycle="Default").process.add_step(PROBE),
            "unknown lifecycle 'Default'",
        ),
        (
            octo.projects.steps.where(name="Smoke tst").disable(),
            "unknown step 'Smoke tst': did you mean 'Smoke test'",
        ),
        (
            octo.projects.runbooks("Restart Ap Pool").steps.disable(),
            "unknown runbook 'Restart Ap Pool'",
        ),
    ]
    for statement, message in cases:
        with pytest.raises(PlanError, match=message.replace("(", r"\(").replace(")", r"\)")):
            octo.plan(statement)


def test_shapes_are_checked_where_the_dsl_is_called(octo) -> None:
    with pytest.raises(UsageError, match="did you mean 'group'"):
        octo.projects.where(groups="Apps")
    with pytest.raises(UsageError, match="did you mean 'action_type'"):
        octo.projects.steps.where(actiontype="Octopus.Script")
    with pytest.raises(UsageError, match="not a container image name"):
        octo.projects.steps.set_container("octopuslabs/workertools latest")
    with pytest.raises(UsageError, match="needs an expression"):
        octo.projects.steps.set_condition("Variable")
    with pytest.raises(UsageError, match="'Sometimes' is not one of"):
        octo.projects.steps.set_condition("Sometimes")
    with pytest.raises(UsageError, match="only one of after=, before="):
        octo.projects.process.add_step(PROBE, after="A", before="B")
    with pytest.raises(UsageError, match="has no Name"):
        octo.projects.process.add_step({"ActionType": "Octopus.Script"})


def test_selections_without_verbs_note_what_they_select(octo) -> None:
    apps = octo.projects.where(group="Apps")
    plans = [octo.plan(s) for s in (apps, apps.process, apps.steps.where(name="Deploy"))]
    assert [p.is_empty for p in plans] == [True, True, True]
    assert plans[0].notes[-1].endswith("selects 60 project(s), 3 of them version-controlled")
    assert plans[1].notes[0].endswith("selects 60 project(s)")
    # 57 database processes and 3 version-controlled ones, read at their default branch
    assert plans[2].notes[-1].endswith("60 action(s) in 60 process(es) match")


def test_statements_are_immutable_and_describe_themselves(octo) -> None:
    apps = octo.projects.where(group="Apps")
    scripts = apps.steps.where(action_type="Octopus.Script")
    scripts.disable()
    assert scripts.verbs == () and apps.criteria == octo.projects.where(group="Apps").criteria
    text = scripts.set_container("python:3.12-slim").describe()
    assert text == (
        "projects.where(group='Apps').process.steps.where(action_type='Octopus.Script')"
        ".set_container(image='python:3.12-slim', feed='Docker Hub')"
    )
    runbook = apps.runbooks("Restart App Pool").publish().remove_step("Check health").describe()
    assert runbook == (
        "projects.where(group='Apps').runbooks('Restart App Pool').publish()"
        ".remove_step(steps=('Check health',))"
    )


def test_every_verb_describes_itself_as_plans_and_problems_have_always_shown_it(octo) -> None:
    """Plan notes, problems and the docs quote these: a verb's name and fields are its
    DSL call's (clear_… and set_excluded_environments keep their historical names)."""
    s, p = octo.projects.steps, octo.projects.process
    steps = [
        (s.set_container("img"), "set_container(image='img', feed='Docker Hub')"),
        (s.clear_container(), "clear_container()"),
        (s.set_worker_pool("Pool"), "set_worker_pool(pool='Pool')"),
        (s.set_worker_pool_variable("V"), "set_worker_pool_variable(variable='V')"),
        (s.set_environments("Test"), "set_environments(environments=('Test',))"),
        (s.clear_environments(), "set_environments()"),
        (s.set_excluded_environments("Test"), "set_excluded(environments=('Test',))"),
        (s.clear_excluded_environments(), "set_excluded()"),
        (s.set_channels("Default"), "set_channels(channels=('Default',))"),
        (s.clear_channels(), "set_channels()"),
        (s.set_tenant_tags("Tier/Gold"), "set_tenant_tags(tags=('Tier/Gold',))"),
        (s.clear_tenant_tags(), "set_tenant_tags()"),
        (s.enable(), "enable()"),
        (s.disable(), "disable()"),
        (s.set_property("P", "secret"), "set_property(property='P', value=…)"),
        (s.clear_property("P"), "clear_property(property='P')"),
        (
            s.change_type("T", rename={"a": "b"}, set={"c": 1}, keep_unmapped=False),
            "change_type(action_type='T', rename=(('a', 'b'),), set=(('c', '1'),), "
            "keep_unmapped=False)",
        ),
        (s.remove(), "remove()"),
        (s.add_roles("r"), "add_roles(roles=('r',))"),
        (s.remove_roles("r"), "remove_roles(roles=('r',))"),
        (s.set_roles("r"), "set_roles(roles=('r',))"),
        (
            s.set_condition("variable", "#{X}"),
            "set_condition(condition='Variable', expression='#{X}')",
        ),
        (
            s.set_start_trigger("StartWithPrevious"),
            "set_start_trigger(trigger='StartWithPrevious')",
        ),
    ]
    assert [st.describe() for st, _ in steps] == ["projects.process.steps." + c for _, c in steps]
    processes = [
        (
            p.add_step({"Name": "N"}, after="A"),
            "add_step(source=<step 'N'>, position={'after': 'A'})",
        ),
        (p.add_step({"Name": "N"}), "add_step(source=<step 'N'>, position={})"),
        (
            p.add_step(template="T", first=True),
            "add_step(source=<step 'T' from step template 'T'>, position={'first': True})",
        ),
        (p.remove_step("A", "B"), "remove_step(steps=('A', 'B'))"),
        (p.move_step("A", last=True), "move_step(step='A', position={})"),
        (p.move_step("A", before="B"), "move_step(step='A', position={'before': 'B'})"),
    ]
    assert [st.describe() for st, _ in processes] == ["projects.process." + c for _, c in processes]
