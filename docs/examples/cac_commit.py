from urllib.parse import quote

from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
apps = octo.projects.where(group="Apps")

# Database and version-controlled projects in one statement. Garnet Admin's main
# is protected: it gets a new branch; Atlas Web and Quartz Web commit to main.
statement = (
    apps.on_new_branch("octoflow/containers", only_protected=True)
    .commit_message("Run {{ project.name }}'s worker steps in a container ({{ plan.id }})")
    .steps.where(runs_on_worker=True)
    .set_container("octopuslabs/workertools:latest")
)
plan = octo.plan(statement)
print(plan.summary)
for op in plan.operations:
    if op.kind != "DeploymentProcess":
        print(op.kind, op.name)
octo.apply(plan)

# One commit per version-controlled project, read back through the git-ref API.
ids = {p["Name"]: p["Id"] for p in octo.client.get(octo.client.space_path("projects/all"))}
for name, branch in (("Atlas Web", "main"), ("Garnet Admin", "octoflow/containers")):
    head = f"projects/{ids[name]}/git/commits/{quote(branch, safe='')}"
    commit = octo.client.get(octo.client.space_path(head))
    print(name, branch, commit["Message"].replace(plan.id, "<plan id>"))

print(octo.plan(statement).summary)  # converged: nothing to do
