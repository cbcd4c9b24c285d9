"""An audit plugin: remembers every plan and counts what apply did."""

import collections
import threading

from octoflow import hookimpl


class Audit:
    def __init__(self):
        self.plans = []
        self.outcomes = collections.Counter()
        self.reports = []
        self._lock = threading.Lock()

    @hookimpl
    def octoflow_plan_ready(self, plan):
        self.plans.append((plan.id, plan.summary))

    @hookimpl
    def octoflow_operation_done(self, result):
        # Called from apply's worker threads.
        with self._lock:
            self.outcomes[result.outcome] += 1

    @hookimpl
    def octoflow_apply_done(self, report):
        self.reports.append(report.recap)
        print(f"audit: plan {report.plan_id}: {report.recap}")
