"""The document kind the triggers provider writes, and the trigger types it selects by."""

from __future__ import annotations

from octoflow.provider import ResourceKind

TRIGGER = "ProjectTrigger"

KINDS = (ResourceKind(TRIGGER, "projecttriggers"),)

#: ``where(type=…)`` → the ``Filter.FilterType`` values of that type (the reference's
#: TriggerFilterType enum).
TYPES: dict[str, frozenset[str]] = {
    "scheduled": frozenset(
        {
            "OnceDailySchedule",
            "ContinuousDailySchedule",
            "DaysPerWeekSchedule",
            "DaysPerMonthSchedule",
            "DailySchedule",
            "CronExpressionSchedule",
        }
    ),
    "deployment-target": frozenset({"MachineFilter"}),
    "feed": frozenset({"FeedFilter"}),
}
