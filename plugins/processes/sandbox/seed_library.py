"""The demo seed's feeds (with package versions) and step-template library.

Feeds: ``Octopus Server (built-in)`` (``feeds-builtin``, in every seed),
``Docker Hub``, ``GitHub Container Registry`` and ``NuGet.org``; container
images on the Docker feeds, and three versions (plus a pre-release) of each
package a demo process deploys on the built-in feed. Action templates:
``Slack - Send Simple Notification``, ``HTTP - Test URL``,
``SQL - Backup Database``.
"""

from __future__ import annotations

import random
import uuid

from octoflow_plugins.processes.sandbox.feeds import BUILT_IN_ID, FEEDS, add_package
from octoflow_plugins.processes.sandbox.library import ACTION_TEMPLATES

from octoflow.sandbox.area import Doc, State, slugify

SPACE_ID = "Spaces-1"
BUILT_IN = "Octopus Server (built-in)"
FEED_SEED = (
    ("Docker Hub", "Docker", "https://index.docker.io"),
    ("GitHub Container Registry", "Docker", "https://ghcr.io"),
    ("NuGet.org", "NuGet", "https://api.nuget.org/v3/index.json"),
)
IMAGES = {
    "Docker Hub": {
        "octopuslabs/workertools": [
            "6.0.0-ubuntu.22.04",
            "6.1.0-ubuntu.22.04",
            "6.2.0-ubuntu.22.04",
            "latest",
        ],
        "octopuslabs/terraform-workertools": ["1.0.0", "1.1.0", "latest"],
        "python": ["3.11-slim", "3.12-slim"],
    },
    "GitHub Container Registry": {"octoflow-demo/etl-runner": ["2.0.0", "2.1.0"]},
}


def seed_feeds(state: State, space_id: str = SPACE_ID, feed_id: str = BUILT_IN_ID) -> None:
    """The built-in feed, which every Octopus space has. UNCONFIRMED: a server gives it
    the id ``feeds-builtin`` in every space; sandbox ids are unique across spaces, so
    the built-in feed of a space made through the API is ``feeds-builtin-<space id>``."""
    feed = FEEDS.defaults()
    feed.update(
        Id=feed_id,
        Name=BUILT_IN,
        Slug=slugify(BUILT_IN),
        FeedType="BuiltIn",
        SpaceId=space_id,
        PackageAcquisitionLocationOptions=["Server", "ExecutionTarget", "NotAcquired"],
        DeletePackagesAssociatedWithReleases=False,
        DeleteUnreleasedPackagesAfterDays=30,
        IsBuiltInRepoSyncEnabled=False,
    )
    state.stamp(feed)
    feed["Links"] = FEEDS.links(feed)
    state.put("Feeds", feed)


def seed_feed_list(state: State) -> dict[str, str]:
    for name, feed_type, uri in FEED_SEED:
        extra = {"ApiVersion": "v2"} if feed_type == "Docker" else {}
        FEEDS.insert(
            state, SPACE_ID, {"Name": name, "FeedType": feed_type, "FeedUri": uri, **extra}
        )
    feeds = {f["Name"]: f["Id"] for f in state.values("Feeds", SPACE_ID)}
    for feed_name, images in IMAGES.items():
        feed = state.require("Feeds", feeds[feed_name])
        for image, tags in images.items():
            add_package(state, feed, image, [_version(tag, n) for n, tag in enumerate(tags)])
    return feeds


def add_package_versions(state: State, package: str, rng: random.Random) -> None:
    feed = state.require("Feeds", BUILT_IN_ID)
    minor = rng.randint(0, 9)
    tags = [f"1.{minor}.{patch}" for patch in range(3)] + [f"1.{minor + 1}.0-beta.1"]
    add_package(state, feed, package, [_version(tag, n) for n, tag in enumerate(tags)])


def _version(tag: str, n: int) -> Doc:
    return {
        "Version": tag,
        "Published": f"2025-12-{n + 1:02d}T10:00:00.000+00:00",
        "SizeBytes": 1_048_576 * (n + 3),
        "Title": None,
        "ReleaseNotes": f"Release {tag}",
    }


SLACK_BODY = """$payload = @{
    channel = $OctopusParameters['ssn_Channel']
    attachments = @(@{
        title = $OctopusParameters['ssn_Title']
        text = $OctopusParameters['ssn_Message']
    })
}
$body = $payload | ConvertTo-Json -Depth 4
Invoke-RestMethod -Method POST -Body $body -Uri $OctopusParameters['ssn_HookUrl']
"""
TEMPLATES: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Slack - Send Simple Notification",
        "Posts a message to a Slack channel through an incoming webhook.",
        SLACK_BODY,
        (
            ("ssn_HookUrl", "Hook URL"),
            ("ssn_Channel", "Channel"),
            ("ssn_Title", "Title"),
            ("ssn_Message", "Message"),
        ),
    ),
    (
        "HTTP - Test URL",
        "Requests a URL and fails unless it answers with the expected status code.",
        "$r = Invoke-WebRequest -Uri $OctopusParameters['Uri'] -UseBasicParsing\n"
        "if ($r.StatusCode -ne [int]$OctopusParameters['ExpectedCode']) { exit 1 }\n",
        (("Uri", "URL"), ("ExpectedCode", "Expected status code")),
    ),
    (
        "SQL - Backup Database",
        "Backs up a SQL Server database to a file.",
        "Backup-SqlDatabase -ServerInstance $OctopusParameters['ServerName'] "
        "-Database $OctopusParameters['DatabaseName']\n",
        (("ServerName", "Server"), ("DatabaseName", "Database")),
    ),
)


def seed_templates(state: State) -> dict[str, Doc]:
    rng = random.Random("octoflow-demo-action-templates")
    out = {}
    for name, description, body, parameters in TEMPLATES:
        out[name] = ACTION_TEMPLATES.insert(
            state,
            SPACE_ID,
            {
                "Name": name,
                "Description": description,
                "ActionType": "Octopus.Script",
                "Version": 3,
                "Properties": {
                    "Octopus.Action.Script.ScriptSource": "Inline",
                    "Octopus.Action.Script.Syntax": "PowerShell",
                    "Octopus.Action.Script.ScriptBody": body,
                },
                "Parameters": [_parameter(rng, key, label) for key, label in parameters],
            },
        )
    return out


def _parameter(rng: random.Random, name: str, label: str) -> Doc:
    return {
        "Id": str(_uuid(rng)),
        "Name": name,
        "Label": label,
        "HelpText": None,
        "DefaultValue": None,
        "DisplaySettings": {"Octopus.ControlType": "SingleLineText"},
    }


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)
