"""Code octoflow did not write raising while planning: exit 2 naming the file and line.

Exit 70 ("internal error") stays for octoflow's own bugs.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

import octoflow
from octoflow.errors import PluginError, RecipeError
from tests.e2e.support import writes

PREDICATE_RECIPE = '''\
"""Tag tenants whose name passes a check."""


def statements(octo):
    return octo.tenants.where(lambda t: 1 / 0).add_tag("Tier/Gold")
'''


def write_recipe(tmp_path: Path, text: str, name: str = "my_recipe.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_predicate_that_raises_exits_2_naming_its_file_and_line(server, cli, tmp_path) -> None:
    sandbox, _srv = server
    recipe = write_recipe(tmp_path, PREDICATE_RECIPE)
    code, out, err = cli("apply", str(recipe), "--yes")
    assert code == 2, err
    assert "a where() predicate raised ZeroDivisionError: division by zero" in err
    assert f"{recipe} line 5" in err
    assert "internal error" not in err
    assert writes(sandbox) == []


def test_a_recipe_that_raises_exits_2_naming_it(server, cli, tmp_path) -> None:
    sandbox, _srv = server
    recipe = write_recipe(
        tmp_path,
        '''\
        """Broken."""


        def statements(octo):
            names = {}
            return octo.tenants.where(name=names["missing"])
        ''',
    )
    code, _out, err = cli("plan", str(recipe))
    assert code == 2, err
    assert "recipe 'my-recipe' raised KeyError: 'missing'" in err
    assert "my_recipe.py line 6" in err
    assert writes(sandbox) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("import sys\n    sys.exit(3)", "called sys.exit(3)"),
        ("return 'tenants'", "a recipe must return statements, not str"),
        ("return {'a': 1}", "a recipe must return statements, not dict"),
    ],
)
def test_a_recipe_that_exits_or_returns_junk_is_bad_input(cli, tmp_path, body, expected) -> None:
    recipe = write_recipe(tmp_path, f'"""Odd."""\n\n\ndef statements(octo):\n    {body}\n')
    code, _out, err = cli("plan", str(recipe))
    assert code == 2, err
    assert expected in err


def test_a_recipe_exiting_at_import_is_bad_input(cli, tmp_path) -> None:
    recipe = write_recipe(tmp_path, '"""Odd."""\nimport sys\n\nsys.exit(3)\n')
    code, _out, err = cli("plan", str(recipe))
    assert code == 2, err
    assert "called sys.exit(3)" in err


def test_a_third_party_plugin_that_raises_while_planning_is_named(tmp_path, monkeypatch) -> None:
    package = tmp_path / "thirdparty_widgets"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """\
            from octoflow import hookimpl


            class Widgets:
                def describe(self):
                    return "widgets"

                def plan(self, ctx):
                    return [edit for edit in ctx.documents("tenants")[0]["NoSuchField"]]


            @hookimpl
            def octoflow_register(registry):
                registry.add_collection("widgets", lambda octo: Widgets())
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import thirdparty_widgets

    octo = octoflow.Octoflow.with_sandbox("demo", plugins=[("widgets", thirdparty_widgets)])
    with pytest.raises(PluginError) as caught:
        octo.plan(octo.widgets)
    message = str(caught.value)
    assert caught.value.exit_code == 2
    assert "plugin 'widgets' raised KeyError: 'NoSuchField' while planning" in message
    assert f"{package / '__init__.py'} line 9" in message
    assert "OCTOFLOW_BLOCK_PLUGINS=widgets" in message
    sys.modules.pop("thirdparty_widgets", None)


def test_a_predicate_in_a_library_script_is_blamed_on_that_script() -> None:
    octo = octoflow.Octoflow.with_sandbox("demo")
    with pytest.raises(RecipeError, match=r"a where\(\) predicate raised AttributeError") as caught:
        octo.plan(octo.tenants.where(lambda t: t.no_such_attribute).add_tag("Tier/Gold"))
    assert f"{__file__} line" in str(caught.value)


def test_octoflows_own_bug_stays_an_internal_error(cli, monkeypatch) -> None:
    """A bug inside a built-in provider is octoflow's: exit 70, not blamed on the user."""
    from octoflow_plugins.tenants import collection

    from octoflow.config import parse_bool

    # Called with the wrong arguments, the TypeError is raised in the provider's frame.
    monkeypatch.setattr(collection, "Edit", parse_bool)
    code, _out, err = cli("plan", "tenants-tag", "-p", "tag=Region/EU", "-p", "add=Tier/Gold")
    assert code == 70
    assert "internal error: TypeError" in err
