"""Models read and write Octopus JSON without losing what they do not model."""

from __future__ import annotations

import pytest

from octoflow.models import Lifecycle, Project, Tenant
from tests.sandbox.schema import load_sample as sample


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (Lifecycle, "lifecycle.json"),
        (Project, "project.create.request.json"),
        (Tenant, "tenant.create.request.docs-schema.json"),
    ],
)
def test_real_samples_round_trip_unchanged(model, name) -> None:
    """Reading a real document and writing it back gives the same document."""
    data = sample(name)
    assert model.from_wire(data).to_wire() == data


def test_unknown_fields_survive_a_read_modify_write() -> None:
    data = {
        "Id": "Tenants-1",
        "Name": "Acme",
        "TenantTags": ["Region/EU"],
        "ProjectEnvironments": {},
        "Icon": {"Color": "#fff", "Id": "star"},
        "SomeFutureField": [1, 2],
    }
    tenant = Tenant.from_wire(data)
    tenant.tenant_tags.append("Tier/Gold")
    out = tenant.to_wire()
    assert out["Icon"] == {"Color": "#fff", "Id": "star"}
    assert out["SomeFutureField"] == [1, 2]
    assert out["TenantTags"] == ["Region/EU", "Tier/Gold"]


def test_known_fields_the_server_omitted_are_not_invented() -> None:
    out = Tenant.from_wire({"Id": "Tenants-1", "Name": "Acme"}).to_wire()
    assert out == {"Id": "Tenants-1", "Name": "Acme"}


def test_nested_models_are_typed() -> None:
    lifecycle = Lifecycle.from_wire(sample("lifecycle.json"))
    assert lifecycle.phases and lifecycle.phases[0].name
    assert "Environments-1" in lifecycle.environment_ids([])


def test_lifecycle_without_phases_reaches_every_environment() -> None:
    assert Lifecycle.from_wire({"Phases": []}).environment_ids(["E-1", "E-2"]) == ["E-1", "E-2"]
