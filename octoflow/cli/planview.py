"""How the CLI shows a plan as text: which view, colour, and the width to wrap to.

Colour only on a terminal, per no-color.org: a non-empty ``NO_COLOR`` turns it off, else a
non-empty ``FORCE_COLOR`` turns it on anywhere (a CI log that shows ANSI colour), else
``TERM=dumb`` turns it off. JSON output is never coloured, and neither is the text the
Octopus step writes to a task log (it does not come through here).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Mapping
from typing import TextIO

from octoflow.plan.model import Plan
from octoflow.plan.render import DEFAULT_WIDTH, render_plan

#: Narrower terminals still get lines this wide (they wrap).
MIN_WIDTH = 40


def plan_text(plan: Plan, args: argparse.Namespace, stream: TextIO | None = None) -> str:
    """The plan as ``octoflow plan`` prints it on ``stream`` (default standard output)."""
    stream = stream or sys.stdout
    return render_plan(
        plan,
        verbose=args.verbose,
        compact=True if args.compact else None,
        color=colour_wanted(stream, os.environ),
        width=width_of(stream),
    )


def colour_wanted(stream: TextIO, environ: Mapping[str, str]) -> bool:
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return environ.get("TERM") != "dumb" and _is_terminal(stream)


def width_of(stream: TextIO) -> int:
    """The terminal's width (``COLUMNS`` first); off a terminal a fixed width, so files and
    pipes get the same text everywhere."""
    if not _is_terminal(stream):
        return DEFAULT_WIDTH
    return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
