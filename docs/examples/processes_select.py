from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
projects = octo.projects

apps = projects.where(group="Apps")  # by project group (a list ORs groups)
azure = projects.where(has_step_type="Octopus.AzureAppService")  # what the process holds
on_app_servers = projects.where(uses_role="app-server", tenanted=False)
apis = projects.where(lambda project: project.name.endswith(" API"))  # any test

# Steps of the selected projects' deployment processes; criteria match actions.
scripts = apps.steps.where(action_type="Octopus.Script", runs_on_worker=True)
in_containers = projects.steps.where(uses_container=True)

# A selection without a verb changes nothing. Its plan notes what it selects.
for selection in (apps, azure, on_app_servers, apis, scripts, in_containers):
    print(octo.plan(selection).notes[-1].split(": ")[-1])
