"""``octo.feeds``: select feeds, ensure one, rotate its password.

Examples::

    octo.feeds.ensure("Docker Hub", "Docker", fields={"FeedUri": "https://index.docker.io"})
    octo.feeds.where(name="Artifactory").rotate("ARTIFACTORY_PASSWORD")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.credentials.kinds import FEED
from octoflow_plugins.credentials.named import Credentials, EnsureCredential, Kind

#: FeedType → its secret fields. UNCONFIRMED: that an ECR feed's secret is ``SecretKey``
#: (the other feed types' is ``Password``); the built-in and project feeds have none.
SECRETS: dict[str, tuple[str, ...]] = {
    "BuiltIn": (),
    "OctopusProject": (),
    "AwsElasticContainerRegistry": ("SecretKey",),
    **{
        t: ("Password",)
        for t in (
            "NuGet",
            "Docker",
            "Maven",
            "GitHub",
            "Helm",
            "AzureContainerRegistry",
            "GoogleContainerRegistry",
            "Npm",
            "ArtifactoryGeneric",
            "S3",
            "OciRegistry",
            "GcsStorage",
            "PyPi",
        )
    },
}
FEEDS = Kind("feeds", FEED, "feed", "FeedType", SECRETS)


@attrs.frozen
class EnsureFeed(EnsureCredential):
    collection: ClassVar[str] = "feeds"
    kind: ClassVar[str] = FEED
    of: ClassVar[Kind] = FEEDS


@attrs.frozen
class Feeds(Credentials):
    collection: ClassVar[str] = "feeds"
    of: ClassVar[Kind] = FEEDS

    def ensure(
        self,
        name: str,
        type: str,
        fields: Mapping[str, Any] | None = None,
        secrets: Mapping[str, str] | None = None,
        rotate: bool = False,
    ) -> EnsureFeed:
        """A feed of this type with these fields (``FeedUri``, ``Username`` …) exists;
        ``secrets`` maps ``Password`` to the environment variable apply reads it from."""
        return EnsureFeed.checked(name, type, fields, secrets, rotate)
