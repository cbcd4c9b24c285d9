"""Resolving the names in process statements: groups, lifecycles, feeds, worker
pools, environments, channels, tenant tags and step templates.

Each name is resolved once per statement; a name that does not resolve is
recorded once as a plan problem with close matches, and planning goes on, so
one plan reports every bad name together.
"""

from __future__ import annotations

from typing import Any

from octoflow_plugins.processes.models import ActionTemplate, Feed

from octoflow.provider import (
    Channel,
    Environment,
    Lifecycle,
    NotFoundError,
    PlanContext,
    ProjectGroup,
    TagSet,
    WorkerPool,
    unknown_name_message,
)

#: Feed types that hold container images.
CONTAINER_FEEDS = (
    "Docker",
    "AwsElasticContainerRegistry",
    "AzureContainerRegistry",
    "GoogleContainerRegistry",
    "OciRegistry",
)


class Names:
    """Name → id lookups for one statement, each answered (or reported) once."""

    def __init__(self, ctx: PlanContext) -> None:
        self.ctx = ctx
        self._cache: dict[tuple[str, str], Any] = {}
        self._reported: set[str] = set()

    def problem_once(self, message: str) -> None:
        """Record a problem found for many processes alike only once."""
        if message not in self._reported:
            self._reported.add(message)
            self.ctx.problem(message)

    def _once(self, what: str, name: str, find: Any) -> Any:
        key = (what, name.strip().lower())
        if key not in self._cache:
            self._cache[key] = find()
        return self._cache[key]

    def group(self, name: str) -> ProjectGroup | None:
        return self._once(
            "group",
            name,
            lambda: self.ctx.find("projectgroups", ProjectGroup, name, "project group"),
        )

    def lifecycle(self, name: str) -> Lifecycle | None:
        return self._once(
            "lifecycle", name, lambda: self.ctx.find("lifecycles", Lifecycle, name, "lifecycle")
        )

    def environment(self, name: str) -> str | None:
        env = self._once(
            "env", name, lambda: self.ctx.find("environments", Environment, name, "environment")
        )
        return env.id if env is not None else None

    def feed(self, name: str) -> Feed | None:
        return self._once("feed", name, lambda: self.ctx.find("feeds", Feed, name, "feed"))

    def container_feed(self, name: str) -> Feed | None:
        def find() -> Feed | None:
            feed = self.ctx.find("feeds", Feed, name, "feed")
            if feed is not None and feed.feed_type not in CONTAINER_FEEDS:
                images = [
                    f.name for f in self.ctx.models("feeds", Feed) if f.feed_type in CONTAINER_FEEDS
                ]
                self.ctx.problem(
                    f"feed {feed.name!r} is a {feed.feed_type} feed, not a container registry",
                    "execution containers come from "
                    + (", ".join(map(repr, images)) or "a Docker feed"),
                )
                return None
            return feed

        return self._once("container feed", name, find)

    def worker_pool(self, name: str) -> WorkerPool | None:
        def find() -> WorkerPool | None:
            try:
                return self.ctx.find("workerpools", WorkerPool, name, "worker pool")
            except NotFoundError:
                self.ctx.problem(f"unknown worker pool {name!r}: the server lists no worker pools")
                return None

        return self._once("worker pool", name, find)

    def channel(self, project_id: str, project_name: str, name: str) -> str | None:
        def find() -> str | None:
            channels = [
                c for c in self.ctx.models("channels", Channel) if c.project_id == project_id
            ]
            wanted = name.strip().lower()
            for channel in channels:
                if wanted in (channel.name.lower(), str(channel.id).lower()):
                    self.ctx.label(channel)
                    return channel.id
            what = f"channel of project {project_name!r}"
            self.ctx.problem(unknown_name_message(what, name, [c.name for c in channels]))
            return None

        return self._once(f"channel {project_id}", name, find)

    def tenant_tag(self, name: str) -> str | None:
        def find() -> str | None:
            tags: dict[str, tuple[TagSet, str]] = {}
            for tag_set in self.ctx.models("tagsets", TagSet):
                for tag in tag_set.tags:
                    canonical = tag.canonical_tag_name or f"{tag_set.name}/{tag.name}"
                    tags[canonical.lower()] = (tag_set, canonical)
            hit = tags.get(name.strip().lower())
            if hit is None:
                self.ctx.problem(unknown_name_message("tag", name, [c for _, c in tags.values()]))
                return None
            if not hit[0].scoped_to_tenants:
                self.ctx.problem(
                    f"tag {hit[1]!r} belongs to tag set {hit[0].name!r}, which is not "
                    "available to tenants"
                )
                return None
            return hit[1]

        return self._once("tag", name, find)

    def action_template(self, name: str) -> ActionTemplate | None:
        return self._once(
            "template",
            name,
            lambda: self.ctx.find("actiontemplates", ActionTemplate, name, "step template"),
        )

    # -- lists ------------------------------------------------------------------------

    def environments(self, names: Any) -> list[str]:
        return [i for i in (self.environment(n) for n in names) if i]

    def tenant_tags(self, names: Any) -> list[str]:
        return [t for t in (self.tenant_tag(n) for n in names) if t]

    def channels(self, project_id: str, project_name: str, names: Any) -> list[str]:
        found = (self.channel(project_id, project_name, n) for n in names)
        return [c for c in found if c]
