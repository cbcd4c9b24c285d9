"""Channel rules resolved in a deployment process: actions by name, one package
reference of an action, every package, and what does not resolve."""

from __future__ import annotations

from octoflow_plugins.channels.intents import set_rules
from octoflow_plugins.channels.rules import Rule

PROCESS = {
    "Steps": [
        {"Actions": [{"Name": "Deploy", "Packages": [{"Name": ""}, {"Name": "sidecar"}]}]},
        {"Actions": [{"Name": "Smoke test", "Packages": []}]},
        {"Actions": [{"Name": "Migrate", "Packages": [{"Name": "db"}]}]},
    ]
}


def refs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"DeploymentAction": a, "PackageReference": r} for a, r in pairs]


def test_an_action_name_takes_all_its_packages_and_a_reference_one_of_them() -> None:
    assert Rule.of({"steps": "deploy", "tag": "x"}).packages(PROCESS) == (
        refs(("Deploy", ""), ("Deploy", "sidecar")),
        [],
    )
    assert Rule.of({"steps": ["Deploy:SIDECAR", "Migrate"], "tag": "x"}).packages(PROCESS) == (
        refs(("Deploy", "sidecar"), ("Migrate", "db")),
        [],
    )


def test_star_takes_every_package_of_the_process() -> None:
    packages, missing = Rule.of({"steps": "*", "tag": "x"}).packages(PROCESS)
    assert packages == refs(("Deploy", ""), ("Deploy", "sidecar"), ("Migrate", "db"))
    assert missing == []


def test_an_action_without_packages_or_an_unknown_one_is_reported() -> None:
    _, missing = Rule.of({"steps": ["Smoke test", "Deploy:main"], "tag": "x"}).packages(PROCESS)
    assert missing == [
        "unknown package step 'Smoke test'; known: Deploy, Deploy:sidecar, Migrate, Migrate:db",
        "unknown package step 'Deploy:main': did you mean 'Deploy' or 'Deploy:sidecar'?",
    ]


def test_set_rules_keeps_the_id_of_a_rule_for_the_same_packages_and_drops_others() -> None:
    channel = {
        "Rules": [
            {"Id": "r1", "ActionPackages": refs(("Deploy", "")), "Tag": "^$", "VersionRange": None},
            {
                "Id": "r2",
                "ActionPackages": refs(("Migrate", "db")),
                "Tag": "^x",
                "VersionRange": None,
            },
        ]
    }
    wanted = {"ActionPackages": refs(("deploy", "")), "VersionRange": "[1.0,)", "Tag": None}
    set_rules(channel, {"rules": [wanted]})
    assert channel["Rules"] == [{"Id": "r1", **wanted}]
    set_rules(channel, {"rules": [wanted]})  # idempotent
    assert channel["Rules"] == [{"Id": "r1", **wanted}]
