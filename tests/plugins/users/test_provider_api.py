"""The users provider on the public provider API: typed verbs that describe themselves
as the DSL call (plan titles and problems quote them). Its imports are checked with
every provider's in tests/meta/test_provider_imports.py."""

from __future__ import annotations

import pytest

from octoflow import Octoflow
from octoflow.provider import Verb


@pytest.fixture(scope="module")
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


NEW = [{"username": "ana.lee", "display_name": "Ana Lee", "email": "ana@example.com"}]
DESCRIBED = [
    (
        lambda o: o.users.where(team="Developers").deactivate(),
        "users.where(team='Developers').deactivate()",
    ),
    (lambda o: o.users.activate(), "users.activate()"),
    (
        lambda o: o.users.where(partial_name="x").add_to_team("Ops").remove_from_team("Dev"),
        "users.where(partial_name='x').add_to_team(team='Ops').remove_from_team(team='Dev')",
    ),
    (lambda o: o.users.where(username="bob").delete(), "users.where(username='bob').delete()"),
    (
        lambda o: o.teams.ensure("Release Managers").add_members(o.users.ensure_many(NEW)),
        "teams.ensure('Release Managers').add_members(members=<1 user(s)>)",
    ),
    (
        lambda o: o.teams.where(name="Developers").grant(
            "Project deployer", environments=["Test"], projects="A, B"
        ),
        "teams.where(name='Developers').grant(role='Project deployer', "
        "scopes={'environments': ('Test',), 'projects': ('A', 'B')})",
    ),
    (
        lambda o: o.teams.where(name="Developers").grant("Project deployer"),
        "teams.where(name='Developers').grant(role='Project deployer', scopes={})",
    ),
    (
        lambda o: (
            o.teams.where(partial_name="C")
            .remove_members(["alice.ng", "bob.li"])
            .revoke("X", tenants="T")
        ),
        "teams.where(partial_name='C').remove_members(members=['alice.ng', 'bob.li'])"
        ".revoke(role='X', scopes={'tenants': ('T',)})",
    ),
    (
        lambda o: o.teams.where(is_system=False).add_members(o.users.where(team="Devs")),
        "teams.where(is_system=False).add_members(members=<users.where(team='Devs')>)",
    ),
    (lambda o: o.teams.where(name="Old").delete(), "teams.where(name='Old').delete()"),
]


@pytest.mark.parametrize(("make", "text"), DESCRIBED, ids=[t for _, t in DESCRIBED])
def test_verbs_are_typed_and_describe_themselves_as_the_call(octo, make, text) -> None:
    statement = make(octo)
    assert statement.verbs
    assert all(isinstance(verb, Verb) for verb in statement.verbs)
    assert statement.describe() == text
