"""Recipes: reusable Python files that turn parameters into DSL statements.

A recipe file has a module docstring (first line: summary), a ``PARAMETERS``
tuple of :class:`Param`, and a ``statements(octo, **params)`` function that
returns one statement or a list of them::

    \"\"\"Connect every tenant with a tag to a project.\"\"\"
    from octoflow.recipe import Param

    PARAMETERS = (
        Param("tag", "canonical tag selecting tenants, e.g. Region/EU"),
        Param("project", "project to connect"),
    )

    def statements(octo, tag, project):
        return octo.tenants.where(tag=tag).add_project(project)
"""

from __future__ import annotations

import importlib.util
import traceback
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs

from octoflow.config import parse_bool
from octoflow.errors import OctoflowError, RecipeError, UsageError
from octoflow.plan.wide import DEFAULT as DEFAULT_WIDE
from octoflow.plan.wide import WidePolicy
from octoflow.registry import unknown_name_message

KINDS = ("str", "list", "bool", "int", "file", "repeat")


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@attrs.frozen
class Param:
    """A declared recipe parameter.

    :param name: the ``-p name=value`` key (also the keyword passed to ``statements``).
    :param help: one sentence for ``octoflow recipes`` and step-template help text.
    :param kind: ``str``, ``list`` (comma-separated), ``bool``, ``int``, ``file`` (a path)
        or ``repeat`` (``-p`` given once per value, or one value per line; a list).
    :param default: the value when not given; ``REQUIRED`` makes it mandatory.
    :param label: a short title for UIs (default: the name, capitalised).
    :param sensitive: never shown in plans, journals or reports.
    :param everything: for a parameter that selects, what ``*`` selects (``every
        tenant``); ``-p tag=*`` then selects it all on purpose, and the error for a
        blank value says so.

    A value given blank (``-p tag=``, ``-p environments=,,``) is always an error: an
    empty value must never widen a selection or a scope to everything. Leave an
    optional parameter out to get its default.
    """

    name: str
    help: str
    kind: str = attrs.field(default="str", validator=attrs.validators.in_(KINDS))
    default: Any = REQUIRED
    label: str | None = None
    sensitive: bool = False
    everything: str = ""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    def parse(self, raw: str | list[str]) -> Any:
        if isinstance(raw, list) and self.kind != "repeat":
            raise UsageError(f"parameter {self.name!r} given twice")
        if self.kind == "repeat":
            values = raw if isinstance(raw, list) else raw.splitlines() or [raw]
            for value in values:
                if not value.strip():
                    raise UsageError(self.blank_message(value))
            return list(values)
        if self.kind == "list":
            items = [item.strip() for item in raw.split(",") if item.strip()]
            if not items:
                raise UsageError(self.blank_message(raw))
            return items
        if not raw.strip():
            raise UsageError(self.blank_message(raw))
        if self.kind == "bool":
            return parse_bool(raw, f"parameter {self.name!r}")
        if self.kind == "int":
            try:
                return int(raw)
            except ValueError:
                raise UsageError(
                    f"parameter {self.name!r} must be a whole number, not {raw!r}"
                ) from None
        if self.kind == "file":
            path = Path(raw).expanduser()
            if not path.is_file():
                raise UsageError(f"parameter {self.name!r}: no such file {raw!r}")
            return path
        return raw

    def blank_message(self, raw: str) -> str:
        """Why ``-p name=<blank>`` is refused, and what to write instead."""
        text = f"parameter {self.name!r} is empty (-p {self.name}={raw}): {self.help}"
        ways = []
        if self.everything:
            ways.append(f"write -p {self.name}=* to select {self.everything} on purpose")
        if not self.required:
            ways.append("leave it out to use its default")
        return text + ("; " + ", or ".join(ways) if ways else "")


def _wide_above(module: Any, path: Path) -> WidePolicy:
    text = getattr(module, "WIDE_ABOVE", None)
    if text is None:
        return DEFAULT_WIDE
    if not isinstance(text, str):
        raise RecipeError(f"recipe {path}: WIDE_ABOVE must be a string such as '80%,500'")
    try:
        return WidePolicy.parse(text, where=f"recipe {path}: WIDE_ABOVE")
    except UsageError as exc:
        raise RecipeError(str(exc)) from None


@attrs.frozen
class Recipe:
    name: str
    path: Path
    summary: str
    description: str
    params: tuple[Param, ...]
    build: Callable[..., Any] = attrs.field(repr=False)
    #: How the user named it: a shipped name, or the path of the file.
    ref: str = ""
    #: When the recipe's plan is a wide change (its module's ``WIDE_ABOVE``, e.g. ``"80%,500"``).
    wide_above: WidePolicy = DEFAULT_WIDE
    #: A policy check (its module's ``CHECK_ONLY = True``): ``check`` and ``apply --check``
    #: run it, ``apply`` refuses to.
    check_only: bool = False

    @classmethod
    def load(cls, path: Path, name: str | None = None) -> Recipe:
        """Load a recipe file; ``name`` is given for shipped recipes (else the file's path
        is how users refer to it)."""
        module = _import(path)
        doc = (module.__doc__ or "").strip()
        if not doc:
            raise RecipeError(f"recipe {path} has no docstring; its first line is its summary")
        build = getattr(module, "statements", None)
        if not callable(build):
            raise RecipeError(f"recipe {path} has no statements(octo, ...) function")
        params = tuple(getattr(module, "PARAMETERS", ()))
        if not all(isinstance(p, Param) for p in params):
            raise RecipeError(f"recipe {path}: PARAMETERS must be a tuple of octoflow.recipe.Param")
        summary, _, description = doc.partition("\n")
        return cls(
            name or path.stem.replace("_", "-"),
            path,
            summary.strip(),
            description.strip(),
            params,
            build,
            ref=name or str(path),
            wide_above=_wide_above(module, path),
            check_only=getattr(module, "CHECK_ONLY", False) is True,
        )

    def bind(self, raw: Mapping[str, str | list[str]]) -> dict[str, Any]:
        """Parse ``-p`` values; every unknown, missing or malformed one is reported at once.

        A value given more than once arrives as a list: a ``repeat`` parameter takes it,
        any other refuses it."""
        known = {p.name: p for p in self.params}
        problems = [unknown_name_message("parameter", k, known) for k in raw if k not in known]
        values: dict[str, Any] = {}
        for param in self.params:
            if param.name in raw:
                try:
                    values[param.name] = param.parse(raw[param.name])
                except UsageError as exc:
                    problems.append(str(exc))
            elif param.required:
                problems.append(f"missing parameter {param.name!r}: {param.help}")
            else:
                values[param.name] = param.default
        if problems:
            raise UsageError("; ".join(problems) + f" (see `octoflow recipes {self.ref}`)")
        return values

    def statements(self, octo: Any, values: Mapping[str, Any]) -> list[Any]:
        """Run the recipe's ``statements`` function; its failures become a RecipeError."""
        try:
            produced = self.build(octo, **values)
        except OctoflowError:
            raise
        except SystemExit as exc:
            raise RecipeError(_exit_message(f"recipe {self.name!r}", exc)) from None
        except Exception as exc:
            where = _recipe_frame(exc, self.path)
            raise RecipeError(
                f"recipe {self.name!r} raised {type(exc).__name__}: {exc}{where}"
            ) from exc
        return flatten(produced)

    def shown_params(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Parameter values as plans and reports may show them (sensitive ones masked)."""
        sensitive = {p.name for p in self.params if p.sensitive}
        return {k: ("********" if k in sensitive else _jsonable(v)) for k, v in values.items()}


def refuse_applying(recipe: Recipe) -> None:
    """A policy check (``CHECK_ONLY``) is never applied, by the CLI or a step."""
    if recipe.check_only:
        raise UsageError(
            f"{recipe.name} is a policy check and is never applied: run `octoflow check "
            f"{recipe.name} …`, or give it to a staged apply as --check {recipe.name}"
        )


def find_recipe(name_or_path: str, shipped: Mapping[str, Path]) -> Recipe:
    """A shipped recipe by name, or a recipe file by path."""
    if name_or_path in shipped:
        return Recipe.load(shipped[name_or_path], name_or_path)
    path = Path(name_or_path).expanduser()
    if path.suffix == ".py":
        if not path.is_file():
            raise RecipeError(f"no recipe file {name_or_path!r}")
        return Recipe.load(path)
    raise RecipeError(
        unknown_name_message("recipe", name_or_path, shipped)
        + " (`octoflow recipes` lists them; a path to a .py file also works)"
    )


def flatten(produced: Any) -> list[Any]:
    if produced is None:
        return []
    if hasattr(produced, "plan") and hasattr(produced, "describe"):
        return [produced]
    if isinstance(produced, Iterable) and not isinstance(produced, (str, bytes, Mapping)):
        return [s for item in produced for s in flatten(item)]
    raise RecipeError(f"a recipe must return statements, not {type(produced).__name__}")


def _import(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"octoflow_recipe_{abs(hash(path))}", path)
    if spec is None or spec.loader is None:
        raise RecipeError(f"cannot load recipe {path}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SystemExit as exc:
        raise RecipeError(_exit_message(f"recipe {path}", exc)) from None
    except Exception as exc:
        raise RecipeError(
            f"recipe {path} failed to load: {type(exc).__name__}: {exc}{_recipe_frame(exc, path)}"
        ) from exc
    return module


def _exit_message(recipe: str, exc: SystemExit) -> str:
    return (
        f"{recipe} called sys.exit({exc.code!r}); a recipe reports a problem by raising "
        "octoflow.errors.UsageError (or any exception), not by exiting"
    )


def _recipe_frame(exc: BaseException, path: Path) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    if isinstance(exc, SyntaxError) and exc.lineno:
        return f" (line {exc.lineno})"
    return f" (at {path.name} line {frames[-1].lineno})" if frames else ""


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    return value
