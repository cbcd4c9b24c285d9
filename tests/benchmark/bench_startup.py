"""Benchmark how fast ``octoflow`` starts: ``--help``, and a plan's first request.

Run from the repository root (takes about ten seconds)::

    python -m tests.benchmark.bench_startup

Each figure is the median of 10 runs of a new process, as a user starts it (the
installed ``octoflow`` script when there is one), after one run that is not counted:
it writes the bytecode caches a user's first run writes (``PYTHONDONTWRITEBYTECODE``
is left out of the children's environment, as a user's shell does not set it). The
first request of ``octoflow plan`` is timed from starting the process to the first
bytes reaching a listening socket that stands in for the server; the process is
then stopped, so nothing but the start is measured. Exits 1 when a target is missed.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import tempfile
import threading
import time

from tests.benchmark.common import Row, octoflow_command, report, require, user_environment

RUNS = 10
HELP_TARGET = 0.15
FIRST_REQUEST_TARGET = 0.3
KEY = "API-EXAMPLEBENCHSTARTUPKEY0000"
PLAN = ["plan", "tenants-add-project", "-p", "tag=Region/EU", "-p", "project=Customer Portal"]


def help_seconds() -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [*octoflow_command(), "--help"], env=user_environment(), capture_output=True, timeout=60
    )
    require(done.returncode == 0, f"octoflow --help exited {done.returncode}")
    return time.perf_counter() - started


def first_request_seconds(home: str) -> float:
    """From starting ``octoflow plan`` to its first bytes on the server's socket."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        arrived = threading.Event()
        at: list[float] = []

        def accept() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(1)
                at.append(time.perf_counter())
                arrived.set()

        threading.Thread(target=accept, daemon=True).start()
        env = user_environment(
            OCTOPUS_URL=f"http://127.0.0.1:{port}", OCTOPUS_API_KEY=KEY, OCTOFLOW_HOME=home
        )
        started = time.perf_counter()
        process = subprocess.Popen(
            [*octoflow_command(), *PLAN],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            require(arrived.wait(30), "octoflow plan made no request within 30 s")
        finally:
            process.kill()
            process.wait()
        return at[0] - started


def median_row(measure: str, samples: list[float], target: float) -> Row:
    median = statistics.median(samples)
    spread = f"{min(samples):.3f}-{max(samples):.3f}"
    return Row(
        measure,
        f"{median:.3f} s (median of {len(samples)}; {spread})",
        f"< {target} s",
        median < target,
    )


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as home:
        helps = [help_seconds() for _ in range(RUNS + 1)][1:]
        firsts = [first_request_seconds(home) for _ in range(RUNS + 1)][1:]
    rows = [
        median_row("octoflow --help", helps, HELP_TARGET),
        median_row("octoflow plan: start to first request", firsts, FIRST_REQUEST_TARGET),
    ]
    return report(rows, started)


if __name__ == "__main__":
    raise SystemExit(main())
