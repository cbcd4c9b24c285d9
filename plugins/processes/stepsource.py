"""Where a step to add comes from: a dict, a JSON file, a jinja2 template, a library template.

Files are read when the verb is called, so a missing file, JSON that does not
parse or a template with a syntax error stop a recipe before anything is read
from the server, with the file and line in the message. Templates are
rendered per project at plan time (``project`` is in scope); a template that
fails to render, or renders something that is not JSON, is a plan problem
naming the file, the line and the project.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import jinja2

from octoflow.errors import UsageError

TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2")
_TEMPLATE_FILE = "<template>"


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
                _environment().parse(text)
            except jinja2.TemplateSyntaxError as exc:
                raise UsageError(
                    f"step template {str(path)!r}, line {exc.lineno}: {exc.message}"
                ) from None
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
            rendered = _environment().from_string(self.text).render(project=dict(project))
        except jinja2.TemplateError as exc:
            return None, (
                f"step template {self.origin!r}, line {_template_line(exc)}: "
                f"{_message(exc)} (rendering it for project {project['name']!r}; "
                f"project has {', '.join(sorted(project))})"
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


def _environment() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _template_line(exc: BaseException) -> int | str:
    lines = [
        f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == _TEMPLATE_FILE
    ]
    found = lines[-1] if lines else getattr(exc, "lineno", None)
    return found if found is not None else "?"


def _message(exc: jinja2.TemplateError) -> str:
    return str(exc.message or exc)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return value if isinstance(value, str) else json.dumps(value)
