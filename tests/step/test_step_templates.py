"""Exported step templates follow the community library's format."""

from __future__ import annotations

import json
import uuid

import pytest

from octoflow.cli import main
from octoflow.plugin import PluginHost

TOP_KEYS = {
    "Id",
    "Name",
    "Description",
    "ActionType",
    "Version",
    "CommunityActionTemplateId",
    "Packages",
    "Properties",
    "Parameters",
    "StepPackageId",
    "$Meta",
    "LastModifiedBy",
    "Category",
}
CONTROL_TYPES = {"SingleLineText", "MultiLineText", "Sensitive", "Checkbox", "Select"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("templates")
    assert main(["step-templates", "export", str(out)]) == 0
    return {p.name: json.loads(p.read_text()) for p in out.glob("*.json")}


def test_one_template_per_recipe_a_generic_one_and_a_drift_check(exported) -> None:
    recipes = PluginHost.from_entry_points().build_registry().recipes
    assert set(exported) == {f"octoflow-{r}.json" for r in recipes} | {
        "octoflow-run-an-octoflow-recipe.json",
        "octoflow-check-a-recipe-for-drift.json",
    }
    check = exported["octoflow-check-a-recipe-for-drift.json"]
    assert "Octoflow.Apply" not in {p["Name"] for p in check["Parameters"]}


def test_templates_have_the_library_shape(exported) -> None:
    ids = set()
    for template in exported.values():
        assert set(template) == TOP_KEYS
        assert template["ActionType"] == "Octopus.Script" == template["StepPackageId"]
        props = template["Properties"]
        assert props["Octopus.Action.Script.Syntax"] == "Python"
        assert props["Octopus.Action.Script.ScriptSource"] == "Inline"
        compile(props["Octopus.Action.Script.ScriptBody"], template["Name"], "exec")
        assert template["$Meta"]["Type"] == "ActionTemplate"
        ids.add(uuid.UUID(template["Id"]))
        names = [p["Name"] for p in template["Parameters"]]
        assert len(names) == len(set(names))
        for param in template["Parameters"]:
            assert set(param) == {
                "Id",
                "Name",
                "Label",
                "HelpText",
                "DefaultValue",
                "DisplaySettings",
            }
            assert param["DisplaySettings"]["Octopus.ControlType"] in CONTROL_TYPES
            ids.add(uuid.UUID(param["Id"]))
    assert len(ids) == len(exported) + sum(len(t["Parameters"]) for t in exported.values())


def test_recipe_parameters_become_template_parameters(exported) -> None:
    template = exported["octoflow-tenants-add-project.json"]
    params = {p["Name"]: p for p in template["Parameters"]}
    assert params["Octoflow.Param.tag"]["HelpText"].endswith("Required.")
    assert params["Octoflow.Param.environments"]["DefaultValue"] == ""
    assert (
        params["Octoflow.Octopus.ApiKey"]["DisplaySettings"]["Octopus.ControlType"] == "Sensitive"
    )
    assert params["Octoflow.Apply"]["DisplaySettings"]["Octopus.ControlType"] == "Checkbox"
    assert params["Octoflow.Apply"]["DefaultValue"] == "False"
    assert "'tenants-add-project'" in template["Properties"]["Octopus.Action.Script.ScriptBody"]


def test_a_repeat_parameter_is_a_multi_line_field(exported) -> None:
    template = exported["octoflow-resources-set.json"]
    params = {p["Name"]: p for p in template["Parameters"]}
    control = params["Octoflow.Param.set"]["DisplaySettings"]["Octopus.ControlType"]
    assert control == "MultiLineText"


def test_exports_are_stable(exported, tmp_path) -> None:
    assert main(["step-templates", "export", str(tmp_path)]) == 0
    again = json.loads((tmp_path / "octoflow-tenants-tag.json").read_text())
    first = exported["octoflow-tenants-tag.json"]
    assert {k: v for k, v in again.items() if k != "$Meta"} == {
        k: v for k, v in first.items() if k != "$Meta"
    }
