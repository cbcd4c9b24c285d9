"""docs/provider-api.md describes exactly what octoflow.provider exports."""

from __future__ import annotations

import re
from pathlib import Path

import octoflow.provider

PAGE = Path(__file__).parents[2] / "docs" / "provider-api.md"


def documented_names() -> list[str]:
    return re.findall(r"^### `([A-Za-z_]+)`$", PAGE.read_text(encoding="utf-8"), re.M)


def test_every_exported_name_is_documented_once():
    names = documented_names()
    assert sorted(names) == sorted(octoflow.provider.__all__)
    assert len(names) == len(set(names))


def test_the_module_docstring_lists_every_name():
    doc = octoflow.provider.__doc__ or ""
    missing = [n for n in octoflow.provider.__all__ if f"`{n}`" not in doc]
    assert missing == []
