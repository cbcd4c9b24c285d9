"""Where a release of a version-controlled (Config-as-Code) project comes from in Git.

Such a project's process is in Git, so a release names the ref it snapshots, and may
pin a commit: ``GitRef``/``GitCommit`` on ``releases/create/v1``
(``VersionControlReference`` on the older ``POST releases``). Nothing in Octopus
picks a ref for you: the server refuses such a release without one ("…requires
GitRef to be set on VersionControlReference"), octo.exe refused to run without
``--gitRef``, create-release-action documents ``git_ref`` as required, the Octopus
CLI prompts with the default branch first, and the Octopus docs say the server does
not guess the branch or commit. octoflow takes the project's default branch when
none is given and sends it explicitly, and the plan says so. Without a commit the
server takes the ref's head when the release is created; the plan reads the process
template there to choose package versions.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import attrs

from octoflow.provider import NotFoundError, PlanContext, Project, unknown_name_message

Doc = dict[str, Any]
_COMMIT = re.compile(r"[0-9a-fA-F]{7,40}")


@attrs.frozen
class GitSource:
    """The ref (as given, or the default branch) and the commit a release is made from."""

    ref: str
    commit: str | None
    default: bool

    @property
    def segment(self) -> str:
        """What the process is read at, as one URL path segment."""
        return quote(self.commit or self.ref, safe="")

    def describe(self) -> str:
        text = f"from {self.ref}" + (" (the default branch)" if self.default else "")
        return text + (f" at {self.commit}" if self.commit else "")

    def reference(self) -> Doc:
        """The release body's ``VersionControlReference``."""
        return {"GitRef": self.ref, "GitCommit": self.commit}


def process_path(project_id: str, reference: Doc) -> str:
    """The process a release body's ``VersionControlReference`` names, as a space path."""
    at = reference.get("GitCommit") or reference["GitRef"]
    return f"projects/{project_id}/{quote(str(at), safe='')}/deploymentprocesses"


def check_commit(commit: str | None) -> str | None:
    """The problem with a ``git_commit`` argument, if any (before anything is read)."""
    if commit and not _COMMIT.fullmatch(commit):
        return f"git_commit {commit!r} is not a commit id: give 7 to 40 hexadecimal digits"
    return None


def source(
    ctx: PlanContext, project: Project, doc: Doc, ref: str | None, commit: str | None
) -> tuple[bool, GitSource | None]:
    """``(ok, source)``: the Git source of ``project``'s release; ``(True, None)`` for a
    database project given neither, ``(False, None)`` after a plan problem."""
    if not project.is_version_controlled:
        if ref or commit:
            given = "git_ref" if ref else "git_commit"
            ctx.problem(
                f"{given} is for version-controlled projects; "
                f"{project.name!r} keeps its process in the database",
                f"leave {given} out for it, or select only version-controlled projects",
            )
            return False, None
        return True, None
    if ref:
        return True, GitSource(ref, commit, default=False)
    branch = (doc.get("PersistenceSettings") or {}).get("DefaultBranch")
    if not branch:
        ctx.problem(f"{project.name}: the project names no default branch", "give git_ref")
        return False, None
    return True, GitSource(str(branch), commit, default=True)


def process_template(
    ctx: PlanContext, project: Project, git: GitSource, channel_id: str
) -> Doc | None:
    """The release template of the process at ``git`` (its commit, else its ref); a
    plan problem naming close refs when the ref or commit is not in the repository."""
    base = f"projects/{project.id}"
    params = {"channel": channel_id}
    try:
        template = ctx.get(f"{base}/{quote(git.ref, safe='')}/deploymentprocesses/template", params)
    except NotFoundError:
        ctx.problem(unknown_name_message(f"git ref of {project.name!r}", git.ref, _refs(ctx, base)))
        return None
    if not git.commit:
        return dict(template)
    try:
        return dict(ctx.get(f"{base}/{git.segment}/deploymentprocesses/template", params))
    except NotFoundError:
        ctx.problem(
            f"{project.name}: no commit {git.commit!r} in the project's repository",
            "give a commit id from its history (GET …/git/commits)",
        )
        return None


def _refs(ctx: PlanContext, base: str) -> list[str]:
    """Branch and tag names, for suggesting a close one."""
    names = []
    for kind in ("branches", "tags"):
        items = ctx.get(f"{base}/git/{kind}", {"take": 1000}).get("Items") or []
        names += [str(i["Name"]) for i in items]
    return names


def same_commit(release: Doc, git: GitSource) -> bool:
    """Whether ``release`` was created from the commit ``git`` pins (never, unpinned: the
    ref's head may have moved since)."""
    made = (release.get("VersionControlReference") or {}).get("GitCommit") or ""
    return bool(git.commit) and made.lower().startswith(str(git.commit).lower())
