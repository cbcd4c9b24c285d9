"""Whose code raised: the user's (a recipe, a ``where`` predicate), a plugin's, or octoflow's.

Planning runs code octoflow did not write. When that code raises, the user
gets an error naming the file and line (exit 2), not "internal error" (exit 70),
which stays for octoflow's own bugs. The blame goes to the innermost frame that
is not in the standard library or a third-party library octoflow uses.
"""

from __future__ import annotations

import importlib.util
import sysconfig
import traceback
from collections.abc import Mapping
from pathlib import Path

import attrs

from octoflow.errors import OctoflowError, PluginError, RecipeError


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]).resolve() if locations else None


#: octoflow's own source trees: the core and the built-in providers (their bugs are ours).
OWN_ROOTS = tuple(p for p in map(_package_dir, ("octoflow", "octoflow_plugins")) if p)
_LIBRARY_ROOTS = tuple(
    Path(p).resolve()
    for p in {sysconfig.get_path(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    if p
)


@attrs.frozen
class Culprit:
    """The frame to blame. ``plugin`` is set for a plugin's code, ``own`` for octoflow's."""

    filename: str
    lineno: int
    function: str
    plugin: str = ""
    own: bool = False

    @property
    def where(self) -> str:
        return f"{self.filename} line {self.lineno}"


def find_culprit(exc: BaseException, plugin_roots: Mapping[str, Path]) -> Culprit | None:
    """The innermost frame of ``exc`` in user, plugin or octoflow code (``None``: no frame)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = _resolved(frame.filename)
        culprit = Culprit(frame.filename, frame.lineno or 0, frame.name)
        for name, root in plugin_roots.items():
            if path is not None and path.is_relative_to(root):
                own = any(root.is_relative_to(r) for r in OWN_ROOTS)
                return attrs.evolve(culprit, plugin=name, own=own)
        if path is not None and any(path.is_relative_to(r) for r in OWN_ROOTS):
            return attrs.evolve(culprit, own=True)
        if path is not None and any(path.is_relative_to(r) for r in _LIBRARY_ROOTS):
            continue
        return culprit
    return None


def blame(exc: Exception, plugin_roots: Mapping[str, Path], doing: str) -> OctoflowError | None:
    """The error to show for ``exc`` raised while ``doing`` (e.g. "planning"), or
    ``None`` when it is octoflow's own bug (let it surface as an internal error)."""
    culprit = find_culprit(exc, plugin_roots)
    if culprit is None or culprit.own:
        return None
    what = f"{type(exc).__name__}: {exc}"
    if culprit.plugin:
        return PluginError(
            f"plugin {culprit.plugin!r} raised {what} while {doing} (at {culprit.where}); "
            "nothing was changed. Report it to the plugin's authors, or block the plugin "
            f"with OCTOFLOW_BLOCK_PLUGINS={culprit.plugin}"
        )
    code = "a where() predicate" if culprit.function == "<lambda>" else "your code"
    return RecipeError(
        f"{code} raised {what} while {doing} (at {culprit.where}); nothing was changed"
    )


def _resolved(filename: str) -> Path | None:
    if filename.startswith("<"):  # <string>, <stdin>: code typed or exec'd by the user
        return None
    try:
        return Path(filename).resolve()
    except OSError:
        return None
