"""What each ``octoflow`` subcommand does."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from octoflow import files
from octoflow.apply.executor import ApplyReport
from octoflow.apply.journal import Journal
from octoflow.cli import spaces
from octoflow.cli.exitcodes import EXIT_DRIFT
from octoflow.cli.planview import plan_text
from octoflow.cli.progress import Progress
from octoflow.config import Connection
from octoflow.errors import AuthenticationError, OctoflowError, UsageError
from octoflow.interrupts import stop_requested_by_signals
from octoflow.plan.digest import check_digest
from octoflow.plan.junit import junit_error_xml, junit_xml
from octoflow.plan.model import Plan
from octoflow.plan.narrow import Narrowing
from octoflow.plan.wide import check_wide
from octoflow.plugin import PluginHost
from octoflow.recipe import Recipe, find_recipe, refuse_applying
from octoflow.secrets import redact
from octoflow.session import Octoflow, build_sandbox

#: Apply stopped because the server refused the key (401/403).
EXIT_REFUSED = AuthenticationError.exit_code


def plan(args: argparse.Namespace) -> int:
    _check_out(args)
    sessions = _sessions(args)
    _check_narrowing_alone(args, sessions)
    if len(sessions) > 1:
        plans = _plan_spaces(sessions, args)
        spaces.show(plans, args)
        if args.out:
            spaces.write_out(plans, args.out)
        return _drift_code(plans) if args.detailed_exitcode else 0
    result = _plan_recipe(sessions[0], args)
    _show_plan(result, args)
    if args.format == "text" and not result.is_empty:
        print(
            f"plan digest: {result.digest} (apply with --expect-digest {result.digest} to "
            "apply exactly this plan)",
            file=sys.stderr,
        )
    return _drift_code([result]) if args.detailed_exitcode else 0


def check(args: argparse.Namespace) -> int:
    """The recipe as a policy: does the server already match it?"""
    _check_out(args)
    if args.junit_xml:
        files.prepare(Path(args.junit_xml), "--junit-xml")
    try:
        sessions = _sessions(args)
        plans = _plan_spaces(sessions, args)
    except OctoflowError as exc:
        if args.junit_xml:
            files.write_text(Path(args.junit_xml), junit_error_xml(args.recipe, redact(str(exc))))
        raise
    document = dump_json(check_json(plans))
    if args.format == "json":
        print(document)
    else:
        for the_plan in plans:
            print(redact(_check_text(the_plan, args)))
    if args.out:
        files.write_text(Path(args.out), document + "\n")
    if args.junit_xml:
        files.write_text(Path(args.junit_xml), junit_xml(plans))
    return _drift_code(plans)


def check_json(plans: Sequence[Plan]) -> dict[str, Any]:
    return {
        "drift": any(not p.is_empty for p in plans),
        "spaces": [
            {"space": p.space_id, "drift": not p.is_empty, "plan": p.to_json()} for p in plans
        ],
    }


def _check_text(the_plan: Plan, args: argparse.Namespace) -> str:
    where = f"space {the_plan.space_id}"
    if the_plan.is_empty:
        matching = len(the_plan.unchanged)
        return f"No drift in {where}: {matching} selected resource(s) match {the_plan.title}."
    drifted = len(the_plan.operations)
    return (
        plan_text(the_plan, args)
        + f"\nDrift in {where}: {drifted} resource(s) differ from {the_plan.title}."
    )


def _drift_code(plans: Sequence[Plan]) -> int:
    return EXIT_DRIFT if any(not p.is_empty for p in plans) else 0


def apply(args: argparse.Namespace) -> int:
    from octoflow.cli import rollout

    _check_out(args)
    if args.resume:
        return rollout.resume(args)
    if not args.recipe:
        raise UsageError("apply needs a RECIPE, a saved plan .json, or --resume JOURNAL")
    _check_expect_digest_alone(args)
    rollout.check_early(args)
    sessions = _sessions(args)
    _check_narrowing_alone(args, sessions)
    if len(sessions) > 1:
        if rollout.wanted(args):
            raise UsageError("a staged rollout applies the plan of one space: give one --space")
        return _apply_spaces(sessions, args)
    octo = sessions[0]
    saved = args.recipe.endswith(".json")
    staged = None
    if rollout.wanted(args):
        staged = rollout.settings(args, octo, parse_params(args.param))
    if saved:
        if args.param:
            raise UsageError("-p parameters belong to recipes; a saved plan has its values already")
        the_plan = _load_plan(Path(args.recipe))
        octo.check_target(the_plan)
        the_plan = octo.narrow(the_plan, _narrowing(args), args.concurrency)
    else:
        refuse_applying(find_recipe(args.recipe, octo.registry.recipes))
        the_plan = _plan_recipe(octo, args)
    if args.format == "text":
        _show_plan(the_plan, args, write_out=False)
    retry = "review the plan above and apply it with --expect-digest {digest}"
    check_digest(the_plan, args.expect_digest, retry)
    check_wide(the_plan, args.allow_wide)
    if the_plan.is_empty:
        if args.format == "json":
            print(dump_json({"plan": the_plan.to_json(), "report": None}))
        print("Nothing to do: the server already matches.", file=sys.stderr)
        _save_sandbox(octo, args)
        return 0
    Journal(_journal_path(args, the_plan))  # a journal that cannot be written stops us here
    _confirm(the_plan.summary, args)
    if staged is not None:
        journal = _journal_path(args, the_plan)
        return rollout.run(octo, the_plan, staged, args, journal, preflight=saved)
    report, journal = _apply_one(octo, the_plan, args, preflight=saved)
    _show_report(the_plan, report, args, journal)
    return _exit_code(report)


def _apply_one(
    octo: Octoflow, the_plan: Plan, args: argparse.Namespace, preflight: bool = False
) -> tuple[ApplyReport, Path]:
    progress = Progress(len(the_plan.operations))
    journal = _journal_path(args, the_plan)
    try:
        report = octo.apply(
            the_plan,
            concurrency=args.concurrency,
            journal=journal,
            on_result=progress,
            on_progress=progress.note,
            preflight=preflight,
            allow_wide=args.allow_wide,
        )
    finally:
        progress.finish()
        _save_sandbox(octo, args)
    if report.interrupted:
        _show_report(the_plan, report, args, journal)
        raise KeyboardInterrupt
    return report, journal


def _exit_code(report: ApplyReport) -> int:
    if report.halted:
        return report.halted_exit or EXIT_REFUSED
    return 0 if report.succeeded else 1


def _check_expect_digest_alone(args: argparse.Namespace) -> None:
    if args.expect_digest and (args.all_spaces or len(args.space or ()) > 1):
        raise UsageError("--expect-digest names one plan: apply it with a single --space")


def _apply_spaces(sessions: list[Octoflow], args: argparse.Namespace) -> int:
    if args.recipe.endswith(".json"):
        raise UsageError("a saved plan is for one space: apply it with a single --space")
    plans = _plan_spaces(sessions, args)
    if args.format == "text":
        spaces.show(plans, args)
    if spaces.nothing_to_do(plans):
        return 0
    for the_plan in plans:
        Journal(_journal_path(args, the_plan))
    for the_plan in plans:
        check_wide(the_plan, args.allow_wide)
    _confirm(spaces.combined_summary(plans), args)
    reports, codes = [], []
    for octo, the_plan in zip(sessions, plans, strict=True):
        report, journal = _apply_one(octo, the_plan, args)
        reports.append(report)
        codes.append(_exit_code(report))
        if args.format == "text":
            print(f"space {the_plan.space_id}: {_recap_text(report)}")
            print(f"journal: {journal}", file=sys.stderr)
    if args.format == "json":
        spaces.show(plans, args, reports)
    return max(codes)


def recipes(args: argparse.Namespace) -> int:
    registry = PluginHost.from_entry_points().build_registry()
    shipped = registry.recipes
    names = [args.name] if args.name else list(shipped)
    loaded = [find_recipe(name, shipped) for name in names]
    if args.format == "json":
        print(json.dumps([_recipe_json(r) for r in loaded], indent=2))
        return 0
    for recipe in loaded:
        plugin = registry.contributed_by("recipe", recipe.name) if recipe.name in shipped else ""
        print(_recipe_text(recipe, detailed=bool(args.name), plugin=plugin))
    return 0


def plugins(args: argparse.Namespace) -> int:
    host = PluginHost.from_entry_points()
    registry = host.build_registry()
    infos = host.describe()
    if args.format == "json":
        print(
            json.dumps(
                [
                    {
                        "name": i.name,
                        "distribution": i.distribution,
                        "version": i.version,
                        "hooks": list(i.hooks),
                    }
                    for i in infos
                ],
                indent=2,
            )
        )
        return 0
    from octoflow.cli import _version_text

    print(_version_text())
    for info in infos:
        print(f"{info.name}  {info.distribution} {info.version}  hooks: {', '.join(info.hooks)}")
        for table in ("collection", "resource kind", "action", "recipe", "sandbox area"):
            mine = [
                n for n in registry.names(table) if registry.contributed_by(table, n) == info.name
            ]
            if mine:
                print(f"    {table}s: {', '.join(mine)}")
    return 0


def step_templates_export(args: argparse.Namespace) -> int:
    from octoflow.steptemplates import export

    registry = PluginHost.from_entry_points().build_registry()
    recipes = [find_recipe(name, registry.recipes) for name in registry.recipes]
    for path in export(Path(args.directory), recipes):
        print(path)
    return 0


def sandbox_serve(args: argparse.Namespace) -> int:
    from octoflow.sandbox import SANDBOX_API_KEY, SandboxServer
    from octoflow.sandbox.browsers import exposure_warning

    rate_limit = _serve_rate_limit(args.rate_limit, args.burst)
    registry = PluginHost.from_entry_points().build_registry()
    state = _serve_state_path(args.state)
    existing = state is not None and state.exists()
    api_key = args.api_key or SANDBOX_API_KEY
    source = str(state.absolute()) if state is not None and existing else args.seed
    sandbox = build_sandbox(
        registry,
        source,
        api_keys=(api_key,),
        latency_ms=args.latency_ms,
        server_version=args.server_version,
    )
    sandbox.settings.update({"rate_limit": rate_limit})
    sandbox.freeze_state()
    if state is not None:
        try:
            sandbox.make_durable(state)
        except OSError as exc:
            raise UsageError(f"cannot write the state file {state}: {exc}") from None
    warning = exposure_warning(args.host, api_key)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    try:
        server = SandboxServer(sandbox.app, host=args.host, port=args.port).start()
    except (OSError, OverflowError) as exc:
        raise UsageError(f"cannot serve on {args.host} port {args.port}: {exc}") from None
    origin = f"state {state}" if existing else f"seed {args.seed}"
    stop = threading.Event()
    with stop_requested_by_signals(stop):  # first: a signal may follow the announcement at once
        _announce_serving(sandbox, server.url, origin, api_key)
        while not stop.wait(0.2):  # a timeout, so the signal handlers get to run
            pass
    if not server.stop():
        print("octoflow: some requests were still running at exit", file=sys.stderr)
    if state is not None:
        sandbox.save(state)
        sandbox.close()
        print(f"state saved to {state}", flush=True)
    return 0


def _announce_serving(sandbox: Any, url: str, origin: str, api_key: str) -> None:
    """What ``sandbox serve`` serves, where, and how to reach it."""
    if not sandbox.profile.is_current:
        origin += f", as Octopus {sandbox.profile.version}"
    print(f"octoflow sandbox ({origin}) serving on {url}", flush=True)
    print(f"  export OCTOPUS_URL={url}", flush=True)
    print(f"  export OCTOPUS_API_KEY={api_key}", flush=True)
    limiter = sandbox.settings.rate_limiter
    if limiter is not None:
        rpm, burst = limiter.requests_per_minute, limiter.burst
        print(f"  rate limit: {rpm:g} requests/min per user, burst {burst}", flush=True)
    print("Press Ctrl-C to stop.", flush=True)


def _serve_rate_limit(rate: str | None, burst: str | None) -> dict[str, Any] | None:
    """``--rate-limit`` and ``--burst`` as the sandbox's ``rate_limit`` setting (None: off)."""
    from octoflow.sandbox.ratelimit import parse_rate

    if rate is None:
        if burst is not None:
            raise UsageError("--burst needs --rate-limit (e.g. --rate-limit 200/min --burst 200)")
        return None
    try:
        setting: dict[str, Any] = {"requests_per_minute": parse_rate(rate)}
    except ValueError as exc:
        raise UsageError(f"--rate-limit {exc}") from None
    if burst is not None:
        if not (burst.isascii() and burst.isdigit()) or int(burst) < 1:
            raise UsageError(f"--burst {burst!r}: give a whole number of requests, 1 or more")
        setting["burst"] = int(burst)
    return setting


def _serve_state_path(text: str | None) -> Path | None:
    """``--state FILE``, checked before anything is served: its directory must exist."""
    if text is None:
        return None
    path = Path(text)
    if not path.parent.is_dir():
        raise UsageError(f"--state {text}: the directory {path.parent} does not exist")
    if path.exists() and not path.is_file():
        raise UsageError(f"--state {text}: not a file")
    return path


# -- helpers --------------------------------------------------------------------


def _sessions(args: argparse.Namespace) -> list[Octoflow]:
    """One session per space the run covers (``--space`` repeated, or ``--all-spaces``)."""
    wanted = list(dict.fromkeys(args.space or []))
    if any(not space.strip() for space in wanted):
        raise UsageError("--space is empty: give a space name, slug or id, or leave it out")
    if args.all_spaces and wanted:
        raise UsageError("use either --space or --all-spaces, not both")
    first = _session(args, wanted[0] if wanted else None)
    if args.all_spaces:
        return [first.in_space(space_id) for space_id in first.space_ids()]
    return [first] + [first.in_space(space) for space in wanted[1:]]


def _session(args: argparse.Namespace, space: str | None) -> Octoflow:
    options: dict[str, Any] = {
        "max_per_minute": args.max_rate,
        "timeout": args.timeout,
        "pool_size": max(getattr(args, "concurrency", 8), 8),
    }
    if args.sandbox:
        if args.server:
            raise UsageError("use either --server or --sandbox, not both")
        version = args.sandbox_server_version or "current"
        return Octoflow.with_sandbox(args.sandbox, space=space, server_version=version, **options)
    if args.sandbox_server_version:
        raise UsageError("--sandbox-server-version needs --sandbox")
    connection = Connection.from_env(
        os.environ, url=args.server, space=space, verify_tls=not args.insecure
    )
    return Octoflow.connect(connection, **options)


def _plan_recipe(octo: Octoflow, args: argparse.Namespace) -> Plan:
    """The recipe's plan, narrowed by ``--only``/``--exclude``/``--limit`` where given."""
    the_plan = octo.plan_recipe(
        args.recipe, parse_params(args.param), args.concurrency, args.wide_above
    )
    return octo.narrow(the_plan, _narrowing(args), args.concurrency)


def _plan_spaces(sessions: list[Octoflow], args: argparse.Namespace) -> list[Plan]:
    params = parse_params(args.param)
    return [
        octo.plan_recipe(args.recipe, params, args.concurrency, args.wide_above)
        for octo in sessions
    ]


def _narrowing(args: argparse.Namespace) -> Narrowing:
    return Narrowing.from_lists(args.only, args.exclude, args.limit)


def _check_narrowing_alone(args: argparse.Namespace, sessions: list[Octoflow]) -> None:
    narrowing = _narrowing(args)
    if len(sessions) > 1 and narrowing:
        raise UsageError(
            f"{narrowing.describe()} narrows the plan of one space: give a single --space"
        )


def _show_plan(the_plan: Plan, args: argparse.Namespace, write_out: bool = True) -> None:
    if args.format == "json":
        the_plan.write_json(sys.stdout, redact)
        print()
    else:
        print(redact(plan_text(the_plan, args)))
    if args.out and write_out:
        with files.private_writer(Path(args.out)) as out:
            the_plan.write_json(out, redact)
            out.write("\n")


def _show_report(
    the_plan: Plan, report: ApplyReport, args: argparse.Namespace, journal: Path
) -> None:
    if args.format == "json":
        print(dump_json({"plan": the_plan.to_json(), "report": report.to_json()}))
    else:
        print(_recap_text(report))
    print(f"journal: {journal}", file=sys.stderr)
    if args.out:
        try:
            files.write_text(Path(args.out), dump_json(report.to_json()) + "\n")
        except OSError as exc:  # checked before applying; the changes stand regardless
            print(f"octoflow: warning: could not write {args.out}: {exc}", file=sys.stderr)


def _recap_text(report: ApplyReport) -> str:
    """The recap line, every failure, and skipped operations counted by reason."""
    recap = report.recap
    lines = []
    if report.halted:
        lines.append(f"Apply stopped early: {report.halted}")
    lines.append(
        f"Apply complete: {recap['changed']} changed, {recap['ok']} ok, "
        f"{recap['failed']} failed, {recap['skipped']} skipped "
        f"({report.requests} requests, {report.seconds:.1f}s)."
    )
    skipped: dict[str, int] = {}
    for result in report.results:
        if result.outputs:
            lines.append(f"  {result.kind} {result.name!r}: {_outputs_text(result.outputs)}")
        if result.outcome == "failed":
            lines.append(f"  failed: {result.kind} {result.name!r}: {result.detail}")
        if result.warning:
            lines.append(f"  warning: {result.warning}")
        elif result.outcome == "skipped":
            skipped[result.detail] = skipped.get(result.detail, 0) + 1
    lines += [f"  skipped {count}: {why}" for why, count in skipped.items()]
    lines += _verification_lines(report)
    lines += _audit_lines(report)
    return "\n".join(lines)


#: Other users' edits the recap names; the journal and ``--out`` have them all.
AUDIT_SHOWN = 10


def _audit_lines(report: ApplyReport) -> list[str]:
    """Who else changed documents this apply wrote, from the server's audit log."""
    audit = report.audit
    if audit.unavailable:
        return [f"Audit log not checked: {audit.unavailable}."]
    if not audit.edits:
        return []
    names = {str(r.resource_id): f"{r.kind} {r.name!r}" for r in report.results}
    ids = {e.document_id for e in audit.edits}
    lines = [f"{len(ids)} document(s) also changed by someone else during this apply; review them:"]
    lines += [f"  {e.describe(names)}" for e in audit.edits[:AUDIT_SHOWN]]
    if len(audit.edits) > AUDIT_SHOWN:
        lines.append(f"  … and {len(audit.edits) - AUDIT_SHOWN} more (see the journal)")
    return lines


def _verification_lines(report: ApplyReport) -> list[str]:
    """What reading back the written documents found."""
    check = report.verification
    if not check.checked:
        return []
    lines = [
        f"Read back {check.checked} written document(s): "
        + (
            f"{len(check.reapplied)} re-applied (another writer had undone the change)"
            if check.reapplied
            else "all as intended"
        )
        + "."
    ]
    if check.unresolved:
        lines.append(
            f"  still not as intended after re-applying ({len(check.unresolved)}): "
            + ", ".join(check.unresolved)
            + " (someone keeps changing them; run again once they are done)"
        )
    return lines


def _outputs_text(outputs: Mapping[str, Any]) -> str:
    """``ReleaseVersion=1.2.0, TaskId=ServerTasks-7``."""
    return ", ".join(f"{k}={v}" for k, v in outputs.items())


def _confirm(s: dict[str, int], args: argparse.Namespace) -> None:
    """Ask on the terminal (stderr), so ``octoflow apply … | tee log`` still shows it."""
    if args.yes:
        return
    if not sys.stdin.isatty():
        raise UsageError("not applying: pass --yes to apply when not running in a terminal")
    runs = f", {s['run']} run" if s.get("run") else ""
    counts = f"{s['add']} add, {s['change']} change, {s['delete']} delete{runs}"
    sys.stderr.write(f"Apply {counts}? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    if answer.strip().lower() not in ("y", "yes"):
        raise UsageError("not applying: not confirmed")


def _load_plan(path: Path) -> Plan:
    try:
        return Plan.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise UsageError(f"no plan file {path}") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory, not a saved plan") from None
    except OSError as exc:
        raise UsageError(f"cannot read the plan file {path}: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"{path} is not a saved octoflow plan: {exc}") from None


def _journal_path(args: argparse.Namespace, the_plan: Plan) -> Path:
    """``--journal``, else ``$OCTOFLOW_HOME/journal/PLAN-ID.jsonl`` (home: ~/.octoflow)."""
    if args.journal:
        return Path(args.journal)
    home = Path(os.environ.get("OCTOFLOW_HOME") or Path.home() / ".octoflow")
    return home / "journal" / f"{the_plan.id}.jsonl"


def _check_out(args: argparse.Namespace) -> None:
    """``--out`` must be writable before anything is read or changed."""
    if args.out:
        files.prepare(Path(args.out), "--out")


def _save_sandbox(octo: Octoflow, args: argparse.Namespace) -> None:
    """With ``--sandbox FILE`` the sandbox state is written back to FILE."""
    if octo.sandbox is not None and args.sandbox not in ("demo", "empty"):
        octo.sandbox.save(Path(args.sandbox))


def _recipe_json(recipe: Recipe) -> dict[str, Any]:
    return {
        "name": recipe.name,
        "summary": recipe.summary,
        "description": recipe.description,
        "parameters": [
            {
                "name": p.name,
                "kind": p.kind,
                "required": p.required,
                "help": p.help,
                "default": None if p.required else p.default,
            }
            for p in recipe.params
        ],
    }


def _default_text(default: Any) -> str:
    """A default as the user would type it after ``-p name=``."""
    if default in (None, "", [], ()):
        return ""
    if isinstance(default, bool):
        return f"default: {str(default).lower()}"
    if isinstance(default, (list, tuple)):
        return f"default: {','.join(map(str, default))}"
    return f"default: {default}"


def _recipe_text(recipe: Recipe, detailed: bool, plugin: str = "") -> str:
    shipped = f" (plugin {plugin})" if plugin else ""
    lines = [f"{recipe.name}: {_plain(recipe.summary)}{shipped}"]
    if detailed and recipe.description:
        lines += ["", *("  " + _plain(line) for line in recipe.description.splitlines()), ""]
    width = max((len(f"-p {p.name}=<{p.kind}>") for p in recipe.params), default=0)
    for p in recipe.params:
        need = "required" if p.required else _default_text(p.default)
        usage = f"-p {p.name}=<{p.kind}>".ljust(width)
        lines.append(f"    {usage}  {_plain(p.help)}" + (f" ({need})" if need else ""))
    return "\n".join(lines)


def _plain(text: str) -> str:
    """Docstring markup as plain text: ``code`` and `code` lose their backquotes."""
    return text.replace("``", "").replace("`", "")


def parse_params(pairs: Sequence[str]) -> dict[str, str | list[str]]:
    """``["tag=Region/EU", ...]`` → ``{"tag": "Region/EU"}``; malformed pairs are a usage error.

    A name given more than once maps to the list of its values (the recipe refuses that
    unless the parameter is a ``repeat`` one)."""
    values: dict[str, str | list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"malformed parameter {pair!r}: write -p NAME=VALUE")
        name = name.strip()
        if name in values:
            earlier = values[name]
            values[name] = [*(earlier if isinstance(earlier, list) else [earlier]), value]
        else:
            values[name] = value
    return values


def dump_json(data: object) -> str:
    return redact(json.dumps(data, indent=2, default=str))
