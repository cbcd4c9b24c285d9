"""User templates cannot run code or read secrets: release notes and version patterns
(``release-create``) and ``.j2`` step files (``projects-add-step``), through the CLI.

Each probe would run a command, read the environment or build something huge in a
plain jinja2 environment; in octoflow's sandbox it is a plan error (exit 2) naming the
parameter or file and the line, and nothing is written or run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.support import TEST_KEY, run_cli, writes

#: jinja2 globals and builtins that lead to ``os`` in an unsandboxed environment.
ESCAPES = {
    "cycler": "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "joiner": "{{ joiner.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "namespace": "{{ namespace.__init__.__globals__.os.system('touch MARKER') }}",
    "lipsum": "{{ lipsum.__globals__['os'].system('touch MARKER') }}",
}
PROBES = {
    "self globals": ("{{ self.__init__.__globals__ }}", "'__init__'"),
    "str mro": ("{{ ''.__class__.__mro__ }}", "'__class__'"),
    "lipsum globals": ("{{ lipsum.__globals__ }}", "'lipsum' is undefined"),
    "environ": ("{{ cycler.__init__.__globals__.os.environ['OCTOPUS_API_KEY'] }}", "'cycler'"),
    "a bare name": ("{{ OCTOPUS_API_KEY }}", "'OCTOPUS_API_KEY' is undefined"),
    "range": ("{{ range(10**9)|length }}", "'range' is undefined"),
    "repeat": ("{{ 'x' * 10**9 }}", "a value of over 100,000 characters"),
    "format": ("{{ '{:>999999999}'.format(project) }}", "attribute 'format' of 'str'"),
}


def release_create(notes: str, *more: str) -> tuple[str, ...]:
    return ("release-create", "-p", "project=Compass Web", "-p", f"notes={notes}", *more)


@pytest.mark.parametrize("probe", ESCAPES.values(), ids=list(ESCAPES))
def test_notes_cannot_run_a_command(server, cli, tmp_path, monkeypatch, probe) -> None:
    sandbox, _srv = server
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "MARKER"

    code, out, err = cli("apply", *release_create(probe), "--yes")

    assert code == 2, out + err
    assert "Compass Web: the notes template, line 1:" in err
    assert "nothing was changed" in err
    assert not marker.exists()
    assert writes(sandbox) == []


@pytest.mark.parametrize(("probe", "message"), PROBES.values(), ids=list(PROBES))
def test_notes_cannot_reach_python_or_the_environment(server, cli, probe, message) -> None:
    sandbox, _srv = server

    code, out, err = cli("apply", *release_create(probe), "--yes")

    assert code == 2, out + err
    assert "Compass Web: the notes template, line 1:" in err and message in err
    assert TEST_KEY not in out + err
    assert writes(sandbox) == []


def test_the_message_names_the_line(server, cli) -> None:
    sandbox, _srv = server
    notes = "Release {{ project }}\nwith {{ packages['Deploy'] }}\n{{ secret }}\n"

    code, _out, err = cli("apply", *release_create(notes), "--yes")

    assert code == 2
    assert "Compass Web: the notes template, line 3: 'secret' is undefined" in err
    assert writes(sandbox) == []


def test_a_version_pattern_is_sandboxed_too(server, cli, tmp_path, monkeypatch) -> None:
    sandbox, _srv = server
    monkeypatch.chdir(tmp_path)
    version = "2.0.{{ cycler.__init__.__globals__.os.system('touch MARKER') }}"

    code, _out, err = cli(
        "apply", "release-create", "-p", "project=Compass Web", "-p", f"version={version}", "--yes"
    )

    assert code == 2
    assert "Compass Web: the version template, line 1: 'cycler' is undefined" in err
    assert not (tmp_path / "MARKER").exists() and writes(sandbox) == []


def test_a_syntax_error_stops_before_the_server_is_read(server, cli) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()

    code, _out, err = cli("apply", *release_create("{{ project "), "--yes")

    assert code == 2
    assert "the notes template, line 1: unexpected end of template" in err
    assert sandbox.requests == []


def test_plan_in_the_embedded_sandbox(capsys, tmp_path, monkeypatch) -> None:
    """The issue's own command: ``octoflow plan release-create --sandbox demo -p notes=…``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OCTOPUS_API_KEY", TEST_KEY)
    probe = "{{ cycler.__init__.__globals__.os.system('id > MARKER') }}"

    code, out, err = run_cli("plan", "--sandbox", "demo", *release_create(probe), capsys=capsys)

    assert code == 2 and "the notes template, line 1:" in err
    assert list(tmp_path.iterdir()) == []


def test_allowed_templates_still_render(server, server_api, cli) -> None:
    notes = "{{ project }} ({{ channel }}): {% for s, v in packages|dictsort %}{{ s }} {{ v }}"
    notes += "{% endfor %}"

    code, _out, err = cli("apply", *release_create(notes, "-p", "version=3.0.0"), "--yes")

    assert code == 0, err
    project = server_api.project_id("Compass Web")
    release = server_api.get(f"/api/Spaces-1/projects/{project}/releases/3.0.0")
    assert release["ReleaseNotes"].startswith("Compass Web (Default): Deploy ")


# -- step templates ------------------------------------------------------------------------


def step_file(tmp_path: Path, notes: str) -> Path:
    path = tmp_path / "step.json.j2"
    lines = [
        "{",
        '  "Name": "Notify",',
        '  "ActionType": "Octopus.Script",',
        f'  "Notes": "{notes}"',
    ]
    path.write_text("\n".join([*lines, "}", ""]))
    return path


@pytest.mark.parametrize("probe", ESCAPES.values(), ids=list(ESCAPES))
def test_a_step_template_cannot_run_a_command(server, cli, tmp_path, monkeypatch, probe) -> None:
    sandbox, _srv = server
    monkeypatch.chdir(tmp_path)
    path = step_file(tmp_path, probe)

    code, out, err = cli("apply", "projects-add-step", "-p", "group=Apps", "-p", f"step={path}",
                         "--yes")  # fmt: skip

    assert code == 2, out + err
    assert f"step template {str(path)!r}, line 4:" in err
    assert not (tmp_path / "MARKER").exists()
    assert writes(sandbox) == []


def test_a_step_template_sees_only_project(server, cli, tmp_path) -> None:
    sandbox, _srv = server
    path = step_file(tmp_path, "{{ self.__init__.__globals__ }}")

    code, out, err = cli("apply", "projects-add-step", "-p", "group=Apps", "-p", f"step={path}",
                         "--yes")  # fmt: skip

    assert code == 2
    assert "line 4: access to attribute '__init__' of 'TemplateReference' object is unsafe" in err
    assert TEST_KEY not in out + err
    assert writes(sandbox) == []
