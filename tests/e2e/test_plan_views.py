"""How the CLI shows a plan: the compact view of big plans, the full view of small ones and
with --verbose, colour on a terminal only, and the README's sample that must match."""

from __future__ import annotations

import ast
import fcntl
import json
import os
import pty
import re
import shlex
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from octoflow import Octoflow, render_plan
from octoflow.plugin import PluginHost
from octoflow.recipe import find_recipe
from octoflow.sandbox import Sandbox
from octoflow.steptemplates import recipe_template
from tests.e2e.support import TEST_KEY, api_for, run_cli
from tests.step.harness import run_step

README = Path(__file__).resolve().parents[2] / "README.md"
EU_PORTAL = (
    "tenants-add-project",
    "--sandbox",
    "demo",
    "-p",
    "tag=Region/EU",
    "-p",
    "project=Customer Portal",
    "-p",
    "environments=Test,Production",
)
APAC_TAGS = (
    "tenants-tag",
    "--sandbox",
    "demo",
    "-p",
    "tag=Region/APAC",
    "-p",
    "add=Tier/Gold",
    "-p",
    "remove=Tier/Bronze",
)
MORE = re.compile(
    r"^      … and (\d+) more \(--compact lists every name, --verbose every change\)$"
)
ESC = "\x1b["


@pytest.fixture(scope="module")
def eu_names(areas) -> set[str]:
    api = api_for(Sandbox(areas, seed="demo"))
    return {t["Name"] for t in api.tenants() if "Region/EU" in t["TenantTags"]}


def quoted_names(text: str) -> list[str]:
    """The names on the compact view's name lines."""
    lines = [line for line in text.splitlines() if re.match(r"      ['\"]", line)]
    quoted = r"'[^']*'|\"[^\"]*\""
    return [ast.literal_eval(name) for line in lines for name in re.findall(quoted, line)]


# -- the compact view --------------------------------------------------------------------


def test_a_400_tenant_plan_fits_in_40_lines_and_counts_every_tenant(capsys, eu_names) -> None:
    code, out, _ = run_cli("plan", *EU_PORTAL, capsys=capsys)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) < 40, out
    heads = [line for line in lines if line.startswith("  ~ ")]
    assert heads == [
        "  ~ 360 Tenants: connect to Customer Portal in Test, Production",
        "  ~ 40 Tenants: connect to Customer Portal in Test, Production",
    ]
    shown = quoted_names(out)
    more = [int(m[1]) for line in lines if (m := MORE.match(line))]
    assert len(more) == 2 and len(shown) + sum(more) == 400
    assert len(set(shown)) == len(shown) and set(shown) <= eu_names
    assert lines[-2:] == [
        "Plan: 0 to add, 400 to change, 0 to delete.",
        "Apply will make about 460 API requests.",
    ]


def test_compact_lists_every_name_once(capsys, eu_names) -> None:
    code, out, _ = run_cli("plan", *EU_PORTAL, "--compact", capsys=capsys)
    assert code == 0
    shown = quoted_names(out)
    assert sorted(shown) == sorted(eu_names) and len(shown) == 400
    assert "more (" not in out
    assert len(out.splitlines()) < 150  # names only, about four to a line


def test_compact_with_verbose_groups_and_lists_the_unchanged(capsys) -> None:
    code, out, _ = run_cli("plan", *APAC_TAGS, "--compact", "--verbose", capsys=capsys)
    assert code == 0
    assert "  ~ 122 Tenants: tag Tier/Gold\n" in out
    assert "\n      tag Tier/Gold\n" not in out
    assert len(re.findall(r"^  = Tenant '.*' \(Tenants-\d+\): ", out, re.M)) == 47


def test_mixed_changes_are_separate_groups_in_plan_order(capsys) -> None:
    plan = Octoflow.with_sandbox("demo").plan_recipe(
        "tenants-tag", {"tag": "Region/APAC", "add": "Tier/Gold", "remove": "Tier/Bronze"}
    )
    firsts: dict[tuple[str, ...], list[str]] = {}
    for operation in plan.operations:
        firsts.setdefault(tuple(i.summary for i in operation.intents), []).append(operation.name)
    assert len(firsts) == 2  # some tenants had Bronze, some did not

    code, out, _ = run_cli("plan", *APAC_TAGS, "--compact", capsys=capsys)
    assert code == 0
    heads = [line for line in out.splitlines() if line.startswith("  ~ ")]
    assert heads == [
        f"  ~ {len(names)} Tenants: {'; '.join(intents)}" for intents, names in firsts.items()
    ]
    blocks = out.split("  ~ ")[1:]
    for block, names in zip(blocks, firsts.values(), strict=True):
        assert quoted_names(block) == names  # plan order within the group too


def test_apply_prints_the_same_compact_plan(capsys, state_file) -> None:
    code, out, _ = run_cli(
        "apply",
        "tenants-add-project",
        "--sandbox",
        str(state_file),
        *EU_PORTAL[3:],
        "--yes",
        capsys=capsys,
    )
    assert code == 0
    assert "  ~ 360 Tenants: connect to Customer Portal in Test, Production" in out
    assert "Apply complete: 400 changed" in out


# -- the full view ------------------------------------------------------------------------


def test_verbose_shows_every_operation_in_full(capsys, eu_names) -> None:
    code, out, _ = run_cli("plan", *EU_PORTAL, "--verbose", capsys=capsys)
    assert code == 0
    heads = re.findall(r"^  ~ Tenant '(.*)' \(Tenants-\d+\)$", out, re.M)
    assert sorted(heads) == sorted(eu_names)
    assert out.count("\n      connect to Customer Portal in Test, Production\n") == 400
    assert out.count("\n        ProjectEnvironments.Customer Portal: + Test, + Production\n") == 360
    assert out.count("\n        ProjectEnvironments.Customer Portal: + Production\n") == 40
    assert "Tenants:" not in out


def test_up_to_20_operations_keep_the_full_view_and_21_are_compact(eu_names) -> None:
    octo = Octoflow.with_sandbox("demo")
    eu = sorted(eu_names)
    connect = {"project": "Customer Portal", "environments": ["Test", "Production"]}
    twenty = octo.plan(octo.tenants.where(name=eu[:20]).add_project(**connect))
    more = octo.plan(octo.tenants.where(name=eu[:21]).add_project(**connect))
    assert len(twenty.operations) == 20 and len(more.operations) == 21
    assert render_plan(twenty) == render_plan(twenty, compact=False)
    assert render_plan(twenty).count("\n      connect to Customer Portal in Test, Production") == 20
    assert "\n      connect to" not in render_plan(more)
    assert "Tenants: connect to Customer Portal in Test, Production\n" in render_plan(more)


def test_a_small_plan_prints_the_full_view(capsys) -> None:
    code, out, _ = run_cli(
        "plan",
        "targets-update",
        "--sandbox",
        "demo",
        "-p",
        "role=web",
        "-p",
        "environment=Test",
        "-p",
        "add_roles=api",
        "-p",
        "add_environments=Staging",
        capsys=capsys,
    )
    assert code == 0
    assert out.count("  ~ Target '") == 11
    assert (
        "  ~ Target 'test-web-04' (Machines-24)\n      add role api\n      add environment "
        "Staging\n        EnvironmentIds: + Staging\n        Roles: + api\n" in out
    )


def test_one_api_request_is_singular(capsys) -> None:
    code, out, _ = run_cli(
        "plan",
        "release-create",
        "--sandbox",
        "demo",
        "-p",
        "project=Compass Web",
        "-p",
        "version=2.0.0",
        "-p",
        "packages=Deploy:1.8.2",
        capsys=capsys,
    )
    assert code == 0
    assert out.endswith("\nApply will make about 1 API request.\n")


# -- colour -------------------------------------------------------------------------------


def on_terminal(*args: str, env: dict[str, str], columns: int = 100) -> str:
    """Run ``octoflow`` with a pseudo-terminal of ``columns`` columns as its output."""
    master, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    unset = ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM")
    full_env = {k: v for k, v in os.environ.items() if k not in unset} | {"TERM": "xterm", **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "octoflow.cli", *args],
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=120) == 0, b"".join(chunks).decode()
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_a_terminal_gets_colour_and_names_wrapped_to_its_width() -> None:
    out = on_terminal("plan", *EU_PORTAL, env={}, columns=60)
    assert "  \x1b[33m~ 360 Tenants\x1b[0m: connect to Customer Portal in Test, Production\n" in out
    assert "\x1b[1mPlan: 0 to add, 400 to change, 0 to delete.\x1b[0m\n" in out
    name_lines = [line for line in out.splitlines() if line.startswith("      '")]
    assert name_lines and all(len(line) <= 60 for line in name_lines)
    assert max(len(line) for line in name_lines) > 50


def test_an_empty_no_color_does_not_turn_colour_off() -> None:
    assert "\x1b[33m~ 360 Tenants" in on_terminal("plan", *EU_PORTAL, env={"NO_COLOR": ""})


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}], ids=["NO_COLOR", "dumb"])
def test_no_color_or_a_dumb_terminal_turns_colour_off(env) -> None:
    out = on_terminal("plan", *EU_PORTAL, env=env)
    assert ESC not in out
    assert "  ~ 360 Tenants: connect to Customer Portal in Test, Production\n" in out


def test_a_pipe_gets_no_colour() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "octoflow.cli", "plan", *EU_PORTAL],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert ESC not in result.stdout
    assert "  ~ 360 Tenants: connect to Customer Portal in Test, Production\n" in result.stdout


def test_force_color_colours_a_pipe_unless_no_color_says_otherwise(capsys, monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = run_cli("plan", *APAC_TAGS, capsys=capsys)
    assert code == 0 and "\x1b[33m~ 122 Tenants\x1b[0m" in out
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run_cli("plan", *APAC_TAGS, capsys=capsys)
    assert code == 0 and ESC not in out


def test_json_is_never_coloured(capsys, monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = run_cli("plan", *APAC_TAGS, "--format", "json", capsys=capsys)
    assert code == 0 and ESC not in out
    assert json.loads(out)["summary"]["change"] == 203


def test_the_octopus_step_logs_the_full_plan_without_colour(server, monkeypatch, tmp_path):
    _sandbox, srv = server
    recipes = PluginHost.from_entry_points().build_registry().recipes
    template = recipe_template(find_recipe("tenants-tag", recipes))
    monkeypatch.setenv("FORCE_COLOR", "1")
    variables = {
        "Octoflow.Octopus.Url": srv.url,
        "Octoflow.Octopus.ApiKey": TEST_KEY,
        "Octoflow.Param.tag": "Region/APAC",
        "Octoflow.Param.add": "Tier/Gold",
        "Octoflow.Param.remove": "Tier/Bronze",
    }
    run = run_step(template["Properties"]["Octopus.Action.Script.ScriptBody"], variables, tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    assert ESC not in run.stdout
    plan_log = next(b for b in run.blocks("verbose") if b.startswith("octoflow plan"))
    assert plan_log.count("\n  ~ Tenant '") == 203  # every operation, not grouped


# -- the README's sample ------------------------------------------------------------------


def readme_sample() -> tuple[list[str], list[str]]:
    """The ``octoflow plan`` command in the README's console block, and the lines shown
    under it."""
    block = re.search(r"```console\n(.*?)```", README.read_text(), re.S)
    assert block, "the README has a console block"
    lines = block[1].splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("$ octoflow plan "))
    end = next(n for n in range(start + 1, len(lines)) if lines[n].startswith("$ "))
    return shlex.split(lines[start][2:])[1:], lines[start + 1 : end]


def template(line: str) -> str:
    line = re.sub(r"^octoflow plan [0-9a-f]{12}:", "octoflow plan <id>:", line)
    return re.sub(r"^  server \S+ ", "  server <url> ", line)


def shows(shown: list[str], actual: list[str]) -> bool:
    """``shown`` is ``actual`` with runs of lines replaced by ``...`` lines."""
    pattern = "".join(r"(?:.*\n)*" if line == "..." else re.escape(line) + r"\n" for line in shown)
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None


def test_the_readme_sample_is_what_octoflow_prints(capsys) -> None:
    args, shown = readme_sample()
    assert args[:2] == ["plan", "tenants-add-project"] and len(shown) > 10
    code, out, _ = run_cli(*args, "--sandbox", "demo", capsys=capsys)
    assert code == 0
    actual = [template(line) for line in out.splitlines()]
    assert shows([template(line) for line in shown], actual), "\n".join(actual)
