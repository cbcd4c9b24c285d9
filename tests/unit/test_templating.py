"""The sandbox user templates render in (``octoflow.templating``): what they see, what
they may do, and the bounds on what they make."""

from __future__ import annotations

import pytest

from octoflow import templating
from octoflow.templating import MAX_OUTPUT, MAX_SIZE, MAX_STEPS, TemplateProblem, render_text

CONTEXT = {"project": "Web", "packages": {"Deploy": "1.2.3"}, "tags": ["a", "b"]}


def problem(source: str) -> str:
    with pytest.raises(TemplateProblem) as caught:
        render_text(source, CONTEXT)
    return str(caught.value)


def test_ordinary_templates_render() -> None:
    source = (
        "{{ project|upper }} {{ packages['Deploy'] }} {{ tags|join(',') }} "
        "{% for k, v in packages|dictsort %}{{ k }}={{ v }}{% endfor %} "
        "{{ (project ~ '-x')|replace('-', '_') }} {{ 'a' if 'a' in tags else 'b' }} "
        "{{ {'n': 2 ** 10}|tojson }} {{ [1, 2] + [3] }} {{ 'ab' * 2 }}"
    )
    assert render_text(source, CONTEXT) == (
        'WEB 1.2.3 a,b Deploy=1.2.3 Web_x a {"n": 1024} [1, 2, 3] abab'
    )


def test_only_the_context_is_in_scope(monkeypatch) -> None:
    monkeypatch.setenv("OCTOFLOW_TEMPLATE_PROBE", "leaked")
    for name in ("range", "lipsum", "cycler", "joiner", "namespace", "dict", "environ",
                 "OCTOFLOW_TEMPLATE_PROBE", "os"):  # fmt: skip
        assert problem(f"{{{{ {name} }}}}") == f"line 1: '{name}' is undefined"


@pytest.mark.parametrize(
    "source",
    [
        "{{ self.__init__.__globals__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ project.__class__ }}",
        "{{ packages.__class__.__init__ }}",
        "{{ self._TemplateReference__context }}",
    ],
)
def test_python_internals_are_out_of_reach(source) -> None:
    assert "is unsafe" in problem(source)


def test_lists_and_dicts_cannot_be_changed() -> None:
    assert "is unsafe" in problem("{{ tags.append('c') }}")
    assert "is unsafe" in problem("{{ packages.update({'x': 1}) }}")
    assert CONTEXT["tags"] == ["a", "b"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ 'x' * 10**9 }}", "a value of over"),
        ("{{ ['x'] * 10**9 }}", "a value of over"),
        ("{% set a = 'xxxxxxxxxx' %}" + "{% set a = a ~ a %}" * 40 + "{{ a }}", "a value of over"),
        ("{% set a = 'xxxxxxxxxx' %}" + "{% set a = a + a %}" * 40 + "{{ a }}", "a value of over"),
        ("{% set a = ['x'] %}" + "{% set a = [a, a] %}" * 40 + "{{ a }}", "a value of over"),
        ("{{ ('x' * 50000)|replace('', 'yyyy') }}", "a value of over"),
        ("{{ (['ab'] * 50000)|join('z' * 100) }}", "a value of over"),
        ("{{ '\\\\'" + "|tojson" * 30 + " }}", "a value of over"),
        ("{{ 9 ** 100000 }}", "a number of over 4096 bits"),
        ("{% set n = 2 ** 4000 %}{{ n * n }}", "a number of over 4096 bits"),
        ("{% set s = 'x' * 1000 %}{% for a in s %}{% for b in s %}{% for c in s %}"
         "{% endfor %}{% endfor %}{% endfor %}", f"over {MAX_STEPS:,} steps"),
        ("{% set s = 'x' * 1000 %}{% for a in s %}{% for b in s %}{{ s }}{% endfor %}"
         "{% endfor %}", f"renders over {MAX_OUTPUT:,} characters"),
        ("{% macro m() %}{% for c in 'x' * 1100 %}{{ 'y' * 1000 }}{% endfor %}{% endmacro %}"
         "{% set x %}{{ m() }}{% endset %}", f"renders over {MAX_OUTPUT:,} characters"),
        ("{% macro m() %}{{ m() }}{{ m() }}{% endmacro %}{{ m() }}", "RecursionError"),
        ("{{ '%999999999s' % project }}", "'%' does not format strings"),
        ("{{ packages|tojson(indent=100000) }}", "tojson takes no indent"),
    ],
)  # fmt: skip
def test_what_a_template_makes_is_bounded(source, message) -> None:
    assert message in problem(source)


@pytest.mark.parametrize("method", ["center", "ljust", "rjust", "zfill", "expandtabs", "format",
                                    "format_map", "replace", "join", "translate"])  # fmt: skip
def test_string_methods_that_grow_text_are_refused(method) -> None:
    assert f"access to attribute '{method}' of 'str' object is unsafe" in problem(
        f"{{{{ project.{method}(10**9) }}}}"
    )


@pytest.mark.parametrize("name", ["center", "indent", "wordwrap", "format", "batch", "slice",
                                  "random", "sum", "pprint", "urlize", "xmlattr"])  # fmt: skip
def test_filters_that_pad_or_repeat_are_not_there(name) -> None:
    assert problem(f"{{{{ project|{name} }}}}") == f"line 1: No filter named '{name}'."


def test_every_allowed_filter_exists_in_jinja() -> None:
    assert sorted(templating._sandbox().filters) == sorted(templating.USER_FILTERS)


def test_errors_name_the_line() -> None:
    assert problem("one\n{{ 1 / 0 }}") == "line 2: ZeroDivisionError: division by zero"
    assert problem("one\ntwo\n{% if %}").startswith("line 3: ")
    with pytest.raises(TemplateProblem) as caught:
        templating.check("{{ project }\n")
    assert caught.value.line == 1


def test_the_bounds_leave_room_for_real_work() -> None:
    source = "{% for c in 'x' * 1000 %}{{ c }}{% endfor %}{{ 'y' * (" + str(MAX_SIZE) + " - 1) }}"
    assert len(render_text(source, CONTEXT)) == 1000 + MAX_SIZE - 1


def test_packaged_templates_keep_their_own_environment() -> None:
    assert not isinstance(templating.environment(), type(templating._sandbox()))
    assert "range" in templating.environment().globals
