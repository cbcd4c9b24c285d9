"""Project settings as verbs of ``octo.projects``: project group, lifecycle, tenanted
mode, release versioning template, discrete channel releases.

Each verb resolves its names once per statement and yields one ``project.set``
intent per project, which sets the fields on whatever copy apply re-reads.
UNCONFIRMED: that servers after 2021.1, which also serve these settings at
``/projects/{id}/deploymentsettings``, still take ``VersioningStrategy`` on the
project document of a project stored in the database (the sandbox does).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.processes.resolve import Names

from octoflow.provider import Intent, UsageError, Verb, clone, parse_bool

Doc = dict[str, Any]
SET = "project.set"
TENANTED_MODES = ("Untenanted", "TenantedOrUntenanted", "Tenanted")


def set_fields(doc: Doc, args: Mapping[str, Any]) -> None:
    for field, value in args["fields"].items():
        if isinstance(value, dict) and isinstance(doc.get(field), dict):
            doc[field] = {**doc[field], **clone(value)}
        else:
            doc[field] = clone(value)


@attrs.frozen
class SettingVerb(Verb):
    """A verb that sets fields of the project document."""

    #: Whether a version-controlled project keeps the setting in Git (its deployment
    #: settings, "Configuration as Code reference"), not on the project document.
    in_git: ClassVar[bool] = False

    def fields(self, names: Names) -> tuple[Doc, str] | None:
        """The fields to set and how plans say it; None when a name does not resolve."""
        raise NotImplementedError

    def intent(self, names: Names) -> Intent | None:
        """The intent for every selected project (names resolved once)."""
        made = self.fields(names)
        if made is None:
            return None
        fields, said = made
        return Intent(SET, {"fields": fields}, said, f"{said}: already so")


@attrs.frozen
class SetGroup(SettingVerb):
    name: ClassVar[str] = "set_group"
    group: str

    def fields(self, names: Names) -> tuple[Doc, str] | None:
        found = names.group(self.group)
        return None if found is None else ({"ProjectGroupId": found.id}, f"group {found.name}")


@attrs.frozen
class SetLifecycle(SettingVerb):
    name: ClassVar[str] = "set_lifecycle"
    lifecycle: str

    def fields(self, names: Names) -> tuple[Doc, str] | None:
        found = names.lifecycle(self.lifecycle)
        return None if found is None else ({"LifecycleId": found.id}, f"lifecycle {found.name}")


@attrs.frozen
class SetTenanted(SettingVerb):
    name: ClassVar[str] = "set_tenanted"
    mode: str

    def fields(self, names: Names) -> tuple[Doc, str] | None:
        return {"TenantedDeploymentMode": self.mode}, f"tenanted mode {self.mode}"


@attrs.frozen
class SetVersionTemplate(SettingVerb):
    name: ClassVar[str] = "set_version_template"
    in_git: ClassVar[bool] = True
    template: str

    def fields(self, names: Names) -> tuple[Doc, str] | None:
        strategy = {"Template": self.template, "DonorPackage": None, "DonorPackageStepId": None}
        return {"VersioningStrategy": strategy}, f"release versions {self.template!r}"


@attrs.frozen
class SetDiscreteChannelRelease(SettingVerb):
    name: ClassVar[str] = "set_discrete_channel_release"
    enabled: bool

    def fields(self, names: Names) -> tuple[Doc, str] | None:
        said = "discrete channel releases " + ("on" if self.enabled else "off")
        return {"DiscreteChannelRelease": self.enabled}, said


def tenanted_mode(mode: Any) -> str:
    """``tenanted`` → ``Tenanted`` (any case); anything else is a UsageError."""
    found = next(
        (m for m in TENANTED_MODES if isinstance(mode, str) and m.lower() == mode.lower()), None
    )
    if found is None:
        raise UsageError(f"set_tenanted({mode!r}): give one of {', '.join(TENANTED_MODES)}")
    return found


def version_template(template: Any) -> str:
    if not isinstance(template, str) or not template.strip():
        raise UsageError(
            "set_version_template() needs a template, e.g. "
            "'#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}'"
        )
    return template.strip()


def discrete(enabled: Any) -> bool:
    return (
        enabled
        if isinstance(enabled, bool)
        else parse_bool(enabled, "set_discrete_channel_release")
    )


def required_name(value: Any, verb: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{verb}() needs the name of a {what}")
    return value.strip()
