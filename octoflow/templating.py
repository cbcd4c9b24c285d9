"""Both jinja2 environments octoflow renders with.

* :func:`render`: octoflow's own packaged templates (``octoflow/templates``, the
  apply reports). We wrote them, so a normal environment; HTML is autoescaped
  because resource names in it are user data.
* :func:`check` and :func:`render_text` (providers have them from
  :mod:`octoflow.provider` as ``check_template`` and ``render_template``): templates
  users supply (release notes and version patterns, ``.j2`` step files). They may
  come from people who must not run code on the machine applying a plan (a
  prompted variable of an Octopus step, a file in someone's repository), so they
  render in an
  :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`: no ``_`` attributes, no
  unsafe calls, no changes to lists or dicts; no globals at all (no ``range``,
  ``lipsum``, ``cycler``, ``dict``, ``namespace``), so a template sees only the
  context its caller documents, which holds no secret and no environment
  variable. On top of that, what a template can make is bounded (jinja's sandbox
  itself does not bound resources): a value of more than :data:`MAX_SIZE`
  characters or items, an integer of more than :data:`MAX_BITS` bits, more than
  :data:`MAX_OUTPUT` characters rendered or :data:`MAX_STEPS` loop turns and
  calls are errors; filters that pad or repeat text (``center``, ``indent``,
  ``wordwrap``, ``format``, ``batch``, ``slice``, …) and the string methods that
  do (``format``, ``ljust``, ``zfill``, ``replace``, ``join`` …) are not
  available, and ``%`` does not format strings. Both kinds use
  ``StrictUndefined``: a misspelt name is an error, not an empty string.

A user template that does not compile or render raises :class:`TemplateProblem`
with the template's line, whatever went wrong (a template can fail any way Python
can: ``1/0`` too).
"""

from __future__ import annotations

import contextvars
import functools
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.filters import FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from octoflow.errors import TemplateProblem

#: Characters (of a string) or items (of a list or dict, counted through nested ones).
MAX_SIZE = 100_000
#: Bits of an integer a template computes.
MAX_BITS = 4096
#: Characters one rendering may produce.
MAX_OUTPUT = 1_000_000
#: Loop turns, calls and values measured in one rendering.
MAX_STEPS = 1_000_000

#: Filters user templates may use: none of them pads, repeats or formats text.
USER_FILTERS = (
    "abs", "attr", "capitalize", "count", "d", "default", "dictsort", "e", "escape",
    "filesizeformat", "first", "float", "forceescape", "groupby", "int", "items", "join",
    "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace",
    "reverse", "round", "safe", "select", "selectattr", "sort", "string", "striptags", "title",
    "tojson", "trim", "truncate", "unique", "upper", "urlencode", "wordcount",
)  # fmt: skip
#: String methods that make a longer string from small arguments.
_GROWING_METHODS = frozenset(
    {"center", "expandtabs", "format", "format_map", "join", "ljust", "replace", "rjust",
     "translate", "zfill"}
)  # fmt: skip
_TEMPLATE_FILE = "<template>"


@functools.cache
def environment() -> jinja2.Environment:
    """The environment of octoflow's packaged templates (trusted text)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("octoflow", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: object) -> str:
    """Render one of octoflow's packaged templates."""
    return environment().get_template(template).render(**context)


def check(source: str) -> None:
    """Compile a user template; a syntax error or an unknown filter is a TemplateProblem."""
    _compiled(source)


def render_text(source: str, context: Mapping[str, Any]) -> str:
    """Render a user template with exactly ``context`` in scope (see the module docstring)."""
    template = _compiled(source)
    token = _STEPS.set(_Steps())
    try:
        return template.render(dict(context))
    except Exception as exc:  # a user template can fail any way Python can
        raise TemplateProblem(_line(exc), _message(exc)) from None
    finally:
        _STEPS.reset(token)


@functools.lru_cache(maxsize=64)
def _compiled(source: str) -> jinja2.Template:
    env = _sandbox()
    try:
        tree = _Bounded().visit(env.parse(source))
        tree.set_environment(env)
        return env.from_string(tree)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(exc.lineno, exc.message or str(exc)) from None


@functools.cache
def _sandbox() -> _UserEnvironment:
    return _UserEnvironment(
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
    )


# -- the work one rendering may do --------------------------------------------------------


class _Steps:
    """What one rendering has spent."""

    def __init__(self) -> None:
        self.steps = 0
        self.output = 0

    def spend(self, steps: int) -> None:
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise SecurityError(f"the template does too much work (over {MAX_STEPS:,} steps)")

    def emit(self, characters: int) -> None:
        self.output += characters
        if self.output > MAX_OUTPUT:
            raise SecurityError(f"the template renders over {MAX_OUTPUT:,} characters")


_STEPS: contextvars.ContextVar[_Steps | None] = contextvars.ContextVar("steps", default=None)


def _spent() -> _Steps:
    """This rendering's account (outside one, while compiling, a fresh one per call)."""
    return _STEPS.get() or _Steps()


def _measure(value: Any) -> int:
    """The size of ``value``: characters, items counted through nested ones (shared ones
    each time they appear), about a third of an integer's bits; over ``MAX_SIZE`` is an
    error. Each value visited is a step."""
    account, sizes = _spent(), {}

    def size(item: Any) -> int:
        account.spend(1)
        if isinstance(item, (str, bytes)):
            return len(item)
        if isinstance(item, int):
            return item.bit_length() // 3 + 1
        if isinstance(item, Mapping):
            children: Iterable[Any] = [*item.keys(), *item.values()]
        elif isinstance(item, (list, tuple, set, frozenset)):
            children = item
        else:
            return 1
        if id(item) not in sizes:
            total = 1
            for child in children:
                total = _within_size(total + size(child))
            sizes[id(item)] = total
        return sizes[id(item)]

    return _within_size(size(value))


def _within_size(size: int) -> int:
    if size > MAX_SIZE:
        raise SecurityError(f"the template makes a value of over {MAX_SIZE:,} characters or items")
    return size


def _within_bits(bits: int) -> None:
    if bits > MAX_BITS:
        raise SecurityError(f"the template makes a number of over {MAX_BITS} bits")


def _say_undefined(obj: Any) -> None:
    """Fail on what is undefined before looking into it: ``'cycler' is undefined`` says
    more than that ``__init__`` of an undefined value is unsafe."""
    if isinstance(obj, jinja2.Undefined):
        str(obj)  # StrictUndefined raises its message here


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- the environment -------------------------------------------------------------------


class _UserEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with the bounds of the module docstring."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.clear()
        self.filters = {name: _bounded_filter(name) for name in USER_FILTERS}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, (str, bytes)) and attr in _GROWING_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _say_undefined(obj)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _say_undefined(obj)
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> None:
        """``str.format`` is refused (``is_safe_attribute``), never wrapped."""
        return None

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _spent().spend(1)
        if operator == "%" and isinstance(left, (str, bytes)):
            raise SecurityError("'%' does not format strings in templates: join them with '~'")
        if _is_int(left) and _is_int(right):
            if operator == "**" and right > 0:
                _within_bits(max(abs(left).bit_length(), 1) * right)
            elif operator == "*":
                _within_bits(abs(left).bit_length() + abs(right).bit_length())
        elif operator == "*" and (_is_int(left) or _is_int(right)):
            count, repeated = (left, right) if _is_int(left) else (right, left)
            _within_size(_measure(repeated) * max(count, 0))
        elif operator == "+" and not isinstance(left, (int, float)):
            _within_size(_measure(left) + _measure(right))
        return _measured(super().call_binop(context, operator, left, right))

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        if getattr(obj, "__self__", None) is self:  # our own bounds (see _Bounded)
            return context.call(obj, *args, **kwargs)
        _spent().spend(1)
        return _measured(super().call(context, obj, *args, **kwargs))

    # what _Bounded routes through the environment

    def bounded_loop(self, iterable: Any) -> Iterator[Any]:
        account = _spent()
        for item in iterable:
            account.spend(1)
            yield item

    def bounded_concat(self, *parts: Any) -> str:
        texts = [str(part) for part in parts]
        _within_size(sum(len(text) for text in texts))
        return "".join(texts)

    def bounded_value(self, value: Any) -> Any:
        return _measured(value)

    def bounded_output(self, value: Any) -> str:
        text = str(value)
        _spent().emit(len(text))
        return text


def _measured(value: Any) -> Any:
    """``value``, once :func:`_measure` found it within bounds."""
    _measure(value)
    return value


class _Bounded(NodeTransformer):
    """Routes what jinja does not let a sandbox intercept through the environment's
    ``bounded_*`` methods: loops, ``~``, list, tuple and dict literals, and output."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _through("bounded_loop", node.iter)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _through("bounded_concat", *node.nodes)

    def visit_List(self, node: nodes.List) -> nodes.Node:
        self.generic_visit(node)
        return _through("bounded_value", node)

    visit_Dict = visit_List

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        self.generic_visit(node)
        return _through("bounded_value", node) if node.ctx == "load" else node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [_through("bounded_output", child) for child in node.nodes]
        return node


def _through(method: str, *args: nodes.Expr) -> nodes.Expr:
    call = nodes.Call(nodes.EnvironmentAttribute(method), list(args), [], None, None)
    return call.set_lineno(args[0].lineno if args else 1)


# -- filters -----------------------------------------------------------------------------


def _bounded_filter(name: str) -> Callable[..., Any]:
    """A filter users may call: each call is a step, and its result is measured."""
    original = _CHECKED_FIRST.get(name, FILTERS[name])

    @functools.wraps(original)  # keeps jinja's pass_eval_context / pass_environment mark
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _spent().spend(1)
        return _measured(original(*args, **kwargs))

    return bounded


@jinja2.pass_eval_context
def _join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    items = list(value)
    _within_size(_measure(items) + len(str(d)) * len(items))
    return FILTERS["join"](eval_ctx, items, d, attribute)


@jinja2.pass_eval_context
def _replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> str:
    text, old, new = str(s), str(old), str(new)
    found = text.count(old)
    times = found if count is None or count < 0 else min(count, found)
    _within_size(len(text) + times * max(len(new) - len(old), 0))
    return FILTERS["replace"](eval_ctx, text, old, new, count)


@jinja2.pass_eval_context
def _tojson(eval_ctx: Any, value: Any, indent: Any = None) -> str:
    if indent is not None:
        raise SecurityError("tojson takes no indent in templates")
    return FILTERS["tojson"](eval_ctx, value)


#: Filters whose result could outgrow their input many times: checked before they run.
_CHECKED_FIRST: dict[str, Callable[..., Any]] = {
    "join": _join,
    "replace": _replace,
    "tojson": _tojson,
}


# -- errors ------------------------------------------------------------------------------


def _line(exc: BaseException) -> int | None:
    """The template line an error came from (jinja rewrites tracebacks to template lines)."""
    lines = [
        f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == _TEMPLATE_FILE
    ]
    return lines[-1] if lines else getattr(exc, "lineno", None)


def _message(exc: BaseException) -> str:
    if isinstance(exc, jinja2.TemplateError):
        return str(exc.message or exc)
    return f"{type(exc).__name__}: {exc}"
