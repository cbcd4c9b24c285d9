"""What every benchmark script shares: a row of figures, the table, the machine, timing."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs


@attrs.frozen
class Row:
    """One line of the table; ``passed`` is ``None`` for figures without a target."""

    measure: str
    result: str
    target: str = ""
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: ""}[self.passed]


def request_budget(
    changed: int, concurrency: int = 8, read_back: bool = True, audited: bool = True
) -> tuple[int, str]:
    """The most requests a plan + apply changing ``changed`` documents may make, and how
    the figure is made: one write each, the re-reads right before the writes (one per
    ``concurrency`` documents), reading back what has no concurrency token (one per 100),
    asking the audit log who else changed them (the newest event, the key's user, then
    one per 100; see ``octoflow.apply.audit``) and 10 for planning's reads."""
    limit = changed + math.ceil(changed / concurrency) + 10
    text = f"changed + 1/{concurrency} re-reads"
    if read_back:
        limit += math.ceil(changed / 100)
        text += " + 1% read back"
    if audited:
        limit += 2 + math.ceil(changed / 100)
        text += " + 1% audit log + 2"
    return limit, f"<= {limit} ({text} + 10)"


def machine() -> list[str]:
    return [
        f"date: {dt.date.today().isoformat()}",
        f"CPUs: {os.cpu_count()}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"platform: {platform.platform()}",
        f"CPU speed at the end: {reference_work():.2f} s for the reference work "
        "(lower is faster; a shared VM's varies from minute to minute)",
    ]


def reference_work() -> float:
    """Seconds a fixed pure-Python workload takes now (20,000 JSON round trips of a small
    document, then a sum over a million squares): runs on one machine are comparable only
    when it is about the same."""
    document = {"a": [1, 2, 3], "b": {"c": "x" * 50, "d": [{"e": n} for n in range(20)]}}
    started = time.perf_counter()
    for _ in range(20_000):
        json.loads(json.dumps(document))
    sum(n * n for n in range(1_000_000))
    return time.perf_counter() - started


def table(rows: list[Row]) -> str:
    """A Markdown table, so it can be pasted into docs/benchmarks.md as is."""
    header = Row("measure", "result", "target")
    cells = [
        [r.measure, r.result, r.target, "verdict" if r is header else r.verdict]
        for r in [header, *rows]
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(4)]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def report(rows: list[Row], started: float, note: str = "") -> int:
    """Print the table and the machine; the exit code is 1 when a target was missed."""
    print(table(rows))
    print()
    print("\n".join(machine()))
    print(f"{note}benchmark took {time.perf_counter() - started:.0f} s")
    failed = [r.measure for r in rows if r.passed is False]
    if failed:
        print("FAILED: " + "; ".join(failed), file=sys.stderr)
    return 1 if failed else 0


def timed(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def octoflow_command() -> list[str]:
    """The installed ``octoflow`` script, as a user starts it (else the module)."""
    script = shutil.which("octoflow")
    return [script] if script else [sys.executable, "-m", "octoflow.cli"]


def user_environment(**extra: str) -> dict[str, str]:
    """This environment as a user's shell has it, plus ``extra``: no ``OCTOPUS_*``
    settings of ours, and bytecode caches written (``PYTHONDONTWRITEBYTECODE`` left
    out), as an installed package has them."""
    skipped = ("OCTOPUS_", "PYTHONDONTWRITEBYTECODE")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(skipped)}, **extra}


def require(condition: bool, message: str) -> None:
    """Stop: a figure measured on a broken run would mean nothing."""
    if not condition:
        raise SystemExit(f"benchmark aborted: {message}")


@contextmanager
def server_process(
    key: str,
    latency_ms: int,
    state_path: Path | None = None,
    seed: str = "demo",
    extra: Sequence[str] = (),
) -> Iterator[str]:
    """``octoflow sandbox serve`` in a child process (``seed``, or a copy of the state
    file; ``extra`` options such as ``--rate-limit``); yields its URL."""
    with tempfile.TemporaryDirectory() as tmp:
        source = ["--seed", seed]
        if state_path is not None:
            copied = Path(tmp) / "state.json"
            copied.write_bytes(state_path.read_bytes())
            source = ["--state", str(copied)]
        command = [
            sys.executable,
            "-m",
            "octoflow.cli",
            "sandbox",
            "serve",
            *source,
            "--port",
            "0",
            "--latency-ms",
            str(latency_ms),
            "--api-key",
            key,
            *extra,
        ]
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
            try:
                first_line = process.stdout.readline() if process.stdout else ""
                found = re.search(r"serving on (http://\S+)", first_line)
                require(found is not None, f"octoflow sandbox serve said {first_line!r}")
                yield found.group(1)  # type: ignore[union-attr]
            finally:
                process.terminate()
