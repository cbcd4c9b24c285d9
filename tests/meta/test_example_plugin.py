"""The example third-party plugin (docs/examples/octoflow-freezes) imports octoflow's
public API only, and octoflow's own test run leaves its tests to its author's run."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "docs" / "examples" / "octoflow-freezes"
PUBLIC = {"octoflow.provider"}
#: Where a file may also import more, and what.
ALSO = {
    # Recipes get Param from the package, as docs/recipes.md shows every recipe doing.
    "octoflow_freezes/recipes/": {"octoflow"},
    "tests/": {"octoflow.testing"},
    # The fake-server side imports octoflow's API for sandbox areas.
    "octoflow_freezes/sandbox/": {"octoflow.sandbox.area"},
}


def sources() -> list[Path]:
    return sorted(p for p in PLUGIN.rglob("*.py") if "egg-info" not in str(p))


def octoflow_imports(path: Path) -> set[str]:
    """The octoflow modules a file imports (``from octoflow import Param`` is ``octoflow``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(n for n in names if n == "octoflow" or n.startswith("octoflow."))
    return found


def allowed(relative: str) -> set[str]:
    extra = [more for prefix, more in ALSO.items() if relative.startswith(prefix)]
    return PUBLIC.union(*extra)


def test_the_plugin_imports_only_octoflows_public_api() -> None:
    files = {str(p.relative_to(PLUGIN)): p for p in sources()}
    assert {"octoflow_freezes/__init__.py", "octoflow_freezes/sandbox/freezes.py"} <= set(files)
    assert any(name.startswith("tests/test_") for name in files)
    offenders = {
        name: sorted(octoflow_imports(path) - allowed(name))
        for name, path in files.items()
        if octoflow_imports(path) - allowed(name)
    }
    assert offenders == {}


def test_only_the_sandbox_package_imports_octoflows_sandbox_api() -> None:
    importers = sorted(
        str(p.relative_to(PLUGIN))
        for p in sources()
        if any(m.startswith("octoflow.sandbox") for m in octoflow_imports(p))
    )
    assert importers == [
        "octoflow_freezes/sandbox/admission.py",
        "octoflow_freezes/sandbox/freezes.py",
    ]


def test_the_check_sees_an_internal_import(tmp_path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from octoflow.plan.compiler import Edit\nimport octoflow.registry as r\n")
    assert octoflow_imports(sample) - allowed("octoflow_freezes/x.py") == {
        "octoflow.plan.compiler",
        "octoflow.registry",
    }


def collect(*options: str) -> subprocess.CompletedProcess[str]:
    """What ``python -m pytest`` from the root would collect outside ``tests/``."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-p", "no:xdist", "--ignore-glob=tests/*", *options],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_octoflows_own_run_leaves_the_plugins_tests_alone() -> None:
    """The plugin's tests run in its own folder once it is installed (``.ci/run``);
    octoflow's run (``testpaths``) never collects them, so they neither run twice nor fail
    where the plugin is not installed."""
    done = collect()
    assert done.returncode == 5 and "no tests collected" in done.stdout, done.stdout[-2000:]
    # Without testpaths the same run would pick them up (and fail without the plugin).
    assert "docs/examples/octoflow-freezes/tests/" in collect("-o", "testpaths=").stdout


def test_ci_installs_and_tests_the_plugin_as_its_readme_says() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    readme = (PLUGIN / "README.md").read_text(encoding="utf-8")
    install = "python -m pip install --quiet -e docs/examples/octoflow-freezes"
    assert install in ci
    assert "(cd docs/examples/octoflow-freezes && python -m pytest)" in ci
    assert ci.index(install) > ci.index("python -m pytest -n auto")  # octoflow's run first
    assert "pip install -e docs/examples/octoflow-freezes" in readme
    assert "cd docs/examples/octoflow-freezes && python -m pytest" in readme
