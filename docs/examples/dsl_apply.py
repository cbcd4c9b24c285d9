from pathlib import Path

from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
plan = octo.plan(octo.tenants.where(tag="Tier/Bronze").add_tag("Tier/Silver"))


def show(result):
    if result.outcome == "failed":
        print("failed:", result.name, result.detail)


report = octo.apply(plan, concurrency=4, journal=Path("journal.jsonl"), on_result=show)
print(report.recap, report.requests, "requests")
for result in report.results[:3]:
    print(result.outcome, result.kind, result.name, result.detail)
if not report.succeeded:
    raise SystemExit(1)
