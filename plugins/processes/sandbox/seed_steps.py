"""Realistic steps for the demo seed's processes, built deterministically.

Each builder returns a step as the server stores it (every field present,
GUID ids from the seed's ``random.Random``). The archetypes put together the
processes real teams have: package deployments to tagged targets, Azure App
Service deployments, scripts in PowerShell, Bash and Python on workers (some
in execution containers), manual interventions before Production, steps
scoped to environments, channels and tenant tags.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from octoflow_plugins.processes.sandbox.steps import TARGET_ROLES, action_defaults, step_defaults

from octoflow.sandbox.area import Doc, slugify

RUN_ON_SERVER = "Octopus.Action.RunOnServer"
WORKERTOOLS = "octopuslabs/workertools"
WORKERTOOLS_TAG = "6.2.0-ubuntu.22.04"
TERRAFORM_IMAGE = "octopuslabs/terraform-workertools"


class StepBuilder:
    """Builds steps with ids from ``rng``; ``env`` maps environment names to ids."""

    def __init__(self, rng: random.Random, env: dict[str, str], feeds: dict[str, str]) -> None:
        self.rng = rng
        self.env = env
        self.feeds = feeds

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def step(self, name: str, action: Doc, roles: tuple[str, ...] = (), **fields: Any) -> Doc:
        step = step_defaults()
        step.update(Id=self.guid(), Name=name, Slug=slugify(name), **fields)
        if roles:
            step["Properties"] = {TARGET_ROLES: ",".join(roles)}
        action.update(Id=self.guid(), Name=name, Slug=slugify(name))
        step["Actions"] = [action]
        return step

    def action(self, action_type: str, properties: dict[str, str], **fields: Any) -> Doc:
        action = action_defaults()
        action.update(ActionType=action_type, Properties=properties, **fields)
        return action

    def envs(self, *names: str) -> list[str]:
        return [self.env[n] for n in names]

    # -- step kinds -----------------------------------------------------------------

    def script(
        self,
        name: str,
        syntax: str,
        body: str,
        *,
        on_worker: bool = True,
        roles: tuple[str, ...] = (),
        container: str | None = None,
        pool_variable: str | None = None,
        **fields: Any,
    ) -> Doc:
        props = {
            RUN_ON_SERVER: "true" if on_worker else "false",
            "Octopus.Action.Script.ScriptSource": "Inline",
            "Octopus.Action.Script.Syntax": syntax,
            "Octopus.Action.Script.ScriptBody": body,
        }
        action = self.action("Octopus.Script", props, **fields)
        if container:
            image, _, feed = container.partition("@")
            action["Container"] = {"Image": image, "FeedId": self.feeds[feed or "Docker Hub"]}
        action["WorkerPoolVariable"] = pool_variable
        return self.step(name, action, roles)

    def package(self, name: str, package_id: str, roles: tuple[str, ...], **fields: Any) -> Doc:
        props = {
            "Octopus.Action.EnabledFeatures": "Octopus.Features.ConfigurationTransforms,"
            "Octopus.Features.ConfigurationVariables",
            "Octopus.Action.Package.DownloadOnTentacle": "False",
            "Octopus.Action.Package.FeedId": self.feeds["Octopus Server (built-in)"],
            "Octopus.Action.Package.PackageId": package_id,
        }
        action = self.action("Octopus.TentaclePackage", props, **fields)
        action["Packages"] = [self._package(package_id, "ExecutionTarget")]
        return self.step(name, action, roles)

    def app_service(self, name: str, package_id: str, web_app: str) -> Doc:
        props = {
            RUN_ON_SERVER: "true",
            "Octopus.Action.Azure.DeploymentType": "Package",
            "Octopus.Action.Azure.WebAppName": web_app,
            "Octopus.Action.Azure.ResourceGroupName": "rg-" + web_app,
            "Octopus.Action.Package.FeedId": self.feeds["Octopus Server (built-in)"],
            "Octopus.Action.Package.PackageId": package_id,
        }
        action = self.action("Octopus.AzureAppService", props)
        action["Packages"] = [self._package(package_id, "Server")]
        return self.step(name, action, ("azure-web-app",))

    def manual(self, name: str, instructions: str, environments: tuple[str, ...]) -> Doc:
        props = {
            "Octopus.Action.Manual.Instructions": instructions,
            "Octopus.Action.Manual.BlockConcurrentDeployments": "True",
            "Octopus.Action.Manual.ResponsibleTeamIds": "",
        }
        action = self.action("Octopus.Manual", props, Environments=self.envs(*environments))
        return self.step(name, action)

    def from_template(self, name: str, template: Doc, values: dict[str, str]) -> Doc:
        props = dict(template["Properties"])
        props.update(values)
        props["Octopus.Action.Template.Id"] = template["Id"]
        props["Octopus.Action.Template.Version"] = str(template["Version"])
        props[RUN_ON_SERVER] = "true"
        action = self.action(template["ActionType"], props)
        return self.step(name, action)

    def _package(self, package_id: str, location: str) -> Doc:
        return {
            "Id": self.guid(),
            "Name": "",
            "PackageId": package_id,
            "FeedId": self.feeds["Octopus Server (built-in)"],
            "AcquisitionLocation": location,
            "Properties": {"SelectionMode": "immediate"},
        }


# -- archetypes ---------------------------------------------------------------------------


def web(b: StepBuilder, project: Doc, package_id: str) -> list[Doc]:
    name = project["Name"]
    return [
        b.script(
            "Run database migrations",
            "PowerShell",
            f'Write-Host "Migrating the {name} database to #{{Octopus.Release.Number}}"\n'
            "& ./migrate.ps1 -ConnectionString $OctopusParameters['Database.ConnectionString']",
        ),
        b.package("Deploy", package_id, ("web-server",)),
        b.script(
            "Smoke test",
            "Bash",
            f'curl --fail --silent "https://#{{Web.Hostname}}/health" && echo "{name} is up"',
            ExcludedEnvironments=b.envs("Development"),
        ),
    ]


def azure(b: StepBuilder, project: Doc, package_id: str) -> list[Doc]:
    slug = project["Slug"]
    return [
        b.app_service("Deploy", package_id, f"app-{slug}-#{{Octopus.Environment.Name | ToLower}}"),
        b.script(
            "Swap deployment slots",
            "PowerShell",
            f"Switch-AzWebAppSlot -ResourceGroupName rg-{slug} -Name app-{slug} "
            "-SourceSlotName staging -DestinationSlotName production",
            Environments=b.envs("Staging", "Production"),
        ),
    ]


def service(b: StepBuilder, project: Doc, package_id: str) -> list[Doc]:
    service_name = project["Slug"].replace("-", "")
    roles = ("app-server",)
    return [
        b.script(
            "Stop service",
            "PowerShell",
            f"Stop-Service -Name {service_name} -ErrorAction SilentlyContinue",
            on_worker=False,
            roles=roles,
        ),
        b.package("Deploy", package_id, roles),
        b.script(
            "Start service",
            "PowerShell",
            f"Start-Service -Name {service_name}",
            on_worker=False,
            roles=roles,
        ),
    ]


def data(b: StepBuilder, project: Doc, package_id: str, in_container: bool) -> list[Doc]:
    image = f"{WORKERTOOLS}:{WORKERTOOLS_TAG}" if in_container else None
    return [
        b.script(
            "Back up warehouse",
            "Bash",
            'pg_dump --format=custom "$WAREHOUSE_URL" > "backup-#{Octopus.Release.Number}.dump"',
            container=image,
            Environments=b.envs("Production"),
        ),
        b.script(
            "Deploy",
            "Python",
            "import subprocess\n"
            f"print('Deploying {project['Name']} pipelines')\n"
            "subprocess.run(['dbt', 'run', '--target', get_octopusvariable("
            "'Octopus.Environment.Name').lower()], check=True)",
            container=image,
        ),
        b.script(
            "Verify row counts",
            "Python",
            "print('Row counts within tolerance')",
            container=image,
            pool_variable="Project.WorkerPool" if not in_container else None,
        ),
    ]


def infrastructure(b: StepBuilder, project: Doc) -> list[Doc]:
    stack = project["Slug"]
    image = f"{TERRAFORM_IMAGE}:latest"
    return [
        b.script(
            "Plan changes",
            "Bash",
            f"terraform -chdir=stacks/{stack} init -input=false\n"
            f"terraform -chdir=stacks/{stack} plan -out=tfplan -input=false",
            container=image,
        ),
        b.manual(
            "Approve infrastructure changes",
            f"Review the Terraform plan for {project['Name']} before it is applied.",
            ("Production",),
        ),
        b.script(
            "Deploy",
            "Bash",
            f"terraform -chdir=stacks/{stack} apply -input=false tfplan",
            container=image,
        ),
    ]


def approval(b: StepBuilder, project: Doc) -> Doc:
    return b.manual(
        "Approve production release",
        f"Check the release notes of {project['Name']} and the change ticket before "
        "deploying to Production.",
        ("Production",),
    )
