"""octoflow-freezes: deployment freezes for octoflow, an example third-party provider.

``octo.freezes`` ensures and ends freezes; the ``freeze-ensure`` and ``freeze-end``
recipes run them from the command line; the sandbox area serves the freezes API and
refuses deployments inside a freeze, as the server does. Registered through the
``octoflow.providers`` entry point ``freezes``.
"""

from __future__ import annotations

from pathlib import Path

from octoflow.provider import Registry, hookimpl

RECIPES = ("freeze-ensure", "freeze-end")


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_freezes.collection import Freezes
    from octoflow_freezes.intents import INTENTS
    from octoflow_freezes.kinds import KINDS

    registry.add_collection("freezes", lambda octo: Freezes())
    for kind in KINDS:
        registry.add_resource_kind(kind)
    for name, fn in INTENTS.items():
        registry.add_intent(name, fn)
    # Imported only when a sandbox is built: a real-server run never loads it.
    registry.add_sandbox_area("octoflow_freezes.sandbox:FreezesArea", name="freezes")
    folder = Path(__file__).with_name("recipes")
    for name in RECIPES:
        registry.add_recipe(name, folder / (name.replace("-", "_") + ".py"))
