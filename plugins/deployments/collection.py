"""``octo.deployments``: deploy releases, promote between environments, coordinate projects.

See :mod:`.deploy`, :mod:`.promote` and :mod:`.coordinated` for what each plans.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from octoflow_plugins.deployments.coordinated import Coordinated
from octoflow_plugins.deployments.deploy import Deploy
from octoflow_plugins.deployments.promote import Promote


class Deployments:
    """The ``octo.deployments`` entry point.

    Every method takes the deployment options: ``skip_steps`` (step names),
    ``variables`` (prompted variable values), ``queue_time`` (ISO date-time),
    ``force`` (redeploy what is current), ``comments``, ``wait`` (until each
    task has finished; failing loudly when it fails or ``timeout`` seconds
    pass) and ``poll`` (seconds between task reads).
    """

    def deploy(
        self,
        projects: Any,
        *,
        to: str | Sequence[str],
        release: Any = "latest",
        tenants: Any = None,
        channel: str | None = None,
        **options: Any,
    ) -> Deploy:
        """Deploy ``release`` (a version or ``latest``, in ``channel`` if given) of each
        project to the environments ``to``; to ``tenants`` (names or
        ``octo.tenants.where(…)``) for tenanted projects."""
        return Deploy(projects, release, to, tenants, channel, **options)

    def promote(
        self, from_env: str, to_env: str, *, projects: Any = None, **options: Any
    ) -> Promote:
        """Deploy to ``to_env`` every release current in ``from_env`` and not yet in ``to_env``."""
        return Promote(from_env, to_env, projects, **options)

    def coordinated(
        self,
        entries: Sequence[Mapping[str, Any] | str],
        *,
        to: str,
        tenants: Any = None,
        **options: Any,
    ) -> Coordinated:
        """Deploy several projects to ``to`` in dependency order (see :mod:`.coordinated`)."""
        return Coordinated(entries, to, tenants, **options)
