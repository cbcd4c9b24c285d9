"""Recipes declare typed parameters; bad input is reported all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from octoflow.errors import RecipeError, UsageError
from octoflow.recipe import Param, Recipe, find_recipe

GOOD = '''"""Tag tenants.

Longer text.
"""
from octoflow.recipe import Param

PARAMETERS = (
    Param("tag", "selects tenants"),
    Param("count", "how many", kind="int", default=3),
    Param("names", "names", kind="list", default=[]),
    Param("force", "force it", kind="bool", default=False),
)


def statements(octo, tag, count, names, force):
    return []
'''


def write(tmp_path: Path, text: str, name: str = "my_recipe.py") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_recipe_file_loads_with_its_summary_and_parameters(tmp_path) -> None:
    recipe = Recipe.load(write(tmp_path, GOOD))
    assert recipe.name == "my-recipe"
    assert recipe.summary == "Tag tenants."
    assert [p.name for p in recipe.params] == ["tag", "count", "names", "force"]


def test_values_are_parsed_by_kind(tmp_path) -> None:
    recipe = Recipe.load(write(tmp_path, GOOD))
    values = recipe.bind({"tag": "Region/EU", "count": "5", "names": "a, b", "force": "true"})
    assert values == {"tag": "Region/EU", "count": 5, "names": ["a", "b"], "force": True}


def test_every_bad_parameter_is_reported_together(tmp_path) -> None:
    recipe = Recipe.load(write(tmp_path, GOOD))
    with pytest.raises(UsageError) as info:
        recipe.bind({"tagg": "x", "count": "many", "force": "maybe"})
    text = str(info.value)
    assert "'tagg'" in text and "did you mean 'tag'" in text
    assert "missing parameter 'tag'" in text
    assert "whole number" in text
    assert "'maybe'" in text


def test_a_recipe_that_raises_names_the_line(tmp_path) -> None:
    path = write(tmp_path, '"""Broken."""\n\ndef statements(octo):\n    return 1 / 0\n')
    with pytest.raises(RecipeError, match=r"ZeroDivisionError.*line 4"):
        Recipe.load(path).statements(None, {})


def test_a_recipe_with_a_syntax_error_is_a_recipe_error(tmp_path) -> None:
    with pytest.raises(RecipeError, match="failed to load"):
        Recipe.load(write(tmp_path, '"""Bad."""\ndef statements(octo:\n'))


def test_unknown_recipe_names_suggest_close_ones() -> None:
    with pytest.raises(RecipeError, match="did you mean 'tenants-tag'"):
        find_recipe("tenant-tag", {"tenants-tag": Path("x.py")})


def test_param_kind_is_validated() -> None:
    with pytest.raises(ValueError):
        Param("x", "y", kind="colour")


def test_a_repeat_parameter_takes_each_value_given_and_one_per_line(tmp_path) -> None:
    text = GOOD.replace(
        'Param("force", "force it", kind="bool", default=False),',
        'Param("force", "force it", kind="bool", default=False),\n'
        '    Param("set", "PATH=VALUE", kind="repeat", default=[]),',
    ).replace("names, force):", "names, force, set):")
    recipe = Recipe.load(write(tmp_path, text))
    assert recipe.bind({"tag": "a", "set": ["A=1", "B=2"]})["set"] == ["A=1", "B=2"]
    assert recipe.bind({"tag": "a", "set": "A=1\nB=2"})["set"] == ["A=1", "B=2"]  # a step field
    assert recipe.bind({"tag": "a"})["set"] == []
    with pytest.raises(UsageError, match="parameter 'set' is empty"):
        recipe.bind({"tag": "a", "set": ["A=1", " "]})
    with pytest.raises(UsageError, match="parameter 'tag' given twice"):
        recipe.bind({"tag": ["a", "b"]})
