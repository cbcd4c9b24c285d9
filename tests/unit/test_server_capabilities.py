"""ServerCapabilities: what the connected server can do, from its root document."""

from __future__ import annotations

import pytest

from octoflow.client.capabilities import ServerCapabilities
from octoflow.serverversions import parse_version
from octoflow.session import Octoflow


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2022.3.5512", (2022, 3, 5512)),
        ("2020.5.0-rc.4+Branch.tags-2020.5.0", (2020, 5, 0)),
        ("2026.3.12345", (2026, 3, 12345)),
        ("0.0.0-local", (0, 0, 0)),
        ("", ()),
    ],
)
def test_versions_parse_to_numbers(text, parsed):
    assert parse_version(text) == parsed


def test_features_follow_the_version():
    old = ServerCapabilities("2020.5.0")
    new = ServerCapabilities("2022.3.5512")
    assert not old.has("executions API") and new.has("executions API")
    assert not new.has("disabled tenants")
    assert old.missing("executions API", "deploying through the executions API") == (
        "deploying through the executions API needs Octopus 2022.3 or newer "
        "(executions API); this server is 2020.5.0"
    )
    assert new.missing("executions API") is None


def test_a_version_that_is_not_a_release_number_counts_as_new():
    assert ServerCapabilities("local development build").has("disabled tenants")


def test_an_unknown_feature_is_an_error_naming_the_known_ones():
    with pytest.raises(KeyError, match="known: capabilities API, deployment freezes"):
        ServerCapabilities("2026.1.0").has("time travel")


@pytest.mark.parametrize(("profile", "version"), [("2020.5", "2020.5.0"), ("2022.3", "2022.3.0")])
def test_the_client_reads_them_from_the_root(profile, version):
    octo = Octoflow.with_sandbox("empty", server_version=profile)
    capabilities = octo.client.capabilities
    assert capabilities.version == version
    assert capabilities.has_link("Tenants") and not capabilities.has_link("Capabilities")
    assert capabilities.has("executions API") is (profile == "2022.3")
