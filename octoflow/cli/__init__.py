"""The ``octoflow`` command.

Exit codes: 0 success; 1 apply finished with failed or skipped operations;
2 bad input (usage, recipe, parameters, unknown names, validation) with nothing
written; 3 authentication or permission; 4 server unreachable or failing;
5 the server changed since the plan; 70 a bug in octoflow; 130 interrupted
(Ctrl-C); 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import math
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from octoflow.cli.exitcodes import (
    EXIT_CHECK_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
)
from octoflow.errors import OctoflowError, UsageError
from octoflow.interrupts import sigterm_interrupts, terminated
from octoflow.plan.defaults import COMPACT_ABOVE
from octoflow.plan.digest import parse_digest
from octoflow.secrets import redact
from octoflow.serverversions import SANDBOX_PROFILES

if TYPE_CHECKING:
    from octoflow.plan.wide import WidePolicy


def _command(name: str, module: str = "octoflow.cli.commands") -> Callable[[Any], int]:
    """The handler ``module.name``, imported when the command runs, not when parsing."""

    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(module), name)(args)

    run.__qualname__ = f"{module}.{name}"
    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="octoflow",
        description="Plan and apply bulk changes to an Octopus Deploy server.",
        epilog="Connection: --server or OCTOPUS_URL; the API key only from OCTOPUS_API_KEY "
        "(or OCTOPUS_ACCESS_TOKEN); --space or OCTOPUS_SPACE (name, slug or id).",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.add_argument("--version", action=_ShowVersion)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_parser = sub.add_parser

    def sub_parser(name: str, **kwargs: object) -> argparse.ArgumentParser:
        return add_parser(name, parents=[common], **kwargs)  # type: ignore[arg-type]

    sub.add_parser = sub_parser  # type: ignore[method-assign]

    plan = sub.add_parser("plan", help="show what a recipe would change (writes nothing)")
    plan.add_argument("recipe", help="a shipped recipe name or a path to a recipe .py file")
    _recipe_options(plan)
    _connection_options(plan)
    _output_options(plan)
    plan.add_argument(
        "--concurrency",
        type=_positive_int,
        default=8,
        help="reads made at once while planning, where a plan reads many documents (default 8)",
    )
    _narrowing_options(plan)
    _wide_option(plan)
    plan.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 when the server already matches, 2 when the plan has changes, 1 on error",
    )
    plan.set_defaults(handler=_command("plan"))

    check = sub.add_parser(
        "check",
        help="check the server against a recipe, as a policy: exit 0 when it matches, "
        "2 on drift (listed), 1 on error; writes nothing",
    )
    check.add_argument("recipe", help="a shipped recipe name or a path to a recipe .py file")
    _recipe_options(check)
    _connection_options(check)
    _output_options(check)
    _wide_option(check)
    check.add_argument(
        "--junit-xml",
        metavar="FILE",
        help="also write the result as JUnit XML: a failed test per drifted resource",
    )
    check.add_argument(
        "--concurrency",
        type=_positive_int,
        default=8,
        help="reads made at once, where a check reads many documents (default 8)",
    )
    check.set_defaults(handler=_command("check"))

    apply = sub.add_parser("apply", help="plan a recipe (or load a saved plan) and apply it")
    apply.add_argument(
        "recipe",
        nargs="?",
        help="a recipe name, a recipe .py file, or a saved plan .json (none with --resume)",
    )
    _recipe_options(apply)
    _connection_options(apply)
    _output_options(apply)
    _narrowing_options(apply)
    _wide_option(apply)
    apply.add_argument(
        "--allow-wide",
        action="store_true",
        help="apply a wide change (a plan marked WIDE); without it apply refuses one",
    )
    _applying_options(apply, "operations applied (and reads made while planning) at once")
    apply.add_argument(
        "--expect-digest",
        type=_digest,
        metavar="DIGEST",
        help="apply only if the plan's digest is DIGEST (as `octoflow plan` printed it for the "
        "plan you reviewed); otherwise show the plan and write nothing",
    )
    _rollout_options(apply)
    apply.set_defaults(handler=_command("apply"))
    _undo_parser(sub)

    recipes = sub.add_parser("recipes", help="list shipped recipes and their parameters")
    recipes.add_argument("name", nargs="?", help="show one recipe in detail")
    recipes.add_argument("--format", choices=("text", "json"), default="text")
    recipes.set_defaults(handler=_command("recipes"))

    plugins = sub.add_parser("plugins", help="list loaded provider plugins")
    plugins.add_argument("--format", choices=("text", "json"), default="text")
    plugins.set_defaults(handler=_command("plugins"))

    templates = sub.add_parser("step-templates", help="recipes as Octopus step templates")
    templates_sub = templates.add_subparsers(
        dest="templates_command", required=True, metavar="ACTION"
    )
    export = templates_sub.add_parser(
        "export", help="write one step template (JSON) per recipe, plus a generic one"
    )
    export.add_argument("directory", help="where to write the .json files")
    export.set_defaults(handler=_command("step_templates_export"))

    sandbox = sub.add_parser("sandbox", help="the embedded Octopus-compatible sandbox")
    sandbox_sub = sandbox.add_subparsers(dest="sandbox_command", required=True, metavar="ACTION")
    serve = sandbox_sub.add_parser(
        "serve",
        help="serve the sandbox over HTTP until stopped",
        description="Serve the sandbox over HTTP until Ctrl-C or SIGTERM.",
    )
    serve.add_argument(
        "--seed",
        default="demo",
        choices=("demo", "demo-large", "empty"),
        help="initial state, ignored when --state names an existing file; demo-large is the "
        "demo plus a large customer's volume: 10,000 tenants, 1,000 targets, 1,000 projects, "
        "500 users (default demo)",
    )
    serve.add_argument(
        "--state",
        metavar="FILE",
        help="a JSON state file: loaded if it exists, and every accepted write is saved to it "
        "(a journal FILE.wal beside it) before it is answered (default: none, nothing saved)",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1, loopback only)",
    )
    serve.add_argument(
        "--port",
        metavar="N",
        type=int,
        default=8065,
        help="TCP port; 0 picks a free one (default 8065)",
    )
    serve.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key clients must send; it also opens the /_sandbox/ control API "
        "(default: the sandbox's public example key)",
    )
    serve.add_argument(
        "--latency-ms",
        metavar="MS",
        type=int,
        default=0,
        help="added to every API request, in milliseconds (default 0)",
    )
    serve.add_argument(
        "--server-version",
        default="current",
        choices=SANDBOX_PROFILES,
        help="the Octopus Server release to answer as: its routes (others answer 404) and the "
        "version the root document reports (default current)",
    )
    serve.add_argument(
        "--rate-limit",
        metavar="RATE",
        help="limit each user's API requests as Octopus 2026.3 does, e.g. 200/min (units s, "
        "min, h): a token bucket per user, 429 with Retry-After when it is empty (default off)",
    )
    serve.add_argument(
        "--burst",
        metavar="N",
        help="with --rate-limit: how many requests the bucket holds (default: one minute's worth)",
    )
    serve.set_defaults(handler=_command("sandbox_serve"))
    return parser


def _recipe_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a recipe parameter (repeat for several)",
    )


def _wide_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wide-above",
        type=_wide_policy,
        metavar="PERCENT%,COUNT",
        help="a selection of more than PERCENT%% of a collection and more than COUNT documents "
        "(or all of it) is a wide change (default: the recipe's, else 50%%,100)",
    )


def _wide_policy(text: str) -> WidePolicy:
    from octoflow.plan.wide import WidePolicy  # attrs: not for --help

    try:
        return WidePolicy.parse(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _narrowing_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("narrowing the plan (the recipe stays as it is)")
    group.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="ID,…",
        help="keep only the operations on these resources (ids or names; repeatable)",
    )
    group.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ID,…",
        help="leave out the operations on these resources (ids or names; repeatable)",
    )
    group.add_argument(
        "--limit",
        type=_positive_int,
        metavar="N",
        help="keep only the first N operations, in the order the plan lists them",
    )


def _rollout_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group('staged rollout (docs/getting-started.md, "Staged rollout")')
    group.add_argument(
        "--canary", type=_positive_int, metavar="N", help="apply the first N operations first"
    )
    group.add_argument(
        "--batch-size",
        type=_positive_int,
        metavar="M",
        help="then apply the rest in stages of M operations",
    )
    group.add_argument(
        "--check",
        action="append",
        default=[],
        metavar="CHECK",
        help="after every stage: a recipe that must plan no change (NAME, or "
        '"recipe:NAME -p name=value …"), cmd:COMMAND (must exit 0), health:ENVIRONMENT '
        '(a health task must succeed) or "runbook:-p project=P -p runbook=R -p environment=E" '
        "(its runs must succeed); repeatable",
    )
    group.add_argument(
        "--pause",
        type=_checked("Pause"),
        metavar="30s|prompt",
        help="between stages: wait this long, or ask on the terminal (default: no pause)",
    )
    group.add_argument(
        "--max-failures",
        type=_checked("FailureLimit"),
        metavar="N|P%",
        help="stop after the stage where failed operations exceed N, or P%% of those "
        "attempted (default 0: the first failure stops the rollout)",
    )
    group.add_argument(
        "--resume",
        metavar="JOURNAL",
        help="carry on with the stopped rollout this journal records (its plan and settings)",
    )


def _checked(setting: str) -> Callable[[str], str]:
    """An argparse type that refuses what ``octoflow.apply.stages.<setting>.parse``
    refuses, and keeps the text (the module is imported when the option is given)."""

    def check(text: str) -> str:
        stages = importlib.import_module("octoflow.apply.stages")
        try:
            getattr(stages, setting).parse(text)
        except UsageError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text

    return check


def _undo_parser(sub: Any) -> None:
    undo = sub.add_parser(
        "undo",
        help="take back what an apply did, from its journal",
        description="Plan the inverse of the apply JOURNAL records, show it, and apply it. "
        "Fields someone changed since are left alone and listed. The space is the "
        "journal's unless --space says otherwise.",
    )
    undo.add_argument("journal_to_undo", metavar="JOURNAL", help="the apply's journal (.jsonl)")
    _connection_options(undo, all_spaces=False)
    _output_options(undo)
    undo.add_argument(
        "--plan-only",
        action="store_true",
        help="show the undo plan and stop (with --out, save it for `octoflow apply FILE.json`)",
    )
    _applying_options(undo, "operations applied at once", "the undo's own journal")
    undo.set_defaults(handler=_command("undo", "octoflow.cli.undo"), allow_wide=True)


def _applying_options(
    parser: argparse.ArgumentParser, concurrency: str, journal: str = "the JSON-lines journal"
) -> None:
    """``--yes``, ``--concurrency`` and ``--journal``: what every command that writes takes."""
    parser.add_argument(
        "--yes", action="store_true", help="apply without asking (needed off a terminal)"
    )
    parser.add_argument(
        "--concurrency", type=_positive_int, default=8, help=f"{concurrency} (default 8)"
    )
    parser.add_argument(
        "--journal",
        metavar="FILE",
        help=f"write {journal} here (default ~/.octoflow/journal/PLAN-ID.jsonl)",
    )


def _connection_options(parser: argparse.ArgumentParser, all_spaces: bool = True) -> None:
    group = parser.add_argument_group("connection")
    group.add_argument("--server", metavar="URL", help="Octopus server URL (default OCTOPUS_URL)")
    group.add_argument(
        "--space",
        metavar="SPACE",
        action="append",
        help="space name, slug or id (default OCTOPUS_SPACE); repeat to run the recipe in "
        "several spaces",
    )
    if all_spaces:
        group.add_argument(
            "--all-spaces", action="store_true", help="run the recipe in every space of the server"
        )
    group.add_argument(
        "--sandbox",
        metavar="SEED",
        help="use the embedded sandbox instead of a server: demo, demo-large, empty, or a "
        "JSON state FILE (loaded, and saved back after apply)",
    )
    group.add_argument(
        "--sandbox-server-version",
        choices=SANDBOX_PROFILES,
        metavar="VERSION",
        help="with --sandbox: the Octopus Server release the sandbox answers as, one of "
        f"{', '.join(SANDBOX_PROFILES)} (default current)",
    )
    group.add_argument(
        "--max-rate",
        type=_rate,
        metavar="RATE",
        help="at most RATE requests, such as 150/min, 5/s or 150 (a minute), across all "
        "threads; a server that advertises its limit is paced to it anyway",
    )
    group.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=60.0,
        metavar="SECONDS",
        help="seconds to wait for each answer of the server (default 60)",
    )
    group.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="what to print on stdout"
    )
    parser.add_argument(
        "--out", metavar="FILE", help="also write the plan (plan) or report (apply) as JSON"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="the full plan (every change of every operation), unchanged resources, and "
        "a log of requests",
    )
    parser.add_argument(
        "--compact",
        action="store_true",
        help="group operations that make the same change, listing every name (plans of more "
        f"than {COMPACT_ABOVE} operations are shown grouped by default, with the first names of "
        "each group)",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _rate(text: str) -> float:
    from octoflow.client.budget import parse_rate

    try:
        return parse_rate(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _digest(text: str) -> str:
    try:
        return parse_digest(text, "--expect-digest")
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, not {text!r}")
    return value


class _ShowVersion(argparse.Action):
    """``--version``, worked out only when asked for (it reads the installed metadata)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(
            option_strings,
            argparse.SUPPRESS,
            nargs=0,
            default=argparse.SUPPRESS,
            help="show program's version number and exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        print(_version_text())
        parser.exit()


def _version_text() -> str:
    from octoflow import DISTRIBUTION, __version__

    python = ".".join(map(str, sys.version_info[:3]))
    return f"octoflow {__version__} ({DISTRIBUTION}, Python {python})"


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse, with a hint for recipe parameters given without ``-p``."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        stray = next((a for a in extra if "=" in a and not a.startswith("-")), None)
        if stray is not None and getattr(args, "command", "") in ("plan", "apply"):
            parser.error(
                f"unexpected argument {stray!r}: recipe parameters take -p, as in -p {stray!r}"
            )
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _check_codes_wanted(argv: Sequence[str]) -> bool:
    """``check`` and ``plan --detailed-exitcode`` keep 2 for drift: their errors exit 1."""
    command = next((a for a in argv if not a.startswith("-")), "")
    return command == "check" or (command == "plan" and "--detailed-exitcode" in argv)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:
        if exc.code == 2 and _check_codes_wanted(argv):
            raise SystemExit(EXIT_CHECK_FAILED) from None
        raise
    # -v turns on octoflow's own request log; other libraries stay at warnings
    # (urllib3 logs every connection it opens at debug level).
    logging.basicConfig(level=logging.WARNING, format="octoflow: %(message)s")
    verbose = getattr(args, "verbose", False)
    logging.getLogger("octoflow").setLevel(logging.DEBUG if verbose else logging.NOTSET)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_RedactingFilter())
    try:
        if args.command == "sandbox":  # it handles SIGTERM itself
            return int(args.handler(args) or 0)
        with sigterm_interrupts():
            return int(args.handler(args) or 0)
    except BrokenPipeError:
        # The reader went away (e.g. `octoflow plan ... | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        if terminated.is_set():
            print("octoflow: terminated", file=sys.stderr)
            return EXIT_TERMINATED
        print("octoflow: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OctoflowError as exc:
        print(f"octoflow: error: {redact(str(exc))}", file=sys.stderr)
        return EXIT_CHECK_FAILED if _check_codes_wanted(argv) else exc.exit_code
    except Exception as exc:
        if args.debug:
            print(redact(traceback.format_exc()), file=sys.stderr)
        print(
            f"octoflow: internal error: {type(exc).__name__}: {redact(str(exc))} "
            "(a bug in octoflow; run with --debug for the details to report)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


if __name__ == "__main__":
    raise SystemExit(main())
