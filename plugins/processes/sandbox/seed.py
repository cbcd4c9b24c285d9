"""The processes area's seeds.

Every seed has the built-in feed. The ``demo`` seed adds, deterministically
(a fixed ``random.Random``), facts tests may rely on:

* 186 more projects (``Projects-15`` … ``Projects-200``, after the core's 14) in
  four new groups: ``Apps`` (60: "<Noun> Web" and "<Noun> Admin"),
  ``Services`` (56: "<Noun> API", "<Noun> Worker"), ``Data Pipelines`` (36: "<Noun> ETL",
  "<Noun> Reports") and ``Infrastructure`` (34: "<Noun> Network", "<Noun> Cluster");
* six version-controlled (Config as Code) projects, with no database process:
  ``VERSION_CONTROLLED``; each has a Git repository whose ``main`` holds two commits
  (the second adds the process's last step), a ``v1.0`` tag at the first, and, for
  even project ids, a ``develop`` branch; ``main`` is protected on ``PROTECTED_MAIN``;
  ``RUNBOOKS_IN_GIT`` keep their runbooks (with processes) in Git too;
  four disabled projects: ``DISABLED``;
* a deployment process for each of the other 194 projects. Every one has a step
  named ``Deploy``; web projects run "Run database migrations" (PowerShell),
  "Deploy" (``Octopus.TentaclePackage`` to ``web-server``) and "Smoke test"
  (Bash); Azure ones deploy with ``Octopus.AzureAppService``; services stop,
  deploy and start on ``app-server`` targets; data projects run Bash and Python
  scripts (half of them in the ``octopuslabs/workertools`` container);
  infrastructure projects run Terraform in a container with a manual
  intervention before Production. Some processes start with a manual
  intervention, end with a Slack notification from the step-template library,
  or have steps scoped to a ``Hotfix`` channel or to ``Tier/Gold`` tenants;
* feeds ``Octopus Server (built-in)`` (``feeds-builtin``), ``Docker Hub``,
  ``GitHub Container Registry`` and ``NuGet.org``, with package versions;
* three action templates, among them ``Slack - Send Simple Notification``;
* runbooks (with processes and a published snapshot each) for every fifth
  project and for Customer Portal.
"""

from __future__ import annotations

import random

from octoflow_plugins.processes.sandbox import seed_steps as archetypes
from octoflow_plugins.processes.sandbox.git_runbooks import new_git_runbook
from octoflow_plugins.processes.sandbox.runbooks import (
    RUNBOOKS,
    SNAPSHOTS,
    create_runbook_process,
    freeze,
)
from octoflow_plugins.processes.sandbox.seed_library import (
    add_package_versions,
    seed_feed_list,
    seed_templates,
)
from octoflow_plugins.processes.sandbox.seed_steps import StepBuilder

from octoflow.sandbox.area import (
    CHANNELS,
    DEPLOYMENT,
    PROJECT_GROUPS,
    PROJECTS,
    Doc,
    State,
    create_default_channel,
    git,
    new_process,
    slugify,
)

SPACE_ID = "Spaces-1"
BUILT_IN = "Octopus Server (built-in)"
APP_NOUNS = (
    "Atlas Beacon Compass Ember Falcon Garnet Harbor Indigo Jasper Kestrel Lantern Meadow "
    "Nimbus Orchid Pebble Quartz Raven Sable Tundra Umber Vesper Willow Xenon Yarrow Zephyr "
    "Aspen Birch Cinder Dune Echo"
).split()
SERVICE_NOUNS = (
    "Accounts Alerts Catalog Checkout Coupons Delivery Documents Email Fraud Geo Inventory "
    "Invoices Ledger Loyalty Media Orders Pricing Profiles Quotes Ratings Refunds Returns "
    "Reviews Scheduling Shipping Subscriptions Tax Wishlist"
).split()
DATA_NOUNS = (
    "Sales Marketing Finance Supply-Chain Shopper Product Web-Analytics Churn Forecast "
    "Clickstream Payroll Procurement Quality Risk Support Telemetry Usage Warehouse"
).split()
INFRA_NOUNS = (
    "Edge Mesh Vault Queue Cache Logging Metrics Tracing DNS Ingress Backup Registry "
    "Directory Secrets Storage Batch Gateway"
).split()
# group, nouns, (suffix, archetype) pairs
NEW_GROUPS = (
    ("Apps", APP_NOUNS, (("Web", "web"), ("Admin", "azure"))),
    ("Services", SERVICE_NOUNS, (("API", "service"), ("Worker", "service"))),
    ("Data Pipelines", DATA_NOUNS, (("ETL", "data"), ("Reports", "data"))),
    ("Infrastructure", INFRA_NOUNS, (("Network", "infrastructure"), ("Cluster", "infrastructure"))),
)
EXISTING = {
    "Customer Portal": "web",
    "Billing API": "service",
    "Legacy Reporting": "data",
    "Internal Tools": "azure",
    "Mobile Backend": "web",
    "Notification Service": "service",
    "Identity Server": "service",
    "Payments Gateway": "service",
    "Data Warehouse ETL": "data",
    "Marketing Site": "azure",
    "Search Service": "service",
    "Audit Log": "service",
    "Config Service": "service",
    "Ops Dashboard": "azure",
}
VERSION_CONTROLLED = (
    "Atlas Web",
    "Garnet Admin",
    "Quartz Web",
    "Ledger API",
    "Tax Worker",
    "Risk Reports",
)
#: Version-controlled projects whose default branch (and ``release/*``) is protected.
PROTECTED_MAIN = ("Garnet Admin", "Ledger API", "Risk Reports")
#: Version-controlled projects whose runbooks are kept in Git too.
RUNBOOKS_IN_GIT = ("Atlas Web", "Ledger API", "Risk Reports")
DISABLED = ("Umber Web", "Xenon Admin", "Wishlist Worker", "Usage Reports")
RUNBOOKS_BY_ARCHETYPE = {
    "web": ("Restart App Pool", "Purge CDN Cache"),
    "azure": ("Restart Web App",),
    "service": ("Restart Service",),
    "data": ("Rebuild Aggregates",),
    "infrastructure": ("Rotate Certificates", "Check Drift"),
}


def seed_demo_processes(state: State) -> None:
    rng = random.Random("octoflow-demo-processes")
    feeds = seed_feed_list(state)
    templates = seed_templates(state)
    env = {e["Name"]: e["Id"] for e in state.values("Environments", SPACE_ID)}
    builder = StepBuilder(rng, env, feeds)
    projects = _existing_projects(state) + _new_projects(state, rng)
    for n, (project, archetype) in enumerate(projects):
        if project["IsVersionControlled"]:
            continue
        seed_process(state, builder, project, archetype, templates, n)
    for project, archetype in projects:
        if project["IsVersionControlled"]:
            b = StepBuilder(_git_rng(project), env, feeds)
            _seed_repository(state, b, project, archetype, templates)


def seed_process(
    state: State, builder: StepBuilder, project: Doc, archetype: str, templates: dict, n: int
) -> None:
    """The ``n``-th project's deployment process, and runbooks for every fifth."""
    steps = _process_steps(builder, state, project, archetype, templates)
    new_process(
        state,
        DEPLOYMENT,
        {
            "Id": project["DeploymentProcessId"],
            "SpaceId": SPACE_ID,
            "ProjectId": project["Id"],
            "Version": 3 + n % 7,
            "Steps": steps,
        },
    )
    if n % 5 == 0:
        _seed_runbooks(state, builder, project, archetype)


# -- projects -------------------------------------------------------------------------


def _existing_projects(state: State) -> list[tuple[Doc, str]]:
    return [(p, EXISTING.get(p["Name"], "service")) for p in state.values("Projects", SPACE_ID)]


def _new_projects(state: State, rng: random.Random) -> list[tuple[Doc, str]]:
    ids = {d["Name"]: d["Id"] for c in ("ProjectGroups", "Lifecycles") for d in state.values(c)}
    out = []
    for group, nouns, kinds in NEW_GROUPS:
        group_id = PROJECT_GROUPS.insert(state, SPACE_ID, {"Name": group})["Id"]
        for noun in nouns:
            for suffix, archetype in kinds:
                name = f"{noun.replace('-', ' ')} {suffix}"
                fields = _project_fields(name, group_id, ids, rng, group)
                project = PROJECTS.insert(state, SPACE_ID, fields)
                create_default_channel(state, project)
                out.append((project, archetype))
    return out


def _project_fields(
    name: str, group_id: str, ids: dict[str, str], rng: random.Random, group: str
) -> Doc:
    lifecycle = (
        "Dev and Test Only"
        if group == "Data Pipelines" and rng.random() < 0.3
        else "Default Lifecycle"
    )
    tenanted = group == "Apps" and rng.random() < 0.4
    fields: Doc = {
        "Name": name,
        "Description": f"{name} (octoflow demo project).",
        "ProjectGroupId": group_id,
        "LifecycleId": ids[lifecycle],
        "TenantedDeploymentMode": "Tenanted" if tenanted else "Untenanted",
        "IsDisabled": name in DISABLED,
    }
    if name in VERSION_CONTROLLED:
        slug = slugify(name)
        fields["IsVersionControlled"] = True
        fields["PersistenceSettings"] = {
            "Type": "VersionControlled",
            "Url": f"https://github.com/octoflow-demo/{slug}.git",
            "DefaultBranch": "main",
            "BasePath": ".octopus",
            "ProtectedDefaultBranch": name in PROTECTED_MAIN,
            "ProtectedBranchNamePatterns": ["release/*"] if name in PROTECTED_MAIN else [],
            "Credentials": {"Type": "Anonymous"},
            "ConversionState": {
                "VariablesAreInGit": False,
                "RunbooksAreInGit": name in RUNBOOKS_IN_GIT,
            },
        }
    return fields


# -- processes ------------------------------------------------------------------------


def _git_rng(project: Doc) -> random.Random:
    """A version-controlled project's own generator: seeding its repository after every
    other project leaves their ids and choices as they were."""
    return random.Random(f"octoflow-demo-git/{project['Slug']}")


def _seed_repository(
    state: State, b: StepBuilder, project: Doc, archetype: str, templates: dict[str, Doc]
) -> None:
    """Two commits on ``main`` (the conversion without the last step, then that step),
    a ``v1.0`` tag at the first, and a ``develop`` branch at the head of every other one."""
    steps = _process_steps(b, state, project, archetype, templates)
    first = git.initial_documents(project, steps[:-1])
    second = git.initial_documents(project, steps)
    second["DeploymentProcess"]["Version"] = 2
    if project["PersistenceSettings"]["ConversionState"]["RunbooksAreInGit"]:
        runbooks = _git_runbooks(b, project, archetype)
        for documents in (first, second):
            documents["Runbooks"] = {r["Id"]: r for r, _ in runbooks}
            documents["RunbookProcesses"] = {p["Id"]: p for _, p in runbooks}
    for documents in (first, second):
        state.stamp(documents["DeploymentProcess"])
    repo = git.new_repository(
        state,
        project,
        [
            (first, "Initial version (converted to Config as Code)"),
            (second, f"Add the step '{steps[-1]['Name']}'"),
        ],
    )
    history = git.history(state, project, repo["Branches"]["main"])
    git.add_tag(state, project, "v1.0", history[-1]["Id"])
    if project["Id"][-1] in "02468":
        git.create_branch(state, project, "develop", git.resolve(state, project, "main"))


def package_id(project: Doc) -> str:
    return "OctoDemo." + "".join(part.capitalize() for part in project["Slug"].split("-"))


def _process_steps(
    b: StepBuilder, state: State, project: Doc, archetype: str, templates: dict[str, Doc]
) -> list[Doc]:
    rng = b.rng
    package = package_id(project)
    if archetype == "data":
        steps = archetypes.data(b, project, package, in_container=rng.random() < 0.5)
    elif archetype == "infrastructure":
        steps = archetypes.infrastructure(b, project)
    else:
        steps = getattr(archetypes, archetype)(b, project, package)
        if rng.random() < 0.25:
            steps.insert(0, archetypes.approval(b, project))
    if archetype != "infrastructure" and rng.random() < 0.1:
        steps[-1]["Actions"][0]["IsDisabled"] = True
    if project["TenantedDeploymentMode"] != "Untenanted":
        steps.append(_gold_notice(b, project))
    if project["Name"].endswith(" Web") and rng.random() < 0.3:
        steps.append(_hotfix_check(b, state, project))
    if rng.random() < 0.15:
        steps.append(_slack(b, project, templates["Slack - Send Simple Notification"]))
    if archetype in ("web", "data") and rng.random() < 0.2:
        steps[-1]["StartTrigger"] = "StartWithPrevious"
    if archetype in ("web", "service", "azure"):
        add_package_versions(state, package, rng)
    return steps


def _gold_notice(b: StepBuilder, project: Doc) -> Doc:
    step = b.script(
        "Notify Gold customers",
        "PowerShell",
        f'Send-MailMessage -To "#{{Customer.ContactEmail}}" -Subject "{project["Name"]} updated"',
        Environments=b.envs("Production"),
    )
    step["Actions"][0]["TenantTags"] = ["Tier/Gold"]
    return step


def _hotfix_check(b: StepBuilder, state: State, project: Doc) -> Doc:
    channel = CHANNELS.insert(
        state,
        SPACE_ID,
        {"Name": "Hotfix", "ProjectId": project["Id"], "Description": "Urgent fixes."},
    )
    step = b.script(
        "Verify hotfix",
        "Bash",
        'echo "Hotfix #{Octopus.Release.Number} needs a follow-up release"',
    )
    step["Actions"][0]["Channels"] = [channel["Id"]]
    return step


def _slack(b: StepBuilder, project: Doc, template: Doc) -> Doc:
    step = b.from_template(
        "Notify team",
        template,
        {
            "ssn_HookUrl": "#{Slack.HookUrl}",
            "ssn_Channel": "#deployments",
            "ssn_Title": f"{project['Name']} deployed",
            "ssn_Message": "#{Octopus.Release.Number} is in #{Octopus.Environment.Name}",
        },
    )
    step["Condition"] = "Always"
    return step


# -- runbooks ---------------------------------------------------------------------------


def _git_runbooks(b: StepBuilder, project: Doc, archetype: str) -> list[tuple[Doc, Doc]]:
    out = []
    for name in RUNBOOKS_BY_ARCHETYPE[archetype]:
        description = f"{name} for {project['Name']}."
        steps = _runbook_steps(b, project, name)
        out.append(new_git_runbook(project, name, steps, Description=description))
    return out


def _seed_runbooks(state: State, b: StepBuilder, project: Doc, archetype: str) -> None:
    for name in RUNBOOKS_BY_ARCHETYPE[archetype]:
        runbook = RUNBOOKS.insert(
            state,
            SPACE_ID,
            {
                "Name": name,
                "ProjectId": project["Id"],
                "Description": f"{name} for {project['Name']}.",
            },
        )
        process = create_runbook_process(state, runbook)
        process["Steps"] = _runbook_steps(b, project, name)
        process["Version"] = 1
        letters = "".join(b.rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=7))
        snapshot = SNAPSHOTS.insert(
            state,
            SPACE_ID,
            {
                "Name": f"Snapshot {letters}",
                "ProjectId": project["Id"],
                "RunbookId": runbook["Id"],
                "Assembled": state.now(),
            },
        )
        freeze(state, snapshot, b.rng)
        runbook["PublishedRunbookSnapshotId"] = snapshot["Id"]


def _runbook_steps(b: StepBuilder, project: Doc, runbook: str) -> list[Doc]:
    slug = project["Slug"]
    body = {
        "Restart App Pool": f"Restart-WebAppPool -Name {slug}",
        "Purge CDN Cache": f"az cdn endpoint purge --name {slug} --content-paths '/*'",
        "Restart Web App": f"Restart-AzWebApp -ResourceGroupName rg-{slug} -Name app-{slug}",
        "Restart Service": f"Restart-Service -Name {slug.replace('-', '')}",
        "Rebuild Aggregates": "dbt run --select aggregates",
        "Rotate Certificates": f"./rotate-certs.sh {slug}",
        "Check Drift": f"terraform -chdir=stacks/{slug} plan -detailed-exitcode",
    }[runbook]
    syntax = "PowerShell" if body[:1].isupper() else "Bash"
    container = f"{archetypes.TERRAFORM_IMAGE}:latest" if "terraform" in body else None
    steps = [b.script(runbook, syntax, body, container=container)]
    if runbook.startswith("Restart"):
        steps.append(b.script("Check health", "Bash", "curl --fail https://#{Web.Hostname}/health"))
    return steps
