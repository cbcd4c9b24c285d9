"""Admission checks: an area vetoes documents another area's create path makes
(``router.admission``), answered with the server's 400 and nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from octoflow.sandbox import Sandbox
from tests.sandbox.conftest import Client, in_process

SPACE = "/api/Spaces-1"
PROBLEM = "There was a problem with your request."


class Veto:
    """An area that refuses environments whose name starts with ``Frozen``."""

    name = "veto"

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def register_routes(self, router: Any) -> None:
        router.admission("Environments", self.check)

    def seed(self, state: Any, seed: str) -> None:
        pass

    def check(self, req: Any, doc: dict[str, Any]) -> list[str]:
        self.seen.append(dict(doc))
        if doc["Name"].startswith("Frozen"):
            return [f"The environment {doc['Name']} is refused by the veto area."]
        return []


@pytest.fixture
def veto() -> Veto:
    return Veto()


@pytest.fixture
def api(areas, veto) -> Client:
    return in_process(Sandbox([*areas, veto], seed="demo"))


def environment_names(api: Client) -> list[str]:
    return [e["Name"] for e in api.json(f"{SPACE}/environments/all")]


def test_a_refused_create_is_the_servers_400_and_stores_nothing(api, veto) -> None:
    before = environment_names(api)
    response = api.post(f"{SPACE}/environments", {"Name": "Frozen Lake"})
    assert response.status_code == 400, response.text
    assert response.json() == {
        "ErrorMessage": PROBLEM,
        "Errors": ["The environment Frozen Lake is refused by the veto area."],
    }
    assert environment_names(api) == before
    # The check saw the document about to be stored, before it had an id.
    assert veto.seen[-1]["Name"] == "Frozen Lake" and veto.seen[-1]["Id"] is None


def test_an_admitted_create_gets_the_next_id(api) -> None:
    api.post(f"{SPACE}/environments", {"Name": "Frozen Lake"})
    response = api.post(f"{SPACE}/environments", {"Name": "Lakeside"})
    assert response.status_code == 201, response.text
    assert response.json()["Id"] == "Environments-5"  # the refused one used no id


def test_updates_are_not_admission_checked(api, veto) -> None:
    production = next(e for e in api.json(f"{SPACE}/environments/all") if e["Name"] == "Production")
    response = api.put(f"{SPACE}/environments/{production['Id']}", {**production, "Name": "Frozen"})
    assert response.status_code == 200, response.text
    assert veto.seen == []
