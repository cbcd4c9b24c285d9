"""Core routes that advertised links and real clients reach: logos, project and
environment metadata, deployment settings, environments v2 and capabilities."""

from __future__ import annotations

import pytest

from octoflow.sandbox.core.logos import DEFAULT_LOGO
from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
LOGOS = [
    f"{SPACE}/projects/Projects-1/logo",
    f"{SPACE}/tenants/Tenants-1/logo",
    "/api/spaces/Spaces-1/logo",
    f"{SPACE}/actiontemplates/ActionTemplates-1/logo",
]


@pytest.mark.parametrize("path", LOGOS)
def test_a_logo_is_an_image_until_one_is_uploaded(fresh_api, path):
    default = fresh_api.get(path)
    assert (default.status_code, default.headers["Content-Type"]) == (200, "image/png")
    assert default.content.startswith(b"\x89PNG\r\n\x1a\n")
    stored = fresh_api.request("PUT", path, data=GIF)
    assert (stored.status_code, stored.content) == (200, b"")
    again = fresh_api.get(path)
    assert (again.headers["Content-Type"], again.content) == ("image/gif", GIF)


def test_a_logo_can_be_posted_as_a_form_upload(fresh_api):
    path = f"{SPACE}/projects/Projects-2/logo"
    response = fresh_api.request("POST", path, files={"file": ("logo.gif", GIF, "image/gif")})
    assert response.status_code == 200
    assert fresh_api.get(path).content == GIF


def test_what_is_not_an_image_is_refused(fresh_api):
    path = f"{SPACE}/projects/Projects-1/logo"
    response = fresh_api.request("PUT", path, data=b"not an image")
    assert response.status_code == 400
    assert response.json()["Errors"] == ["Invalid image provided."]
    assert fresh_api.get(path).content == DEFAULT_LOGO
    assert fresh_api.get(f"{SPACE}/projects/Projects-9999/logo").status_code == 404


def test_metadata_lists_no_extension_settings(api):
    project = api.json(f"{SPACE}/projects/Projects-1/metadata")
    environment = api.json(f"{SPACE}/environments/Environments-1/metadata")
    validate("ProjectSettingsMetadata[]", project)
    validate("DeploymentEnvironmentSettingsMetadata[]", environment)
    assert project == environment == []
    assert api.get(f"{SPACE}/environments/Environments-999/metadata").status_code == 404


def test_deployment_settings_are_the_projects_own(fresh_api):
    path = f"{SPACE}/projects/Projects-1/deploymentsettings"
    settings = fresh_api.json(path)
    assert settings["Id"] == "deploymentsettings-Projects-1"
    assert settings["ProjectId"] == "Projects-1"
    project = fresh_api.json(f"{SPACE}/projects/Projects-1")
    assert settings["ConnectivityPolicy"] == project["ProjectConnectivityPolicy"]
    assert settings["VersioningStrategy"] == project["VersioningStrategy"]
    changed = dict(settings, DefaultGuidedFailureMode="On", ReleaseNotesTemplate="notes")
    changed["ConnectivityPolicy"] = dict(settings["ConnectivityPolicy"], TargetRoles=["web"])
    answer = fresh_api.put(path, changed)
    assert answer.status_code == 200, answer.text
    assert answer.json()["DefaultGuidedFailureMode"] == "On"
    project = fresh_api.json(f"{SPACE}/projects/Projects-1")
    assert project["DefaultGuidedFailureMode"] == "On"
    assert project["ReleaseNotesTemplate"] == "notes"
    assert project["ProjectConnectivityPolicy"]["TargetRoles"] == ["web"]


def test_deployment_settings_refuse_a_bad_guided_failure_mode(fresh_api):
    path = f"{SPACE}/projects/Projects-1/deploymentsettings"
    response = fresh_api.put(path, {"DefaultGuidedFailureMode": "Sometimes"})
    assert response.status_code == 400
    assert fresh_api.json(path)["DefaultGuidedFailureMode"] == "EnvironmentDefault"


def test_environments_v2_are_static_environments(api):
    listed = api.json(f"{SPACE}/environments/v2")
    validate("EnvironmentResourceResourceCollection", listed)
    classic = api.json(f"{SPACE}/environments/all")
    assert [e["Id"] for e in listed["Items"]] == [e["Id"] for e in classic]
    assert {e["Type"] for e in listed["Items"]} == {"Static"}
    assert api.json(f"{SPACE}/environments/v2", type="Ephemeral")["TotalResults"] == 0
    named = api.json(f"{SPACE}/environments/v2", partialName="prod")["Items"]
    assert [e["Name"] for e in named] == ["Production"]


def test_capabilities_name_the_executions_api(api):
    body = api.json("/api/capabilities")
    assert set(body) == {"Capabilities"}
    assert {"GetAllSpacesRequest", "CreateReleaseCommandV1"} <= set(body["Capabilities"])
