"""The verbs of ``octo.interventions``: the answer each selected interruption gets.

A field left at its default is ``None``, so that a plan describes the call as it
was written (``proceed(notes='CHG-1', wait=True)``); ``how`` is the wait it means.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from octoflow_plugins.deployments.tasks import Wait

from octoflow.provider import Intent, Verb

Doc = dict[str, Any]
MANUAL, GUIDED = "ManualIntervention", "GuidedFailure"


@attrs.frozen
class Answer(Verb):
    #: The type of interruption it answers (others are left alone).
    answers: ClassVar[str] = MANUAL

    def intent(self, doc: Doc) -> Intent:
        """What apply submits to the pending interruption ``doc``."""
        raise NotImplementedError


@attrs.frozen
class Proceed(Answer):
    name: ClassVar[str] = "proceed"
    notes: str | None = None
    wait: bool | None = None
    timeout: float | None = None
    poll: float | None = None

    def intent(self, doc: Doc) -> Intent:
        return submit(doc, "Result", "Proceed", self.notes, waiting(self))


@attrs.frozen
class Abort(Answer):
    name: ClassVar[str] = "abort"
    notes: str | None = None

    def intent(self, doc: Doc) -> Intent:
        return submit(doc, "Result", "Abort", self.notes, Wait())


@attrs.frozen
class Guidance(Answer):
    name: ClassVar[str] = "guidance"
    answers: ClassVar[str] = GUIDED
    action: str
    notes: str | None = None
    wait: bool | None = None
    timeout: float | None = None
    poll: float | None = None

    def intent(self, doc: Doc) -> Intent:
        return submit(doc, "Guidance", self.action, self.notes, waiting(self))


def shown(how: Wait) -> tuple[bool | None, float | None, float | None]:
    """``wait``, ``timeout`` and ``poll`` as fields: ``None`` where they are the defaults."""
    default = Wait()
    return (
        how.wait if how.wait != default.wait else None,
        how.timeout if how.timeout != default.timeout else None,
        how.poll if how.poll != default.poll else None,
    )


def waiting(verb: Proceed | Guidance) -> Wait:
    """The wait the fields mean (the inverse of :func:`shown`)."""
    default = Wait()
    return Wait(
        bool(verb.wait),
        default.timeout if verb.timeout is None else verb.timeout,
        default.poll if verb.poll is None else verb.poll,
    )


def submit(doc: Doc, field: str, answer: str, notes: str | None, how: Wait) -> Intent:
    steps = [] if doc.get("HasResponsibility") else ["take responsibility"]
    text = {"Proceed": "proceed", "Abort": "abort"}.get(answer, f"answer {answer}")
    steps.append(text + (f" with notes {notes!r}" if notes else ""))
    summary = " and ".join(steps)
    if how.wait:
        summary += f", then wait up to {how.timeout:g}s for {doc['TaskId']}"
    return Intent(
        "interruption.submit",
        {
            "interruption_id": doc["Id"],
            "field": field,
            "answer": answer,
            "notes": notes or "",
            **how.to_args(),
        },
        summary,
    )
