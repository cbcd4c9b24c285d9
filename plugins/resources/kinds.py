"""The collections ``octo.resources(...)`` can write, one resource kind per root link.

Apply finds a kind by the name a plan stores (``registry.resource_kind(op.kind)``),
also for a saved plan applied in a new process, so the kinds are registered up front
from this static table rather than made up while planning. A kind is named after its
link (``Lifecycles``), so it never collides with a typed provider's kind
(``Environment``). ``tests/plugins/test_resources_kinds.py`` keeps the table in step
with the links the sandbox serves.
"""

from __future__ import annotations

from octoflow.provider import ResourceKind

#: Link name → (URL segment, space-scoped) for collections of named documents that
#: are read with ``/all`` and ``?ids=``, and written with ``PUT``/``DELETE`` by id.
#: Feeds live in a space (``/api/{spaceId}/feeds``) although root documents link the
#: unscoped ``/api/feeds`` alias, which means the default space; so the table, not the
#: link's form, says where a collection lives.
COLLECTIONS: dict[str, tuple[str, bool]] = {
    "Accounts": ("accounts", True),
    "ActionTemplates": ("actiontemplates", True),
    "Certificates": ("certificates", True),
    "Channels": ("channels", True),
    "Environments": ("environments", True),
    "Feeds": ("feeds", True),
    "LibraryVariables": ("libraryvariablesets", True),
    "Lifecycles": ("lifecycles", True),
    "MachinePolicies": ("machinepolicies", True),
    "Machines": ("machines", True),
    "ProjectGroups": ("projectgroups", True),
    "ProjectTriggers": ("projecttriggers", True),
    "Projects": ("projects", True),
    "Proxies": ("proxies", True),
    "Runbooks": ("runbooks", True),
    "Spaces": ("spaces", False),
    "Subscriptions": ("subscriptions", True),
    "TagSets": ("tagsets", True),
    "Teams": ("teams", False),
    "Tenants": ("tenants", True),
    "UserRoles": ("userroles", False),
    "WorkerPools": ("workerpools", True),
    "Workers": ("workers", True),
}

#: Links to documents this provider does not write, and why (the sync test needs a
#: reason for every linked collection that is not in ``COLLECTIONS``).
NOT_WRITABLE: dict[str, str] = {
    "Artifacts": "files attached to tasks",
    "BuildInformation": "package metadata pushed by build servers",
    "DeploymentProcesses": "the processes provider writes them (versioned)",
    "Deployments": "created by deploying, never edited",
    "Events": "the audit log is read-only",
    "Interruptions": "answered through the deployments provider",
    "Packages": "package files",
    "Releases": "the deployments provider creates them",
    "RunbookProcesses": "the processes provider writes them (versioned)",
    "RunbookRuns": "created by running a runbook, never edited",
    "RunbookSnapshots": "the processes provider publishes them",
    "ScopedUserRoles": "the users provider writes them; they have no Name",
    "Tasks": "server tasks are read-only",
    "Users": "the users provider writes them (passwords, API keys); they have no Name",
    "Variables": "the variables provider writes them (versioned)",
}

KINDS = tuple(
    ResourceKind(link, segment, space_scoped=scoped)
    for link, (segment, scoped) in COLLECTIONS.items()
)


def kind_for(link: str) -> ResourceKind:
    segment, scoped = COLLECTIONS[link]
    return ResourceKind(link, segment, space_scoped=scoped)
