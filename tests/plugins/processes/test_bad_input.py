"""Bad input to the process recipes: one clear message, exit code 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.support import writes

NOTIFY = Path(__file__).parent / "data" / "notify-slack.json.j2"


def apply(recipe: str, *params: str) -> tuple[str, ...]:
    return ("apply", recipe, *(a for p in params for a in ("-p", p)), "--yes")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            apply("projects-use-container", "group=Apps", "feed=Dockr Hub"),
            "unknown feed 'Dockr Hub': did you mean 'Docker Hub'",
        ),
        (
            apply("projects-use-container", "group=Apps", "feed=NuGet.org"),
            "feed 'NuGet.org' is a NuGet feed, not a container registry",
        ),
        (
            apply("projects-use-worker-pool", "group=Apps", "worker_pool=No Such Pool"),
            "unknown worker pool 'No Such Pool'",
        ),
        (
            apply("projects-add-step", "group=Apps", f"step={NOTIFY}", "after=Deplyo"),
            "unknown step 'Deplyo': did you mean 'Deploy'",
        ),
        (
            apply("projects-remove-step", "group=Apps", "name=Smoke tst"),
            "unknown step 'Smoke tst': did you mean 'Smoke test'",
        ),
        (
            apply("projects-use-container", "group=Aps"),
            "unknown project group 'Aps': did you mean 'Apps'",
        ),
        (
            apply("projects-use-container", "project=Customer Portl"),
            "unknown project 'Customer Portl': did you mean 'Customer Portal'",
        ),
    ],
)
def test_names_that_do_not_resolve(server, cli, args, expected) -> None:
    sandbox, _srv = server
    code, _out, err = cli(*args)
    assert code == 2, err
    assert expected in err
    assert "nothing was changed" in err
    assert writes(sandbox) == []


def test_an_anchor_missing_in_some_processes_names_them(server, cli) -> None:
    sandbox, _srv = server
    code, _out, err = cli(
        *apply("projects-add-step", "group=Apps", f"step={NOTIFY}", "after=Smoke test")
    )
    assert code == 2
    # 29 database processes and Garnet Admin's, in Git
    assert "step 'Smoke test' is missing in 30 selected process(es)" in err
    assert "'Aspen Admin'" in err and "where(has_step='Smoke test')" in err
    assert writes(sandbox) == []


BAD_FILES = [
    (
        "bad.json",
        '{\n  "Name": "X",\n  "ActionType": Octopus.Script\n}\n',
        "is not valid JSON: line 3 column 17: Expecting value",
    ),
    ("list.json", "[]", "must hold a JSON object (one step), not list"),
    ("broken.json.j2", '{\n  "Name": "{{ project.name }",\n}\n', "line 2: unexpected '}'"),
]


@pytest.mark.parametrize(("name", "text", "expected"), BAD_FILES)
def test_step_files_that_do_not_parse_stop_before_any_request(
    server, cli, tmp_path, name, text, expected
) -> None:
    sandbox, _srv = server
    path = tmp_path / name
    path.write_text(text)

    code, _out, err = cli(*apply("projects-add-step", "group=Apps", f"step={path}"))

    assert code == 2
    assert str(path) in err and expected in err
    assert sandbox.requests == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{\n  "Name": "Notify",\n  "ActionType": "Octopus.Script",\n'
            '  "Notes": "{{ project.nam }}"\n}\n',
            "line 4: 'dict object' has no attribute 'nam' (rendering it for project",
        ),
        (
            '{\n  "Name": "Notify",\n  "Notes": "{{ project.name }}" "x"\n}\n',
            "is not valid JSON: line 3 column",
        ),
    ],
)
def test_templates_that_fail_for_a_project_are_plan_problems(
    server, cli, tmp_path, text, expected
) -> None:
    sandbox, _srv = server
    path = tmp_path / "step.json.j2"
    path.write_text(text)

    code, _out, err = cli(*apply("projects-add-step", "group=Apps", f"step={path}"))

    assert code == 2
    assert str(path) in err and expected in err
    assert "more project(s)" in err and "nothing was changed" in err
    assert writes(sandbox) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (apply("projects-use-container", "image=x"), "select projects with -p project="),
        (
            apply("projects-add-step", "group=Apps", f"step={NOTIFY}", "after=A", "before=B"),
            "give after or before, not both",
        ),
        (
            apply("projects-add-step", "group=Apps", "step=missing.json"),
            "no such file 'missing.json'",
        ),
        (
            apply("projects-use-container", "group=Apps", "image=has space"),
            "'has space' is not a container image name",
        ),
    ],
)
def test_usage_errors(server, cli, args, expected) -> None:
    sandbox, _srv = server
    code, _out, err = cli(*args)
    assert code == 2
    assert expected in err
    assert writes(sandbox) == []
