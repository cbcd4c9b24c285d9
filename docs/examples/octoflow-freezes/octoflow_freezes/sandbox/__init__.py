"""The freezes area of the embedded Octopus: ``/api/deploymentfreezes`` with the real
server's shapes, and deployments inside a freeze refused as the server refuses them.

The area's modules (and octoflow's sandbox) are imported only when a sandbox is built,
so a run against a real server loads none of them.
"""

from __future__ import annotations

from typing import Any


class FreezesArea:
    """Deployment freezes: instance-wide documents. The demo has one, long over."""

    name = "freezes"

    def register_routes(self, router: Any) -> None:
        from octoflow_freezes.sandbox import admission, freezes

        freezes.register_routes(router)
        admission.register(router)

    def seed(self, state: Any, seed: str) -> None:
        if seed == "demo":
            from octoflow_freezes.sandbox.freezes import seed_demo

            seed_demo(state)
