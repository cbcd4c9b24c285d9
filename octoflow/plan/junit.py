"""Plans as JUnit XML: a recipe checked as a policy, for CI systems and Octopus artifacts.

Each plan is a test suite (one per space). Every operation is a failed test case, the
drift it would correct; every selected resource that already matches is a passing
one. A plan with no operations is a suite that passed. A check that could not be made
is a suite with one error, so CI shows the failure rather than a missing report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from octoflow.plan.model import Operation, Plan
from octoflow.plan.text import describe_change
from octoflow.secrets import redact


def junit_xml(plans: Sequence[Plan]) -> str:
    """The plans as one ``<testsuites>`` document (UTF-8 text, with declaration)."""
    return _document([_suite(plan) for plan in plans])


def junit_error_xml(recipe: str, message: str) -> str:
    """A check of ``recipe`` that could not be made, as a suite with one error."""
    suite = ET.Element("testsuite", name=recipe, tests="1", failures="0", errors="1")
    case = ET.SubElement(suite, "testcase", classname="octoflow", name=f"check {recipe}")
    ET.SubElement(case, "error", message=message, type="error")
    return _document([suite])


def _document(suites: list[ET.Element]) -> str:
    root = ET.Element("testsuites", name="octoflow check")
    root.extend(suites)
    for total in ("tests", "failures", "errors"):
        root.set(total, str(sum(int(s.get(total, "0")) for s in suites)))
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return redact('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n")


def _suite(plan: Plan) -> ET.Element:
    suite = ET.Element(
        "testsuite",
        name=f"{plan.recipe or plan.title} ({plan.space_id})",
        tests=str(len(plan.operations) + len(plan.unchanged)),
        failures=str(len(plan.operations)),
        errors="0",
        timestamp=plan.created,
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (("server", plan.server), ("plan", plan.id), ("digest", plan.digest)):
        ET.SubElement(properties, "property", name=name, value=value)
    for op in plan.operations:
        suite.append(_drift(op, plan))
    for same in plan.unchanged:
        ET.SubElement(
            suite, "testcase", classname=same.kind, name=_case_name(same.name, same.resource_id)
        )
    return suite


def _drift(op: Operation, plan: Plan) -> ET.Element:
    case = ET.Element("testcase", classname=op.kind, name=_case_name(op.name, op.resource_id))
    wanted = "; ".join(intent.summary for intent in op.intents) or op.action
    failure = ET.SubElement(case, "failure", message=f"would {op.action}: {wanted}", type="drift")
    failure.text = "\n".join(describe_change(c, plan.labels) for c in op.changes) or None
    return case


def _case_name(name: str, resource_id: str | None) -> str:
    return f"{name} ({resource_id})" if resource_id else name
