"""Where a step to add comes from: a dict, a JSON file, a jinja2 template, a library template.

Files are read when the verb is called, so a missing file, JSON that does not
parse or a template with a syntax error stop a recipe before anything is read
from the server, with the file and line in the message. Templates are
rendered per project at plan time in octoflow's sandbox
(``render_template``), with ``project`` (see ``definition.project_context``)
the only name in scope; a template that fails to render, or renders something
that is not JSON, is a plan problem naming the file, the line and the project.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from octoflow.provider import TemplateProblem, UsageError, check_template, render_template

TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2")


@attrs.frozen(repr=False)
class StepSource:
    """An inert description of a step definition (hashable, like every statement part).

    :param kind: ``json`` (a dict or a JSON file), ``template`` (jinja2 source) or
        ``library`` (a step template of the server's library, by name).
    :param text: the JSON text or the template source.
    :param origin: the file it came from, for messages (empty for a dict).
    """

    kind: str
    text: str = ""
    origin: str = ""
    template: str = ""
    name: str = ""
    parameters: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, step: Any) -> StepSource:
        """A source from a dict or the path of a ``.json`` or jinja2 (``.j2``) file."""
        if isinstance(step, Mapping):
            try:
                text = json.dumps(step)
            except (TypeError, ValueError) as exc:
                raise UsageError(f"the step is not JSON data: {exc}") from None
            _check_definition(json.loads(text), "the step")
            return cls("json", text)
        if isinstance(step, (str, os.PathLike)):
            return cls._from_file(Path(step))
        raise UsageError(
            f"a step is a dict or the path of a JSON or jinja2 file, not {type(step).__name__}"
        )

    @classmethod
    def library(cls, template: str, name: str | None, parameters: Mapping[str, Any]) -> StepSource:
        values = tuple((str(k), _text(v)) for k, v in (parameters or {}).items())
        return cls("library", template=template, name=name or template, parameters=values)

    @classmethod
    def _from_file(cls, path: Path) -> StepSource:
        try:
            text = path.expanduser().read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"step file {str(path)!r} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"step file {str(path)!r} cannot be read: {exc}") from None
        if path.suffix.lower() in TEMPLATE_SUFFIXES:
            try:
                check_template(text)
            except TemplateProblem as exc:
                raise UsageError(f"step template {str(path)!r}, {exc}") from None
            return cls("template", text, str(path))
        _check_definition(parse_json(text, f"step file {str(path)!r}"), f"step file {str(path)!r}")
        return cls("json", text, str(path))

    def __repr__(self) -> str:
        return f"<step {self.describe()}>"

    def describe(self) -> str:
        if self.kind == "library":
            return f"{self.name!r} from step template {self.template!r}"
        if self.origin:
            return Path(self.origin).name
        return repr(json.loads(self.text).get("Name"))

    def definition(self, project: Mapping[str, Any]) -> tuple[dict[str, Any] | None, str]:
        """The step definition for one project, or ``None`` and why not."""
        if self.kind == "json":
            return json.loads(self.text), ""
        try:
            rendered = render_template(self.text, {"project": dict(project)})
        except TemplateProblem as exc:
            return None, (
                f"step template {self.origin!r}, {exc} (rendering it for project "
                f"{project['name']!r}; project has {', '.join(sorted(project))})"
            )
        try:
            data = parse_json(rendered, f"step template {self.origin!r}")
            _check_definition(data, f"step template {self.origin!r}")
        except UsageError as exc:
            return None, f"{exc} (as rendered for project {project['name']!r})"
        return data, ""


def parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{what} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


def _check_definition(data: Any, what: str) -> None:
    if not isinstance(data, dict):
        raise UsageError(f"{what} must hold a JSON object (one step), not {type(data).__name__}")
    if not isinstance(data.get("Name"), str) or not data["Name"].strip():
        raise UsageError(f"{what} has no Name: every step needs one")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return value if isinstance(value, str) else json.dumps(value)
