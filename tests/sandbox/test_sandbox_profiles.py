"""Server profiles: the sandbox answers as Octopus 2020.5, 2022.3, 2024.1 or the current release.

The 2020.5 profile serves exactly the routes of that server's Swagger export (in
``octoflow/sandbox/profiles/2020.5-routes.txt``); newer profiles serve the current
routes less those ``profiles/introduced.py`` dates later.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from octoflow.sandbox import Sandbox
from octoflow.sandbox.core.root import SERVER_VERSION
from octoflow.sandbox.profiles import PROFILE_NAMES, dated_routes, route_keys
from octoflow.sandbox.profiles.routes import legacy_routes, relative_key
from octoflow.serverversions import at_least
from tests.sandbox.conftest import in_process

SAMPLES = Path(__file__).parents[1] / "data" / "octopus-api" / "samples"
NO_ROUTE = "There is no API route for"
CLASSIFY = (
    "date each in INTRODUCED (octoflow/sandbox/profiles/introduced.py) with the Octopus "
    "release that brought it and where that comes from (UNCONFIRMED when no source pins "
    "it), or correct its path if the 2020.5 server had it (profiles/2020.5-routes.txt)"
)
#: One route per kind of difference, with the oldest profile that serves it.
SINCE = [
    ("POST", "/api/Spaces-1/releases/create/v1", "2022.3"),
    ("POST", "/api/Spaces-1/deployments/create/tenanted/v1", "2022.3"),
    ("POST", "/api/Spaces-1/runbook-runs/create/v1", "2022.3"),
    ("GET", "/api/Spaces-1/tenants/Tenants-1/commonvariables", "current"),
    ("GET", "/api/Spaces-1/projects/Projects-1/deploymentprocesses", "2022.3"),
    ("GET", "/api/spaces/default/tenants", "current"),
    ("GET", "/api/Spaces-1/tenants/Tenants-1/variables", "2020.5"),
    ("POST", "/api/Spaces-1/releases", "2020.5"),
]


@pytest.fixture(scope="module")
def current(areas) -> Sandbox:
    return Sandbox(areas, seed="demo")


@pytest.fixture(scope="module", params=PROFILE_NAMES)
def profiled(request, areas) -> Sandbox:
    return Sandbox(areas, seed="demo", server_version=request.param)


def test_every_route_is_in_the_2020_5_export_or_dated(current):
    """A route added to the sandbox must say when Octopus brought it, so the older
    profiles know whether to serve it."""
    unclassified = set()
    for key in route_keys(current.router):
        plain = key.by_space_id() if key.via_space_ref else key
        if plain.legacy not in legacy_routes() and relative_key(plain) not in dated_routes():
            unclassified.add(relative_key(plain))
    assert not unclassified, (
        f"{len(unclassified)} sandbox route(s) are neither in the 2020.5 Swagger export nor "
        f"dated: {', '.join(sorted(unclassified))}; {CLASSIFY}"
    )


def test_dated_routes_are_newer_than_2020_5():
    """An entry for a route the 2020.5 export already has would hide a path mistake."""
    relative_2020_5 = {_relative(route) for route in legacy_routes()}
    for route, version in dated_routes().items():
        assert not at_least("2020.5", version), f"{route} is dated {version}, not after 2020.5"
        assert route not in relative_2020_5, f"{route} is in the 2020.5 export; do not date it"


def _relative(legacy: str) -> str:
    """``GET /api/{}/tenants/{}`` (or ``GET /api/tenants/{}``) → ``GET /tenants/{}``."""
    method, path = legacy.split(" ", 1)
    parts = path.strip("/").split("/")[1:]
    if parts[:1] == ["{}"]:
        parts = parts[1:]
    return f"{method} /{'/'.join(parts)}"


def test_the_2020_5_profile_serves_exactly_the_export_routes(areas, current):
    old = Sandbox(areas, seed="empty", server_version="2020.5")
    served = {k.legacy for k in route_keys(old.router)}
    assert served <= legacy_routes()
    in_export = {k.legacy for k in route_keys(current.router) if k.legacy in legacy_routes()}
    assert served == in_export, "a route of the export was left out of the 2020.5 profile"


@pytest.mark.parametrize(("method", "path", "since"), SINCE)
def test_a_route_is_served_from_the_release_that_brought_it(profiled, method, path, since):
    response = in_process(profiled).request(method, path, json={})
    name = profiled.profile.name
    has_it = name == "current" or (since != "current" and at_least(name, since))
    if has_it:
        assert response.status_code != 404 or NO_ROUTE not in response.text, (name, path)
    else:
        assert response.status_code == 404, (name, path, response.status_code)
        assert response.json()["ErrorMessage"].startswith(NO_ROUTE), response.text


def test_the_root_reports_the_profile_version(profiled):
    root = in_process(profiled, key=None).get("/api").json()
    wanted = {"2020.5": "2020.5.0", "2022.3": "2022.3.0", "2024.1": "2024.1.0"}
    assert root["Version"] == wanted.get(profiled.profile.name, SERVER_VERSION)


class CapabilitiesArea:
    """An area serving a route newer than 2020.5 and advertising it in the root."""

    name = "capabilities-test"

    def register_routes(self, router) -> None:
        router.system("GET", "/capabilities", lambda req: {"Capabilities": []})
        router.link("Capabilities", "/capabilities", space_scoped=False)

    def seed(self, state, seed) -> None:
        pass


@pytest.mark.parametrize(("version", "advertised"), [("2020.5", False), ("2022.3", True)])
def test_a_link_is_advertised_only_where_its_route_is_served(areas, version, advertised):
    sandbox = Sandbox([*areas, CapabilitiesArea()], seed="empty", server_version=version)
    api = in_process(sandbox)
    assert ("Capabilities" in api.get("/api").json()["Links"]) is advertised
    assert api.get("/api/capabilities").status_code == (200 if advertised else 404)


def test_the_2020_5_root_has_only_links_that_server_had(areas):
    """Compared with the root document of a real 2020.4.0 server (the nearest sample)."""
    sample = json.loads((SAMPLES / "api-root.2020.4.0.response.json").read_text())["Links"]
    old = Sandbox(areas, seed="demo", server_version="2020.5")
    links = in_process(old).get("/api").json()["Links"]
    assert set(links) <= set(sample), sorted(set(links) - set(sample))
    assert "Tenants" in links and "Releases" in links


def test_the_control_api_switches_the_profile(areas):
    sandbox = Sandbox(areas, seed="demo")
    api = in_process(sandbox)
    path = "/api/Spaces-1/tenants/Tenants-1/commonvariables"
    assert api.get(path).status_code == 200
    settings = api.put("/_sandbox/settings", {"server_version": "2020.5"}).json()
    assert settings["server_version"] == "2020.5"
    assert api.get(path).status_code == 404
    assert api.get("/api").json()["Version"] == "2020.5.0"
    assert api.get("/_sandbox/settings").json()["server_version"] == "2020.5"


def test_a_bad_server_version_changes_nothing(areas):
    sandbox = Sandbox(areas, seed="empty")
    api = in_process(sandbox)
    response = api.put("/_sandbox/settings", {"server_version": "2019.1", "latency_ms": 5})
    assert response.status_code == 400
    assert "2020.5" in " ".join(response.json()["Errors"])
    assert api.get("/_sandbox/settings").json() == {
        "latency_ms": 0,
        "concurrency_limit": None,
        "faults": [],
        "rate_limit": None,
        "server_version": "current",
    }


def test_an_unknown_profile_is_refused(areas):
    with pytest.raises(ValueError, match="2020.5, 2022.3, 2024.1, current"):
        Sandbox(areas, seed="empty", server_version="2021.1")


def test_a_stale_process_version_is_a_400_on_2020_5(areas):
    """The one behaviour REFERENCE dates to 2020.5 beyond routes; every profile keeps it."""
    api = in_process(Sandbox(areas, seed="demo", server_version="2020.5"))
    process = api.get("/api/Spaces-1/deploymentprocesses/deploymentprocess-Projects-1").json()
    stale = {**process, "Version": process["Version"] - 1}
    response = api.put(f"/api/Spaces-1/deploymentprocesses/{process['Id']}", stale)
    assert response.status_code == 400
    assert "could not be saved" in response.json()["ErrorMessage"]
