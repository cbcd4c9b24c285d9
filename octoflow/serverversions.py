"""Octopus Server versions: parsing, the range octoflow supports, and the sandbox's profiles.

Kept apart from the sandbox so the CLI can offer the profile names without loading it.
"""

from __future__ import annotations

#: The oldest Octopus Server release octoflow is tested against (``docs/index.md``).
OLDEST_SUPPORTED = "2020.5"
#: The releases the sandbox can answer as (``--server-version``), oldest first.
SANDBOX_PROFILES = ("2020.5", "2022.3", "2024.1", "current")

#: Features newer than 2020.5 that octoflow asks about, with the release that brought each.
#: Sources (snapshots as in ``octoflow/sandbox/profiles/introduced.py``):
FEATURES: dict[str, str] = {
    # api-client.ts refuses servers older than 2022.3.5512 for these (releaseRepository.ts).
    "executions API": "2022.3",
    # OctopusClients DeploymentProcessRepository.Modify: firstCaCVersion = 2021.3.2066.
    "version-controlled projects": "2021.3",
    # UNCONFIRMED: go-octopusdeploy's POST git/branches/v2 is the only form found; built-in
    # branch protection came in 2022.4 (help.octopus.com, 2023).
    "git branch creation": "2022.4",
    # octopus.com/docs runbooks/config-as-code-runbooks: "rolling out to Octopus Cloud as
    # of Q1 2025".
    "runbooks in Git": "2025.1",
    # api-client.ts capability.ts: without it "upgrade it at least 2022.3".
    "capabilities API": "2022.3",
    # UNCONFIRMED: clients learnt Tenant.IsDisabled in 2024-11 (OctopusClients#889,
    # go-octopusdeploy#284, cli#445); the 2020.5 export's TenantResource has no IsDisabled.
    "disabled tenants": "2025.1",
    # UNCONFIRMED: go-octopusdeploy first reads /tenants/{id}/commonvariables in 2025-02.
    "tenant common and project variable routes": "2025.1",
    # octopus.com/docs/deployments/deployment-freezes: early access from 2024.2.
    "deployment freezes": "2024.2",
}


def parse_version(text: str) -> tuple[int, ...]:
    """``"2022.3.5512"`` → ``(2022, 3, 5512)``; stops at the first part that is not a number
    (``"2020.5.0-rc.4"`` → ``(2020, 5, 0)``), so ``""`` → ``()``."""
    out = []
    for part in str(text).strip().split("."):
        digits = part.split("-", 1)[0].split("+", 1)[0]
        if not digits.isdigit():
            break
        out.append(int(digits))
        if digits != part:
            break
    return tuple(out)


def at_least(version: str, minimum: str) -> bool:
    """Whether ``version`` is ``minimum`` (year.release) or newer."""
    wanted = parse_version(minimum)
    return parse_version(version)[: len(wanted)] >= wanted
