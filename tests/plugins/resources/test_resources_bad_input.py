"""Bad input to ``resources-set`` / ``resources-delete`` is one clear message, exit code 2,
and nothing written (the sandbox saw no write)."""

from __future__ import annotations

import pytest

from tests.e2e.support import writes

LIFECYCLE = ("-p", "collection=Lifecycles", "-p", "where=Default Lifecycle")
FEED = ("-p", "collection=Feeds", "-p", "where=Docker Hub")

CASES = {
    "unknown collection": (
        ("resources-set", "-p", "collection=Lifecycle", "-p", "set=Description=x"),
        "unknown collection 'Lifecycle': did you mean 'Lifecycles'?",
    ),
    "a collection octoflow does not write": (
        ("resources-set", "-p", "collection=Releases", "-p", "set=Version=1"),
        "octoflow does not write Releases through resources",
    ),
    "unknown document name": (
        (
            "resources-set",
            "-p",
            "collection=Lifecycles",
            "-p",
            "where=Default",
            "-p",
            "set=Description=x",
        ),
        "unknown Lifecycle name 'Default': did you mean 'Default Lifecycle'?",
    ),
    "a field that does not exist": (
        ("resources-set", *LIFECYCLE, "-p", "set=ReleaseRetentionPolicy.QuantityToKep=3"),
        "unknown field in ReleaseRetentionPolicy 'QuantityToKep': did you mean 'QuantityToKeep'?",
    ),
    "a top-level field that does not exist": (
        ("resources-set", *LIFECYCLE, "-p", "set=Retention=3"),
        "unknown field 'Retention'",
    ),
    "a list selector matching nothing": (
        ("resources-set", *LIFECYCLE, "-p", "set=Phases[Name=UAT].IsOptionalPhase=true"),
        "Phases: unknown item with Name 'UAT'",
    ),
    "a list selector matching several": (
        (
            "resources-set",
            *LIFECYCLE,
            "-p",
            "set=Phases[IsOptionalPhase=false].MinimumEnvironmentsBeforePromotion=1",
        ),
        "Phases: 4 items have IsOptionalPhase=false; pick one by a field that is unique",
    ),
    "a list of objects without a selector": (
        ("resources-set", *LIFECYCLE, "-p", "set=Phases.Name=x"),
        "Phases is a list of objects: pick one by a key field",
    ),
    "text for a number": (
        ("resources-set", *LIFECYCLE, "-p", "set=ReleaseRetentionPolicy.QuantityToKeep=thirty"),
        "ReleaseRetentionPolicy.QuantityToKeep holds a number (0), and 'thirty' is text",
    ),
    "a number for a list": (
        ("resources-set", *LIFECYCLE, "-p", "set=Phases[Name=Test].OptionalDeploymentTargets=3"),
        "holds a list",
    ),
    "a number added to a list of text": (
        ("resources-set", *LIFECYCLE, "-p", "add=Phases[Name=Test].OptionalDeploymentTargets=3"),
        "an item of Phases[Name=Test].OptionalDeploymentTargets holds text",
    ),
    "read-only Id": (
        ("resources-set", *LIFECYCLE, "-p", "set=Id=Lifecycles-9"),
        "Id is read-only",
    ),
    "read-only Links": (
        ("resources-set", *LIFECYCLE, "-p", "set=Links.Self=/x"),
        "Links is read-only",
    ),
    "read-only SpaceId": (
        ("resources-set", *LIFECYCLE, "-p", "set=SpaceId=Spaces-2"),
        "SpaceId is read-only",
    ),
    "read-only LastModifiedOn": (
        ("resources-set", *LIFECYCLE, "-p", "set=LastModifiedOn=2020-01-01"),
        "LastModifiedOn is read-only",
    ),
    "read-only LastModifiedBy": (
        ("resources-set", *LIFECYCLE, "-p", "set=LastModifiedBy=me"),
        "LastModifiedBy is read-only",
    ),
    "a blank path": (
        ("resources-set", *LIFECYCLE, "-p", "set==30"),
        "the path is empty",
    ),
    "a malformed path": (
        ("resources-set", *LIFECYCLE, "-p", "set=Phases[0].Name=x"),
        "is malformed",
    ),
    "a change without a value": (
        ("resources-set", *LIFECYCLE, "-p", "set=Description"),
        "has no value: write -p set=PATH=VALUE",
    ),
    "no change at all": (
        ("resources-set", *LIFECYCLE),
        "resources-set needs a change",
    ),
    "a sensitive value": (
        ("resources-set", *FEED, "-p", "set=Password.NewValue=hunter2"),
        "Password is a secret: plans never hold secrets, so give it with set_secret",
    ),
    "a sensitive value set whole": (
        ("resources-set", *FEED, "-p", 'set=Password={"HasValue": true, "NewValue": "hunter2"}'),
        "Password is a secret",
    ),
    "a blank where": (
        ("resources-set", "-p", "collection=Lifecycles", "-p", "where=", "-p", "set=Description=x"),
        "parameter 'where' is empty",
    ),
    "a blank collection": (
        ("resources-set", "-p", "collection=", "-p", "set=Description=x"),
        "parameter 'collection' is empty",
    ),
    "a delete without where": (
        ("resources-delete", "-p", "collection=Feeds"),
        "missing parameter 'where'",
    ),
    "a delete with a blank where": (
        ("resources-delete", "-p", "collection=Feeds", "-p", "where=,"),
        "parameter 'where' is empty",
    ),
    "a non-repeatable parameter given twice": (
        ("resources-set", *LIFECYCLE, "-p", "collection=Feeds", "-p", "set=Description=x"),
        "parameter 'collection' given twice",
    ),
}


@pytest.mark.parametrize(("args", "message"), list(CASES.values()), ids=list(CASES))
@pytest.mark.parametrize("command", ["plan", "apply"])
def test_bad_input_is_exit_2_with_one_message_and_no_write(
    server, cli, command, args, message
) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    extra = ("--yes", "--allow-wide") if command == "apply" else ()

    code, out, err = cli(command, *args, *extra)

    assert code == 2, (out, err)
    assert message in err
    assert writes(sandbox) == []
    assert "hunter2" not in out + err


def test_every_problem_of_a_plan_is_reported_at_once(server, cli) -> None:
    sandbox, _srv = server
    code, _out, err = cli(
        "plan",
        "resources-set",
        *LIFECYCLE,
        "-p",
        "set=Phases[Name=UAT].IsOptionalPhase=true",
        "-p",
        "set=ReleaseRetentionPolicy.QuantityToKep=3",
    )
    assert code == 2
    assert "Phases: unknown item with Name 'UAT'" in err
    assert "unknown field in ReleaseRetentionPolicy 'QuantityToKep'" in err
    assert writes(sandbox) == []
