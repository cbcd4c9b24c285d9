"""Resolving the names only target and worker statements have: roles to add,
machine policies, worker pools (the shared lookups are ``octoflow.provider.lookups``).

Every failure is recorded as a problem on the plan context (with close
matches) and resolution goes on, so one plan reports every bad name at once.
Roles are free text in Octopus: a role no target has is a problem where it
selects or removes (it is almost always a typo), and a note where it is added.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from octoflow_plugins.targets.models import MachinePolicy

from octoflow.provider import PlanContext, WorkerPool, lookups


def roles_to_add(ctx: PlanContext, names: Iterable[str]) -> list[str]:
    """Roles spelled as targets already spell them; a brand-new role is noted."""
    known = lookups.known_roles(ctx)
    out = []
    for name in names:
        role = known.get(name.strip().lower())
        if role is None:
            role = name.strip()
            ctx.note(f"role {role!r} is new: no target has it yet")
        if role not in out:
            out.append(role)
    return out


def machine_policy(ctx: PlanContext, name: str) -> MachinePolicy | None:
    """The policy, if it exists; every policy gets a label so plans show names."""
    for policy in ctx.models("machinepolicies", MachinePolicy):
        ctx.label(policy)
    return ctx.find("machinepolicies", MachinePolicy, name, "machine policy")


def worker_pool_ids(ctx: PlanContext, names: Sequence[str], adding: bool) -> list[str]:
    """Worker pools by name or id; a dynamic pool cannot take workers, so adding to one
    is a problem."""
    ids = []
    for name in names:
        pool = ctx.find("workerpools", WorkerPool, name, "worker pool")
        if pool is None or not pool.id:
            continue
        if adding and not pool.can_add_workers:
            ctx.problem(
                f"worker pool {pool.name!r} is a dynamic pool: Octopus leases its workers, "
                "so workers cannot be added to it",
                "choose a static worker pool",
            )
            continue
        ids.append(pool.id)
    return ids
