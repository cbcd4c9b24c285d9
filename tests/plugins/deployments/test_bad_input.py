"""Bad input to the release and deployment recipes: one clear message, exit 2, nothing created."""

from __future__ import annotations

import json

import pytest

from tests.e2e.support import TEST_KEY, writes

CASES = [
    (
        ["release-create", "-p", "project=Compas Web"],
        "unknown project 'Compas Web': did you mean 'Compass Web'",
    ),
    (
        ["release-create", "-p", "project=Compass Web", "-p", "channel=Hotfx"],
        "unknown channel of 'Compass Web' 'Hotfx': did you mean 'Hotfix'",
    ),
    (
        ["release-create", "-p", "project=Compass Web", "-p", "packages=Deploy:[9.0,10.0)"],
        "no version of package",
    ),
    (
        ["release-create", "-p", "project=Compass Web", "-p", "packages=Deplo:1.0.0"],
        "package rule for unknown step(s) deplo (package steps: Deploy)",
    ),
    (
        ["release-create", "-p", "project=Compass Web", "-p", "version=banana"],
        "'banana' is not a release version",
    ),
    (
        ["release-deploy", "-p", "project=Garnet Web", "-p", "environment=Stagin"],
        "unknown environment 'Stagin': did you mean 'Staging'",
    ),
    (
        [
            "release-deploy",
            "-p",
            "project=Garnet Web",
            "-p",
            "version=9.9.9",
            "-p",
            "environment=Test",
        ],
        "unknown release of 'Garnet Web' '9.9.9'",
    ),
    (
        ["release-deploy", "-p", "project=Garnet Web", "-p", "environment=Production"],
        "the lifecycle does not allow Garnet Web 1.2.0 in Production yet",
    ),
    (
        ["release-deploy", "-p", "project=Atlas Admin", "-p", "environment=Test"],
        "project 'Atlas Admin' only deploys to tenants",
    ),
    (
        [
            "release-deploy",
            "-p",
            "project=Garnet Web",
            "-p",
            "environment=Test",
            "-p",
            "skip_steps=Nope",
        ],
        "no step 'Nope' to skip",
    ),
    (
        ["release-deploy", "-p", "project=Garnet Web", "-p", "environment=Test", "-p", "timeout=0"],
        "timeout and poll must be positive",
    ),
    (
        [
            "release-deploy",
            "-p",
            "project=Garnet Web",
            "-p",
            "environment=Staging",
            "-p",
            "variables=Approver",
        ],
        "variables: 'Approver' is not Name=Value",
    ),
    (
        [
            "release-deploy",
            "-p",
            "project=Garnet Web",
            "-p",
            "environment=Staging",
            "-p",
            "queue_time=tomorrow",
        ],
        "queue_time 'tomorrow' is not an ISO 8601 date-time",
    ),
    (
        ["promote", "-p", "from_env=Tset", "-p", "to_env=Staging"],
        "unknown environment 'Tset': did you mean 'Test'",
    ),
]


@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(c[0][:3]) for c in CASES])
def test_bad_input_is_refused_before_anything_is_written(server, cli, args, message) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()

    code, out, err = cli("apply", *args, "--yes")

    assert code == 2
    assert message in err
    assert writes(sandbox) == []
    assert TEST_KEY not in out + err


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("not json", "is not valid JSON"),
        ('{"projects": 3}', "must be a JSON list of projects"),
        ('[{"name": "Garnet Web"}]', "each coordinated entry needs a 'project'"),
        ('[{"project": "Garnet Web", "afterwards": []}]', "unknown key(s) afterwards"),
        (
            json.dumps([{"project": "Garnet Web", "after": ["Ember Admin"]}]),
            "comes after 'Ember Admin', which is not in the list",
        ),
        (
            json.dumps(
                [
                    {"project": "Garnet Web", "after": ["Ember Admin"]},
                    {"project": "Ember Admin", "after": ["Garnet Web"]},
                ]
            ),
            "depend on each other in a cycle",
        ),
    ],
)
def test_bad_coordinated_specs_are_refused(server, cli, tmp_path, spec, message) -> None:
    sandbox, _srv = server
    path = tmp_path / "spec.json"
    path.write_text(spec)
    sandbox.clear_requests()

    code, _out, err = cli(
        "apply", "deploy-coordinated", "-p", f"spec={path}", "-p", "environment=Staging", "--yes"
    )

    assert code == 2
    assert message in err
    assert writes(sandbox) == []
