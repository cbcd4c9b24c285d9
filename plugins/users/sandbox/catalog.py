"""Octopus permissions and the built-in user roles (REFERENCE §12.4; SP ``Permission``).

The permission names are the ``Permission`` enum of the reference's schema
definitions. Which permissions each built-in role grants follows the Octopus
documentation's role descriptions; the sets are reconstructed (derived), not
copied from a server.
"""

from __future__ import annotations

PERMISSIONS = (
    "AdministerSystem", "ProjectEdit", "ProjectView", "ProjectCreate", "ProjectDelete",
    "ProcessView", "ProcessEdit", "VariableEdit", "VariableEditUnscoped", "VariableView",
    "VariableViewUnscoped", "ReleaseCreate", "ReleaseView", "ReleaseEdit", "ReleaseDelete",
    "DefectReport", "DefectResolve", "DeploymentCreate", "DeploymentDelete", "DeploymentView",
    "EnvironmentView", "EnvironmentCreate", "EnvironmentEdit", "EnvironmentDelete",
    "MachineCreate", "MachineEdit", "MachineView", "MachineDelete", "ArtifactView",
    "ArtifactCreate", "ArtifactEdit", "ArtifactDelete", "FeedView", "EventView",
    "LibraryVariableSetView", "LibraryVariableSetCreate", "LibraryVariableSetEdit",
    "LibraryVariableSetDelete", "ProjectGroupView", "ProjectGroupCreate", "ProjectGroupEdit",
    "ProjectGroupDelete", "TeamCreate", "TeamView", "TeamEdit", "TeamDelete", "UserView",
    "UserInvite", "UserRoleView", "UserRoleEdit", "TaskView", "TaskCreate", "TaskCancel",
    "TaskEdit", "InterruptionView", "InterruptionSubmit", "InterruptionViewSubmitResponsible",
    "BuiltInFeedPush", "BuiltInFeedAdminister", "BuiltInFeedDownload", "ActionTemplateView",
    "ActionTemplateCreate", "ActionTemplateEdit", "ActionTemplateDelete", "LifecycleCreate",
    "LifecycleView", "LifecycleEdit", "LifecycleDelete", "AccountView", "AccountEdit",
    "AccountCreate", "AccountDelete", "TenantCreate", "TenantEdit", "TenantView", "TenantDelete",
    "TagSetCreate", "TagSetEdit", "TagSetDelete", "MachinePolicyCreate", "MachinePolicyView",
    "MachinePolicyEdit", "MachinePolicyDelete", "ProxyCreate", "ProxyView", "ProxyEdit",
    "ProxyDelete", "SubscriptionCreate", "SubscriptionView", "SubscriptionEdit",
    "SubscriptionDelete", "TriggerCreate", "TriggerView", "TriggerEdit", "TriggerDelete",
    "CertificateView", "CertificateCreate", "CertificateEdit", "CertificateDelete",
    "CertificateExportPrivateKey", "UserEdit", "ConfigureServer", "FeedEdit", "WorkerView",
    "WorkerEdit", "SpaceEdit", "SpaceView", "SpaceDelete", "SpaceCreate", "BuildInformationPush",
    "BuildInformationAdminister", "RunbookView", "RunbookEdit", "RunbookRunView",
    "RunbookRunDelete", "RunbookRunCreate",
)  # fmt: skip

#: Permissions a role may grant at the system level (outside any space).
SYSTEM_CAPABLE = frozenset(
    {
        "AdministerSystem", "ConfigureServer", "EventView", "SpaceCreate", "SpaceDelete",
        "SpaceEdit", "SpaceView", "TaskCancel", "TaskCreate", "TaskEdit", "TaskView",
        "TeamCreate", "TeamDelete", "TeamEdit", "TeamView", "UserEdit", "UserInvite",
        "UserRoleEdit", "UserRoleView", "UserView",
    }
)  # fmt: skip
#: Permissions that only make sense for the whole server.
SYSTEM_ONLY = frozenset(
    {"AdministerSystem", "ConfigureServer", "SpaceCreate", "SpaceDelete", "UserEdit",
     "UserInvite", "UserRoleEdit", "UserRoleView"}
)  # fmt: skip
SPACE_CAPABLE = frozenset(PERMISSIONS) - SYSTEM_ONLY
RESTRICTIONS = ("Environments", "Projects", "ProjectGroups", "Tenants")

VIEWER = (
    "ProjectView", "ProcessView", "VariableView", "VariableViewUnscoped", "ReleaseView",
    "DeploymentView", "EnvironmentView", "MachineView", "TaskView", "InterruptionView",
    "ArtifactView", "FeedView", "LibraryVariableSetView", "ProjectGroupView", "LifecycleView",
    "TenantView", "TriggerView", "CertificateView", "AccountView", "ActionTemplateView",
    "WorkerView", "RunbookView", "RunbookRunView", "EventView", "TeamView",
)  # fmt: skip
DEPLOYER = VIEWER + (
    "DeploymentCreate", "TaskCreate", "TaskCancel", "InterruptionSubmit",
    "InterruptionViewSubmitResponsible", "ArtifactCreate", "DefectReport", "RunbookRunCreate",
)  # fmt: skip
CONTRIBUTOR = VIEWER + (
    "ProjectEdit", "ProcessEdit", "VariableEdit", "VariableEditUnscoped", "TriggerCreate",
    "TriggerEdit", "TriggerDelete", "RunbookEdit", "ArtifactCreate", "ArtifactEdit",
    "ArtifactDelete",
)  # fmt: skip
LEAD = tuple(dict.fromkeys(CONTRIBUTOR + DEPLOYER)) + (
    "ReleaseCreate", "ReleaseEdit", "ReleaseDelete", "DeploymentDelete", "DefectResolve",
    "RunbookRunDelete",
)  # fmt: skip
ENVIRONMENT_VIEWER = (
    "EnvironmentView", "MachineView", "MachinePolicyView", "ProxyView", "AccountView",
    "CertificateView", "WorkerView", "TaskView", "EventView", "TenantView",
)  # fmt: skip
ENVIRONMENT_MANAGER = ENVIRONMENT_VIEWER + (
    "EnvironmentCreate", "EnvironmentEdit", "EnvironmentDelete", "MachineCreate", "MachineEdit",
    "MachineDelete", "MachinePolicyCreate", "MachinePolicyEdit", "MachinePolicyDelete",
    "ProxyCreate", "ProxyEdit", "ProxyDelete", "AccountCreate", "AccountEdit", "AccountDelete",
    "WorkerEdit", "TaskCreate", "FeedView",
)  # fmt: skip
SYSTEM_ADMINISTRATOR = tuple(sorted(SYSTEM_CAPABLE))
SYSTEM_MANAGER = tuple(sorted(SYSTEM_CAPABLE - {"AdministerSystem", "ConfigureServer"}))

#: (id, name, description, system permissions, space permissions, restrictions)
BUILT_IN_ROLES: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...], bool], ...] = (
    ("userroles-systemadministrator", "System administrator",
     "System administrators can do everything at the system level.",
     SYSTEM_ADMINISTRATOR, (), False),
    ("userroles-systemmanager", "System manager",
     "System managers can do everything at the system level except administer the server.",
     SYSTEM_MANAGER, (), False),
    ("userroles-spacemanager", "Space manager",
     "Space managers can do everything within a space.",
     (), tuple(p for p in PERMISSIONS if p in SPACE_CAPABLE), False),
    ("userroles-projectviewer", "Project viewer",
     "Project viewers have read-only access to projects, releases and deployments.",
     (), VIEWER, True),
    ("userroles-projectdeployer", "Project deployer",
     "Project deployers can view projects and deploy their releases.",
     (), DEPLOYER, True),
    ("userroles-projectcontributor", "Project contributor",
     "Project contributors can edit projects, but cannot create or deploy releases.",
     (), CONTRIBUTOR, True),
    ("userroles-projectlead", "Project lead",
     "Project leads can edit projects, create releases and deploy them.",
     (), LEAD, True),
    ("userroles-projectinitiator", "Project initiator",
     "Project initiators can create new projects.",
     (), ("ProjectCreate", "ProjectView", "ProjectGroupView", "LifecycleView",
          "EnvironmentView", "FeedView", "LibraryVariableSetView"), True),
    ("userroles-environmentviewer", "Environment viewer",
     "Environment viewers can view environments and their deployment targets.",
     (), ENVIRONMENT_VIEWER, True),
    ("userroles-environmentmanager", "Environment manager",
     "Environment managers can manage environments, deployment targets, workers and accounts.",
     (), ENVIRONMENT_MANAGER, True),
    ("userroles-tenantmanager", "Tenant manager",
     "Tenant managers can create and edit tenants, their tags and their variables.",
     (), ("TenantView", "TenantCreate", "TenantEdit", "TenantDelete", "TagSetCreate",
          "TagSetEdit", "TagSetDelete", "VariableView", "VariableEdit", "ProjectView",
          "EnvironmentView", "LibraryVariableSetView", "EventView"), True),
    ("userroles-packagepublisher", "Package publisher",
     "Package publishers can push packages and build information to the built-in feed.",
     (), ("BuiltInFeedPush", "BuildInformationPush", "FeedView"), False),
    ("userroles-certificatemanager", "Certificate manager",
     "Certificate managers can manage certificates, including exporting private keys.",
     (), ("CertificateView", "CertificateCreate", "CertificateEdit", "CertificateDelete",
          "CertificateExportPrivateKey", "EnvironmentView", "TenantView"), True),
    ("userroles-runbookconsumer", "Runbook consumer",
     "Runbook consumers can view and run published runbooks.",
     (), ("RunbookView", "RunbookRunView", "RunbookRunCreate", "ProjectView",
          "EnvironmentView", "TaskView", "TenantView", "InterruptionView",
          "InterruptionSubmit"), True),
    ("userroles-runbookproducer", "Runbook producer",
     "Runbook producers can edit, publish and run runbooks.",
     (), ("RunbookView", "RunbookEdit", "RunbookRunView", "RunbookRunCreate",
          "RunbookRunDelete", "ProjectView", "ProcessView", "VariableView", "VariableEdit",
          "EnvironmentView", "MachineView", "TaskView", "TaskCreate", "TenantView",
          "InterruptionView", "InterruptionSubmit"), True),
    ("userroles-deploymentcreator", "Deployment creator",
     "Deployment creators can deploy releases, without editing projects.",
     (), ("DeploymentCreate", "DeploymentView", "ReleaseView", "ProjectView",
          "EnvironmentView", "TaskView", "TenantView"), True),
)  # fmt: skip

_VERBS = ("View", "Create", "Edit", "Delete", "Push", "Download", "Administer", "Submit")
_TEXT = {
    "AdministerSystem": "Perform system-level functions like configuring HTTP web hosting, the "
    "public URL, server nodes, maintenance mode, and server diagnostics",
    "ConfigureServer": "Configure server settings like authentication, SMTP and HTTP security "
    "headers",
    "VariableEditUnscoped": "Edit non-environment scoped variables",
    "VariableViewUnscoped": "View non-environment scoped variables",
    "InterruptionViewSubmitResponsible": "Take responsibility for and submit interruptions "
    "caused by manual intervention steps",
    "CertificateExportPrivateKey": "Export certificate private keys",
    "DefectReport": "Block a release from progressing to the next lifecycle phase",
    "DefectResolve": "Unblock a release so it can progress to the next phase",
    "TaskCancel": "Cancel server tasks",
}


def describe(permission: str) -> str:
    """A sentence for a permission: ``TenantEdit`` → ``Edit tenants``."""
    if permission in _TEXT:
        return _TEXT[permission]
    for verb in _VERBS:
        if permission.endswith(verb):
            noun = permission[: -len(verb)]
            words = "".join(" " + c.lower() if c.isupper() else c for c in noun).strip()
            return f"{verb} {_plural(words)}" if words else verb
    return permission


def _plural(words: str) -> str:
    if words.endswith("y"):
        return words[:-1] + "ies"
    return words + ("es" if words.endswith("s") else "s")
