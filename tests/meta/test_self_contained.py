"""A clone of the repository has everything its tests, docs and code read."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("octoflow", "plugins", "recipes", "tests", "docs", "README.md", ".ci", "setup.cfg")
#: Built from parts so this file does not match its own search.
OUTSIDE = "../" + "shared"


def tracked_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", *CHECKED],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [ROOT / name for name in out.decode().split("\0") if name]


def test_nothing_refers_outside_the_repository() -> None:
    """No file points at the folder that happens to sit beside the checkout in CI."""
    offenders = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        if OUTSIDE in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"these files refer to {OUTSIDE}: {offenders}"


def test_the_api_reference_copy_is_complete() -> None:
    """Every sample a test loads is in the repository's copy, with its source noted."""
    reference = ROOT / "tests" / "data" / "octopus-api"
    sources = (reference / "SOURCES.md").read_text(encoding="utf-8")
    samples = sorted(p.name for p in (reference / "samples").glob("*.json"))
    assert (reference / "schema-definitions.json").is_file()
    assert samples
    missing = [name for name in samples if f"`samples/{name}`" not in sources]
    assert not missing, f"SOURCES.md does not say where these come from: {missing}"
