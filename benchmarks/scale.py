"""Benchmark: how the planner scales from a class to an académie (issue 6).

Run ``.venv/bin/python benchmarks/scale.py [--sizes 35 350 1400 3500]
[--seeds 0 1 2] [--time-limit S] [--label NAME]``, or ``--quick`` (35 and
350 students, one seed, 20 s) while developing. Not a test: it writes
``docs/benchmarks.md``, the scaling plot ``docs/benchmarks-scaling.html``
and ``.png``, and appends every run to ``docs/benchmarks-runs.jsonl`` so
that formulation variants (``--label baseline``, ``--label pattern-model``...)
can be compared side by side. ``--report-only`` redraws the report and the
plot from that file without solving.

Instances come from ``benchmarks/instances.py`` (one fixed instance seed;
the solver seeds vary). Each solve runs in a fresh process
(``benchmarks/scale.py --child ...``), so that its peak memory is its own
(``os.wait4`` gives the child's ``ru_maxrss``) and a crash or a run that
never ends (killed by a watchdog) is recorded as such. The child streams
its events (first solution, end of the search, result) to a file, so a
run killed in the visit stage still tells how its search went.

The time limit is the solve's own ``time_limit_s`` (``--clock
deterministic``, the default): CP-SAT's deterministic time, shared out
between the parts when ``solve()`` splits the scenario, and also the limit
of the visit stage (R12). A run then replays exactly for its seed, but its
wall time depends on the machine (with 2 workers here, a deterministic
second is several seconds of wall time). So each run is also read at the
limit in wall-clock seconds after its first search started: the gap of the
plan it had then (``gap_at_limit``), which is what the issue's targets ask.
``--clock wall`` also stops the search at that time through a
:class:`planner.formulation.StopHandle`, as the dashboard's Stop button
does (the parts not yet searched then get no plan).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
DOCS: Final = ROOT / "docs"
REPORT: Final = DOCS / "benchmarks.md"
RUNS_FILE: Final = DOCS / "benchmarks-runs.jsonl"
PLOT_HTML: Final = DOCS / "benchmarks-scaling.html"
PLOT_PNG: Final = DOCS / "benchmarks-scaling.png"

SIZES: Final = (35, 350, 1400, 3500)
QUICK_SIZES: Final = (35, 350)
SEEDS: Final = (0, 1, 2)
WORKERS: Final = 2
INSTANCE_SEED: Final = 0
DEFAULT_LIMIT_S: Final = 60.0
#: Time limits that differ from the default (the académie of 3,500 gets 120 s).
LIMITS_S: Final[dict[int, float]] = {3500: 120.0}
QUICK_LIMIT_S: Final = 20.0
#: A run is killed after ``WATCHDOG_FACTOR`` x its limit + ``WATCHDOG_EXTRA_S``.
WATCHDOG_FACTOR: Final = 4.0
WATCHDOG_EXTRA_S: Final = 300.0
#: Progress events kept per run in the JSON file (first, last, and evenly between).
TRACE_POINTS: Final = 60


# --------------------------------------------------------------------- child


def child_main(args: argparse.Namespace) -> None:
    """One solve, in this fresh process; events are appended to ``args.events``."""
    spawned_at: float = args.spawned_at
    lock = threading.Lock()
    with Path(args.events).open("a", encoding="utf-8") as out:

        def emit(event: str, **fields: Any) -> None:
            fields |= {"event": event, "t": time.time() - spawned_at}
            with lock:
                out.write(json.dumps(fields) + "\n")
                out.flush()

        emit("started")
        _child_solve(args, emit)


def _child_solve(args: argparse.Namespace, emit: Callable[..., None]) -> None:
    # Imported here, after the start-up mark: their import time is part of the run.
    from instances import generate, summary

    from planner import solve as solve_module
    from planner.formulation import ModelResult, Progress, StopHandle

    started = time.perf_counter()
    scenario = generate(args.students, args.instance_seed)
    emit(
        "generated",
        seconds=time.perf_counter() - started,
        planner=str(Path(solve_module.__file__).parent),
        **summary(scenario),
    )

    class ObservedStop(StopHandle):
        """Notes each CP-SAT search's start (one per part of the scenario);
        with ``--clock wall``, stops the search ``--time-limit`` seconds
        after the first one starts, as the dashboard's Stop button would."""

        timer: threading.Timer | None = None

        def attach(self, solver: Any) -> None:
            super().attach(solver)
            emit("search_started")
            if self.timer is None and args.clock == "wall":
                self.timer = threading.Timer(args.time_limit, self.request)
                self.timer.daemon = True
                self.timer.start()

    original_run: Callable[..., ModelResult] | None = getattr(solve_module, "_run", None)

    def observed_run(*run_args: Any, **run_kwargs: Any) -> ModelResult:
        # Observation only: the same call, its result noted before the visit stage.
        assert original_run is not None
        found = original_run(*run_args, **run_kwargs)
        emit(
            "search_done",
            status=found.status.value,
            objective=found.objective,
            bound=found.bound,
            wall_s=found.wall_time_s,
            deterministic=found.deterministic_time,
            solutions=found.solutions,
            size=found.stats,
        )
        return found

    if original_run is not None:
        solve_module._run = observed_run

    call_started = time.perf_counter()

    def on_progress(progress: Progress) -> None:
        emit(
            "progress",
            call_s=time.perf_counter() - call_started,
            objective=progress.objective,
            bound=progress.bound,
            solutions=progress.solutions,
            complete=getattr(progress, "complete", None),
        )

    settings = solve_module.SolveSettings(
        time_limit_s=args.time_limit, seed=args.solver_seed, workers=args.workers
    )
    stop = ObservedStop()
    result = solve_module.solve(scenario, settings, on_progress, stop)
    verdict = result.verdict
    emit(
        "result",
        call_s=time.perf_counter() - call_started,
        status=result.status.value,
        objective=result.objective,
        bound=result.best_bound,
        build_s=result.build_time_s,
        search_s=result.solve_time_s,
        deterministic=result.deterministic_time,
        size=result.model_size,
        visits=result.visits_info,
        has_plan=result.plan is not None,
        validated=None if verdict is None else verdict.ok,
        violations=None if verdict is None else verdict.hard_violations,
        visits_checked=None if verdict is None else verdict.visits_checked,
        conflicts=len(result.conflicts),
        # After the solve, so as not to delay it: which instance this was.
        instance_hash=hashlib.sha256(
            json.dumps(scenario.model_dump(mode="json"), sort_keys=True).encode()
        ).hexdigest()[:12],
    )


# -------------------------------------------------------------------- parent


def code_hash(tree: Path) -> str:
    """A short digest of the planner's sources (``models`` and ``planner``):
    runs with the same digest ran the same code, committed or not."""
    digest = hashlib.sha256()
    for path in sorted([*tree.glob("models/**/*.py"), *tree.glob("planner/**/*.py")]):
        digest.update(path.relative_to(tree).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


@contextlib.contextmanager
def snapshot(revision: str = "HEAD") -> Iterator[tuple[Path, str]]:
    """A commit (the committed HEAD by default) as a temporary source tree
    (``git archive``, which writes nothing to the repository) and its short
    hash, for runs that ignore uncommitted work and later commits."""
    commit = _git("rev-parse", "--short", revision).strip()
    with tempfile.TemporaryDirectory(prefix="stageplan-head-") as tmp:
        archive = subprocess.run(
            ["git", "archive", commit, "models", "planner"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        yield Path(tmp), commit


def _git(*command: str) -> str:
    done = subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout


def machine(code: Path | None = None, commit: str | None = None) -> dict[str, Any]:
    """Where and on what code the runs are made (``code``: a snapshot of
    ``commit``; else the working tree, maybe with uncommitted changes)."""
    from importlib.metadata import version

    changed = [line[3:] for line in _git("status", "--porcelain").splitlines() if line.strip()]
    if code is not None:
        changed = []  # the snapshot is the commit itself
    return {
        "cores": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "ortools": version("ortools"),
        "commit": commit or _git("rev-parse", "--short", "HEAD").strip(),
        "dirty": bool(changed),
        "changed": changed,
        "snapshot": code is not None,
        "code_hash": code_hash(code or ROOT),
    }


def run_one(
    students: int,
    solver_seed: int,
    instance_seed: int,
    limit_s: float,
    clock: str,
    code: Path | None = None,
) -> dict[str, Any]:
    """One solve in a fresh process, and what it tells (see :func:`digest`).

    ``code``: a source tree whose ``models`` and ``planner`` the child
    imports instead of the working tree's (``--snapshot``).
    """
    environment = dict(os.environ)
    if code is not None:
        # The script's folder, not the working tree, is first on the child's
        # path; PYTHONPATH comes before the editable install of stageplan.
        environment["PYTHONPATH"] = str(code)
    with tempfile.TemporaryDirectory() as tmp:
        events_file = Path(tmp) / "events.jsonl"
        events_file.touch()
        budget = WATCHDOG_FACTOR * limit_s + WATCHDOG_EXTRA_S
        spawned_at = time.time()
        process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                "--students",
                str(students),
                "--instance-seed",
                str(instance_seed),
                "--solver-seed",
                str(solver_seed),
                "--time-limit",
                str(limit_s),
                "--clock",
                clock,
                "--workers",
                str(WORKERS),
                "--spawned-at",
                repr(spawned_at),
                "--events",
                str(events_file),
            ],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        killed = threading.Event()
        reaped = threading.Lock()

        def kill() -> None:
            with reaped:
                if process.returncode is None:
                    killed.set()
                    os.kill(process.pid, signal.SIGKILL)

        watchdog = threading.Timer(budget, kill)
        watchdog.daemon = True
        watchdog.start()
        assert process.stderr is not None
        stderr = process.stderr.read()  # until the child closes it (it ends)
        # Wait for the end without reaping, so that the watchdog never kills
        # a process id that might be reused; then reap it with its rusage.
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        with reaped:
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        watchdog.cancel()
        wall = time.time() - spawned_at
        events = [
            json.loads(line)
            for line in events_file.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    record = digest(events, limit_s, clock)
    record["events"] = events  # raw, so that a later digest() can read them again
    outcome = "finished" if "status" in record else "crashed"
    if killed.is_set():
        outcome = f"killed after {budget:.0f} s"
    elif process.returncode != 0:
        outcome = f"exit {process.returncode}"
    record |= {
        "students": students,
        "instance_seed": instance_seed,
        "solver_seed": solver_seed,
        "workers": WORKERS,
        "time_limit_s": limit_s,
        "clock": clock,
        "outcome": outcome,
        "process_s": wall,
        "peak_mib": usage.ru_maxrss / 1024,  # Linux: KiB
    }
    if outcome != "finished":
        record["stderr_tail"] = stderr.decode("utf-8", "replace")[-600:]
    return record


def digest(events: list[dict[str, Any]], limit_s: float, clock: str) -> dict[str, Any]:
    """The figures of one run from its events; a field is absent when the
    run did not get that far. Times ``*_s`` count from the process start
    unless they are durations (build, search, visits).

    *First plan* is the first progress event that reports a plan of every
    student (:func:`_whole_plans`); ``first_part_solution_s`` is the first
    progress event of all (of the first part, when they differ). ``gap_at_limit`` reads the
    gap ``limit_s`` seconds (wall clock) after the first search started:
    the final gap when the search had ended by then (or was stopped then,
    ``clock`` "wall"), else the gap of the last solution before that time
    (an upper bound: the bound may have risen since).
    """
    record: dict[str, Any] = {}
    progress = [e for e in events if e["event"] == "progress"]
    searches = [e for e in events if e["event"] == "search_done"]
    if searches:
        # One search per model solved (several when solve() splits the
        # scenario in parts); the result, when it came, overrides these.
        statuses = [e["status"] for e in searches]
        plans = all(status in ("OPTIMAL", "FEASIBLE") for status in statuses)
        record |= {
            "searches": len(searches),
            "search_done_s": searches[-1]["t"],
            "search_status": (
                "OPTIMAL"
                if all(status == "OPTIMAL" for status in statuses)
                else "FEASIBLE"
                if plans
                else next(st for st in statuses if st not in ("OPTIMAL", "FEASIBLE"))
            ),
            "search_s": sum(e["wall_s"] for e in searches),
            "deterministic": sum(e["deterministic"] for e in searches),
            "solutions": sum(e["solutions"] for e in searches),
            "variables": sum(e["size"].get("variables", 0) for e in searches),
            "constraints": sum(e["size"].get("constraints", 0) for e in searches),
        }
        if plans:
            record["objective"] = sum(e["objective"] for e in searches)
            record["bound"] = sum(e["bound"] for e in searches)
    for event in events:
        kind = event["event"]
        if kind == "started":
            record["startup_s"] = event["t"]
        elif kind == "generated":
            record["generate_s"] = event["seconds"]
            record["planner_dir"] = event.get("planner")
            for key in ("classes", "hosts", "teachers", "crowded_hosts", "closed_hosts"):
                record[key] = event[key]
        elif kind == "search_started" and "search_started_s" not in record:
            record["search_started_s"] = event["t"]
        elif kind == "result":
            record |= {
                "end_to_end_s": event["t"],
                "call_s": event["call_s"],
                "status": event["status"],
                "build_s": event["build_s"],
                "search_s": event["search_s"],
                "deterministic": event["deterministic"],
                "visits_s": event["visits"].get("wall_time_s"),
                "visits_status": event["visits"].get("status"),
                "visits_missed": event["visits"].get("missed"),
                "has_plan": event["has_plan"],
                "validated": event["validated"],
                "violations": event["violations"],
                "visits_checked": event["visits_checked"],
                "conflicts": event["conflicts"],
                "instance_hash": event.get("instance_hash"),
            }
            if event["objective"] is not None:
                record |= {"objective": event["objective"], "bound": event["bound"]}
            if event["size"]:
                size = event["size"]
                record |= {
                    "variables": size.get("variables"),
                    "constraints": size.get("constraints"),
                    "groups": size.get("groups"),
                    "parts": size.get("parts", 1),
                }
    starts = sorted(e["t"] for e in events if e["event"] == "search_started")
    whole = _whole_plans(progress, starts, record.get("parts"), "status" in record)
    if progress:
        record["first_part_solution_s"] = progress[0]["t"]
        record["trace"] = [
            [round(p["t"], 3), p["objective"], p["bound"]] for p in _thin(whole, TRACE_POINTS)
        ]
    if whole:
        record["first_solution_s"] = whole[0]["t"]
        record["first_solution_call_s"] = whole[0]["call_s"]
    if starts:
        at = starts[0] + limit_s
        ended = record.get("search_done_s")
        if ended is not None and (ended <= at or clock == "wall"):
            if record.get("objective") is not None and record.get("bound") is not None:
                record["gap_at_limit"] = _gap(record["objective"], record["bound"])
        else:
            before = [p for p in whole if p["t"] <= at]
            if before:
                record["gap_at_limit"] = _gap(before[-1]["objective"], before[-1]["bound"])
    if record.get("objective") is not None and record.get("bound") is not None:
        record["gap"] = _gap(record["objective"], record["bound"])
    if record.get("search_status") == "OPTIMAL" and "search_done_s" in record:
        record["optimum_s"] = record["search_done_s"]
    if "call_s" in record and "build_s" in record:
        record["rest_s"] = max(
            0.0,
            record["call_s"]
            - record["build_s"]
            - record.get("search_s", 0.0)
            - (record.get("visits_s") or 0.0),
        )
    return record


def _gap(objective: float, bound: float) -> float:
    return abs(objective - bound) / max(1.0, abs(objective))


def _whole_plans(
    progress: list[dict[str, Any]], starts: list[float], parts: int | None, finished: bool
) -> list[dict[str, Any]]:
    """The progress events that report a plan of every student.

    A ``complete`` flag on the progress, when ``solve()`` gives one, says so.
    Otherwise: when there was one search per independent part (parts solved
    one after the other, each reporting the parts done plus its own), only
    the events of the last part; when there were more searches than parts
    (several passes, which report the whole plan only), every event.
    """
    flags = [p.get("complete") for p in progress]
    if any(flag is not None for flag in flags):
        return [p for p in progress if p.get("complete")]
    if parts is None:
        return progress if finished and len(starts) <= 1 else []
    if parts > 1 and len(starts) == parts:
        return [p for p in progress if _part_of(p, starts) >= parts]
    return progress


def _part_of(event: dict[str, Any], starts: list[float]) -> int:
    """1 for an event of the first search, 2 of the second..."""
    return sum(start <= event["t"] for start in starts)


def _thin(items: list[dict[str, Any]], keep: int) -> list[dict[str, Any]]:
    if len(items) <= keep:
        return items
    step = (len(items) - 1) / (keep - 1)
    return [items[round(k * step)] for k in range(keep)]


def limit_for(students: int, override: float | None, quick: bool) -> float:
    if override is not None:
        return override
    if quick:
        return QUICK_LIMIT_S
    return LIMITS_S.get(students, DEFAULT_LIMIT_S)


def benchmark(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every (size, seed) run of this invocation, appended to the runs file.

    With ``--against REVISION``, every (size, seed) is run on that commit
    (label ``--against-label``) and on the committed HEAD (``--label``),
    one after the other and in turn which goes first: the two labels'
    ratios are then measured in one run, on the same machine's state.
    """
    if args.against:
        with snapshot(args.against) as before, snapshot() as after:
            sides = [(args.against_label, *before), (args.label, *after)]
            return _benchmark(args, sides)
    if args.snapshot:
        with snapshot() as (code, commit):
            return _benchmark(args, [(args.label, code, commit)])
    return _benchmark(args, [(args.label, None, None)])


def _benchmark(
    args: argparse.Namespace, sides: Sequence[tuple[str, Path | None, str | None]]
) -> list[dict[str, Any]]:
    run_id = dt.datetime.now().isoformat(timespec="seconds")
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    records = []
    turn = 0
    for students in sizes:
        limit = limit_for(students, args.time_limit, args.quick)
        seeds = (
            args.seeds_big
            if args.seeds_big is not None and students >= args.big_from
            else args.seeds
        )
        for seed in seeds:
            # Alternate which side goes first, so that a drift of the
            # machine's speed during the run weighs on both alike.
            ordered = list(sides) if turn % 2 == 0 else list(sides)[::-1]
            turn += 1
            for label, code, commit in ordered:
                print(
                    f"[{time.strftime('%H:%M:%S')}] {label}: {students} students, "
                    f"solver seed {seed}, limit {limit:g} s ...",
                    flush=True,
                )
                where = machine(code, commit)  # per run: the working tree may change meanwhile
                record = run_one(students, seed, args.instance_seed, limit, args.clock, code)
                record |= {"label": label, "run_id": run_id, "quick": args.quick, **where}
                records.append(record)
                with RUNS_FILE.open("a", encoding="utf-8") as runs:
                    runs.write(json.dumps(record, ensure_ascii=False) + "\n")
                print("   ", _one_line(record), flush=True)
    return records


def _one_line(record: dict[str, Any]) -> str:
    keys = (
        "outcome",
        "status",
        "build_s",
        "first_solution_s",
        "gap_at_limit",
        "gap",
        "visits_s",
        "end_to_end_s",
        "peak_mib",
        "validated",
    )
    return ", ".join(f"{k}={_plain(record.get(k))}" for k in keys)


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


# -------------------------------------------------------------------- report


def load_runs(path: Path = RUNS_FILE) -> list[dict[str, Any]]:
    """Every recorded run, its figures read again from its raw events."""
    if not path.exists():
        return []
    runs = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    for run in runs:
        if run.get("events"):
            run |= digest(run["events"], run["time_limit_s"], run["clock"])
    return runs


def latest_by_label(runs: list[dict[str, Any]]) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """Per (label, size): the runs of the latest invocation that ran that size."""
    latest: dict[tuple[str, int], str] = {}
    for run in runs:
        key = (run["label"], run["students"])
        latest[key] = max(latest.get(key, ""), run["run_id"])
    return {
        key: [r for r in runs if (r["label"], r["students"]) == key and r["run_id"] == run_id]
        for key, run_id in sorted(latest.items(), key=lambda item: (item[0][1], item[1]))
    }


def median(runs: Iterable[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if isinstance(r.get(key), int | float)]
    return statistics.median(values) if values else None


def _s(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * value:.2f} %"


def _count(runs: list[dict[str, Any]], key: str) -> str:
    """`` (k/n)`` when only k of the n runs have the figure."""
    have = sum(isinstance(r.get(key), int | float) for r in runs)
    return "" if have == len(runs) else f" ({have}/{len(runs)})"


def _validated(runs: list[dict[str, Any]]) -> str:
    plans = [r for r in runs if r.get("has_plan")]
    good = sum(r.get("validated") is True for r in plans)
    return f"{good}/{len(plans)} plans" + ("" if good == len(plans) else " — FAILED")


RUN_COLUMNS: Final = (
    "| run | outcome | status | build (s) | first plan (s) | first plan, from solve() (s) "
    "| search (s) | det. time | optimum at (s) | gap at the limit | gap at the end "
    "| objective | bound "
    "| visits (s) | end to end (s) | peak memory (MiB) | variables | constraints | validated |"
)


def _status(run: dict[str, Any]) -> str:
    """The final status, and why a run whose search found a plan has none."""
    status = str(run.get("status", "—"))
    if run.get("has_plan") is False and run.get("search_status") in ("OPTIMAL", "FEASIBLE"):
        missed = run.get("visits_missed")
        why = f"R12: {missed} visits unplaced" if missed else f"{run.get('conflicts')} conflicts"
        return f"{status} (search {run['search_status']}; {why}: no plan)"
    return status


def _parts(run: dict[str, Any]) -> str:
    parts = run.get("parts") or run.get("searches") or 1
    if parts == 1:
        return "one CP-SAT model"
    return (
        f"`solve()` split it into {parts} independent parts, each searched on its own "
        "(variables and constraints summed over the parts)"
    )


def size_section(label: str, runs: list[dict[str, Any]]) -> list[str]:
    head = runs[0]
    lines = [
        f"### {head['students']} students — `{label}` ({head['run_id']}, {_code(head)})",
        "",
        f"{head.get('classes', '—')} classes, {head.get('hosts', '—')} hosts "
        f"({head.get('crowded_hosts', '—')} crowded, {head.get('closed_hosts', '—')} with "
        f"closures), {head.get('teachers', '—')} teachers; instance seed "
        f"{head['instance_seed']}, {head['workers']} workers, limit {head['time_limit_s']:g} s "
        f"({head['clock']} clock); {_parts(head)}.",
        "",
        RUN_COLUMNS,
        "|" + "---|" * RUN_COLUMNS.count(" | ") + "---|",
    ]
    for r in runs:
        lines.append(
            f"| seed {r['solver_seed']} | {r['outcome']} | {_status(r)} "
            f"| {_s(r.get('build_s'))} | {_s(r.get('first_solution_s'))} "
            f"| {_s(r.get('first_solution_call_s'))} | {_s(r.get('search_s'))} "
            f"| {_s(r.get('deterministic'))} | {_s(r.get('optimum_s'))} "
            f"| {_pct(r.get('gap_at_limit'))} | {_pct(r.get('gap'))} "
            f"| {_s(r.get('objective'), 0)} | {_s(r.get('bound'), 0)} | {_s(r.get('visits_s'))} "
            f"| {_s(r.get('end_to_end_s'))} | {_s(r.get('peak_mib'), 0)} "
            f"| {_s(r.get('variables'))} | {_s(r.get('constraints'))} "
            f"| {_s(r.get('validated'))} |"
        )

    def m(key: str, digits: int = 2) -> str:
        return _s(median(runs, key), digits) + _count(runs, key)

    statuses = "/".join(sorted({str(r.get("status", r["outcome"])) for r in runs}))
    lines.append(
        f"| **median** | | {statuses} | {m('build_s')} | {m('first_solution_s')} "
        f"| {m('first_solution_call_s')} | {m('search_s')} | {m('deterministic')} "
        f"| {m('optimum_s')} | {_pct(median(runs, 'gap_at_limit'))}{_count(runs, 'gap_at_limit')} "
        f"| {_pct(median(runs, 'gap'))}{_count(runs, 'gap')} "
        f"| {m('objective', 0)} | {m('bound', 0)} | {m('visits_s')} | {m('end_to_end_s')} "
        f"| {m('peak_mib', 0)} | {m('variables', 0)} | {m('constraints', 0)} "
        f"| {_validated(runs)} |"
    )
    return [*lines, ""]


#: (size, what, key, limit, how it is read); measured on the medians.
TARGETS: Final = (
    (35, "proven optimal, end to end < 5 s", "end_to_end_s", 5.0, "optimal"),
    (350, "first valid plan < 5 s", "first_solution_s", 5.0, "plan"),
    (350, "gap < 1 % at 60 s", "gap_at_limit", 0.01, "max"),
    (3500, "first valid plan < 30 s", "first_solution_s", 30.0, "plan"),
    (3500, "gap < 3 % at 120 s", "gap_at_limit", 0.03, "max"),
    (3500, "peak memory < 4 GiB", "peak_mib", 4096.0, "max"),
)


def targets_section(label: str, latest: dict[tuple[str, int], list[dict[str, Any]]]) -> list[str]:
    lines = [
        f"## Targets of issue 6 — `{label}`",
        "",
        "Medians over the solver seeds of the latest run. A figure a run never reached "
        "(no plan, killed) counts as a miss.",
        "",
        "| size | target | measured (median) | met? |",
        "|---|---|---|---|",
    ]
    for size, what, key, bound, how in TARGETS:
        runs = latest.get((label, size))
        if not runs:
            lines.append(f"| {size} | {what} | not run | — |")
            continue
        value = median(runs, key)
        complete = all(isinstance(r.get(key), int | float) for r in runs)
        met = value is not None and complete and value < bound
        if how == "optimal":
            met = met and all(r.get("status") == "OPTIMAL" for r in runs)
        if how == "plan":
            met = met and all(r.get("validated") is True for r in runs)
        gap = key.startswith("gap")
        shown = _pct(value) if gap else _s(value)
        unit = "" if gap else (" MiB" if key == "peak_mib" else " s")
        extra = _count(runs, key)
        if how == "optimal":
            optimal = sum(r.get("status") == "OPTIMAL" for r in runs)
            extra += f", {optimal}/{len(runs)} OPTIMAL"
        if how == "plan":
            valid = sum(r.get("validated") is True for r in runs)
            extra += f", {valid}/{len(runs)} runs ended with a valid plan"
        lines.append(
            f"| {size} | {what} | {shown}{unit if value is not None else ''}{extra} "
            f"| {'yes' if met else 'no'} |"
        )
    every = [r for key, runs in latest.items() if key[0] == label for r in runs]
    plans = [r for r in every if r.get("has_plan")]
    good = sum(r.get("validated") is True for r in plans)
    lines.append(
        f"| all | every plan passes the independent validator | {good}/{len(plans)} plans "
        f"valid ({len(every) - len(plans)} of {len(every)} runs ended without a plan) "
        f"| {'yes' if good == len(plans) else 'no'} |"
    )
    return [*lines, ""]


COMPARED: Final = (
    ("build_s", "build (s)"),
    ("first_solution_s", "first plan (s)"),
    ("gap_at_limit", "gap at the limit"),
    ("gap", "gap at the end"),
    ("end_to_end_s", "end to end (s)"),
    ("peak_mib", "peak memory (MiB)"),
)


def comparison_section(
    latest: dict[tuple[str, int], list[dict[str, Any]]], reference: str
) -> list[str]:
    labels = sorted({label for label, _ in latest})
    if len(labels) < 2:
        return [
            "## Labels compared",
            "",
            f"Only one label so far (`{labels[0] if labels else '—'}`): run again with "
            "`--label NAME` to compare a formulation variant with it.",
            "",
        ]
    ref = reference if reference in labels else labels[0]
    lines = [
        "## Labels compared",
        "",
        f"Medians of the latest run of each label; ratio = label / `{ref}` on the same size "
        "(below 1 is better). Runs with different limits or seeds are not comparable: "
        "check the columns.",
        "",
        "| size | label | commit | limit (s) | seeds | "
        + " | ".join(f"{title} | ratio" for _, title in COMPARED)
        + " |",
        "|---|---|---|---|---|" + "---|---|" * len(COMPARED),
    ]
    sizes = sorted({size for _, size in latest})
    for size in sizes:
        base = latest.get((ref, size))
        for label in labels:
            runs = latest.get((label, size))
            if not runs:
                continue
            cells = []
            for key, _ in COMPARED:
                value = median(runs, key)
                base_value = median(base, key) if base else None
                ratio = f"{value / base_value:.2f}" if value is not None and base_value else "—"
                cells.append(f"{_pct(value) if key.startswith('gap') else _s(value)} | {ratio}")
            head = runs[0]
            lines.append(
                f"| {size} | `{label}` | {head['commit']}{'+' if head['dirty'] else ''} "
                f"| {head['time_limit_s']:g} | {len(runs)} | " + " | ".join(cells) + " |"
            )
    return [*lines, ""]


def _changes(run: dict[str, Any]) -> str:
    if run.get("snapshot"):
        return " (a snapshot of HEAD: uncommitted changes left out)"
    if not run.get("dirty"):
        return ""
    return " with uncommitted changes (" + ", ".join(run.get("changed", [])) + ")"


def _code(run: dict[str, Any]) -> str:
    """``commit`` (+ when the working tree was dirty) and the code digest."""
    dirty = " + uncommitted changes" if run.get("dirty") else ""
    return f"commit {run.get('commit', '—')}{dirty}, code {run.get('code_hash', '—')}"


def render(runs: list[dict[str, Any]], label: str, reference: str) -> str:
    latest = latest_by_label(runs)
    mine = {key: rs for key, rs in latest.items() if key[0] == label}
    head = next(iter(mine.values()))[0] if mine else (runs[-1] if runs else {})
    lines = [
        "# Scale benchmark",
        "",
        "Measured by `benchmarks/scale.py` (instances from `benchmarks/instances.py`); "
        f"this page shows the label `{label}` in detail and compares the latest run of every "
        "label. Raw runs: `docs/benchmarks-runs.jsonl` (one JSON line per solve, appended). "
        "Plot: [benchmarks-scaling.html](benchmarks-scaling.html) "
        "(![scaling](benchmarks-scaling.png)).",
        "",
        "The labels, in order: `baseline` one CP-SAT model of the whole; `by-class` exact "
        "decomposition into independent parts, then class by class (first plan in the places "
        "the others leave, class relaxation bound, block descent, the whole model warm-started); "
        "`pairs` the descent also re-solves pairs of classes sharing a crowded host, the whole "
        "school runs on `max_lp` in a second lane for the bound, parts are first-planned and "
        "bounded one per worker, the visit stage on `max_lp`; `two-sweeps` (rejected: the gap "
        "at the limit did not move and the final one doubled at 1,400) improved each part of "
        "an académie in two sweeps of half its share; `short-first` the descent's first "
        "round takes short steps (0.75 s per class), and each school of an académie has its "
        "bound lane's search in the first pass (its bound early, no lane later); `lb-tree` "
        "the bound lane's whole school runs on CP-SAT's `lb_tree_search` worker instead of "
        "`max_lp`; `lb-tree-alone` the same worker gets the lane's whole budget (the classes "
        "alone only as a fallback); `greedy-visits` the visit stage's referent model starts "
        "from a greedy choice that fits every teacher's capacity and has 1 s per team "
        "(docs/visits.md), and a stop never cuts the first plan short; `indexed-plan` the "
        "plan's lookups per student and per host are indexed, so that the validator, the "
        "figures and the exports after the search no longer scan the whole plan for each "
        "student (docs/post-solve.md), and a plan not proven optimal states the cost of its "
        "days; `parts-at-once` the schools of an académie are improved at once, one per "
        "worker, each on one thread with the budget it had (before: one after the other, each "
        "batching its re-solves two at a time), measured side by side with `indexed-plan` in "
        "one run (`--against`); `full-hints` a warm start hints every variable of the model "
        "(block and period starts, split weeks, rest windows: their least value given the "
        "days), not only the days, measured against `parts-at-once` in one run. What each "
        "part of the class-by-class search brings, side by side in one run on one "
        "deterministic budget: [benchmarks-variants.md](benchmarks-variants.md).",
        "",
        f"Machine: {head.get('cores', '—')} cores ({head.get('cpu', '—')}), Python "
        f"{head.get('python', '—')}, OR-Tools {head.get('ortools', '—')}; run "
        f"{head.get('run_id', '—')} on commit {head.get('commit', '—')}{_changes(head)}; "
        f"code digest {head.get('code_hash', '—')} (sha-256 of `models/` and `planner/`).",
        "",
        "How to read the figures:",
        "",
        "- every solve runs in a fresh process with 2 CP-SAT workers; *first plan* and "
        "*optimum at* count from that process's start (Python start-up, imports, instance "
        "generation, calendar and model build included); *first plan, from solve()* from the "
        "call of `planner.solve.solve`. The first plan is the first progress report of a plan "
        "that covers every student (when `solve()` searches independent parts one after the "
        "other, each reporting only the parts done so far, the first solution of the last "
        "part); the independent validator checks the plan each run returns (*validated*);",
        "- *limit*: the solve's own time limit (`time_limit_s`, CP-SAT deterministic time, "
        "shared out between the parts; *det. time* is what the search used) unless the clock "
        "says *wall* (a timer then stops the search that many seconds after it started). "
        "*search (s)* is the wall time the search took, all parts together;",
        "- *gap at the limit* reads each run the limit's number of wall-clock seconds after "
        "its first search started (the targets' reading): the final gap if the search had "
        "ended, else the gap of the last whole plan found by then (an upper bound); — when "
        "there was no whole plan yet. *Gap at the end* = |objective − bound| / |objective| "
        "when the search ended;",
        "- *visits (s)* is the second stage (teachers' visits, R12), after the search, under "
        "the same deterministic limit. *End to end* = process start to `solve()` returning "
        "(plan validated);",
        "- a run still going after 4 × its limit + 300 s is killed (*killed*): its search "
        "figures are kept when the search had ended;",
        "- peak memory is the child process's maximum resident set size (`ru_maxrss`).",
        "",
        *targets_section(label, latest),
        *comparison_section(latest, reference),
        "## Runs per size",
        "",
    ]
    for (run_label, _), size_runs in latest.items():
        if run_label == label:
            lines += size_section(run_label, size_runs)
    others = [(key, rs) for key, rs in latest.items() if key[0] != label]
    if others:
        lines += ["## Other labels (latest run of each)", ""]
        for (run_label, _), size_runs in others:
            lines += size_section(run_label, size_runs)
    return "\n".join(lines)


# ---------------------------------------------------------------------- plot

#: The issue's targets drawn on the plot: students -> seconds, students -> gap (%).
FIRST_PLAN_TARGETS: Final = {350: 5.0, 3500: 30.0}
GAP_TARGETS: Final = {350: 1.0, 3500: 3.0}
_COLOURS: Final = ("#1f4e9c", "#e07b00", "#2a9d3f", "#8e3fb0", "#c0392b", "#3fa7d6")


def scaling_figure(runs: list[dict[str, Any]]) -> Any:
    """Time to first plan and gap at the limit against the number of
    students, one colour per label (medians as lines, each run as a dot)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    latest = latest_by_label(runs)
    labels = sorted({label for label, _ in latest})
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            "Time to the first plan of every student (from process start)",
            "Gap at the time limit (default 60 s; 120 s for 3,500 students)",
        ),
        horizontal_spacing=0.1,
    )
    panels = (
        (1, "first_solution_s", 1.0, "no plan found: drawn at the run's end"),
        (2, "gap_at_limit", 100.0, "no plan of every student at the limit: drawn at 100 %"),
    )
    shown: set[str] = set()
    for number, label in enumerate(labels):
        colour = _COLOURS[number % len(_COLOURS)]
        sizes = sorted(size for run_label, size in latest if run_label == label)
        dots = [r for size in sizes for r in latest[(label, size)]]
        head = dots[0]
        limits = "/".join(f"{v:g}" for v in sorted({r["time_limit_s"] for r in dots}))
        name = f"{label} ({head['commit']}{'+' if head.get('dirty') else ''}, limit {limits} s)"
        for col, key, scale, missing_name in panels:
            xs, ys = [], []
            for size in sizes:
                value = median(latest[(label, size)], key)
                if value is not None:
                    xs.append(size)
                    ys.append(value * scale)
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines+markers",
                    name=f"{name}: median of the seeds",
                    legendgroup=label,
                    showlegend=_first(f"{name}: median of the seeds", shown),
                    line={"color": colour, "width": 2},
                    marker={"size": 9},
                ),
                row=1,
                col=col,
            )
            for ended, symbol, suffix in (
                (True, "circle", "each seed"),
                (False, "circle-open", "each seed; the run then ended without a plan"),
            ):
                seen = [
                    r
                    for r in dots
                    if r.get(key) is not None and (r.get("validated") is True) == ended
                ]
                if not seen:
                    continue
                fig.add_trace(
                    go.Scatter(
                        x=[r["students"] for r in seen],
                        y=[r[key] * scale for r in seen],
                        mode="markers",
                        name=f"{label}: {suffix}",
                        legendgroup=f"{label}-{symbol}",
                        showlegend=_first(f"{label}: {suffix}", shown),
                        marker={
                            "color": colour,
                            "size": 7 if ended else 12,
                            "opacity": 0.5 if ended else 1.0,
                            "symbol": symbol,
                            "line": {"width": 2, "color": colour},
                        },
                        text=[f"seed {r['solver_seed']}: {_status(r)}" for r in seen],
                    ),
                    row=1,
                    col=col,
                )
            missing = [r for r in dots if r.get(key) is None]
            if missing:
                fig.add_trace(
                    go.Scatter(
                        x=[r["students"] for r in missing],
                        y=[_ceiling(r, key) for r in missing],
                        mode="markers",
                        name=f"{label}: {missing_name}",
                        legendgroup=f"{label}-missing-{col}",
                        showlegend=_first(f"{label}: {missing_name}", shown),
                        marker={"color": colour, "size": 11, "symbol": "x"},
                        text=[f"seed {r['solver_seed']}: {_status(r)}" for r in missing],
                    ),
                    row=1,
                    col=col,
                )
    for col, targets, unit in ((1, FIRST_PLAN_TARGETS, " s"), (2, GAP_TARGETS, " %")):
        fig.add_trace(
            go.Scatter(
                x=list(targets),
                y=list(targets.values()),
                mode="markers+text",
                name="issue 6 target",
                legendgroup="target",
                showlegend=_first("issue 6 target", shown),
                marker={"symbol": "star", "size": 14, "color": "#c0392b"},
                text=[f"target {v:g}{unit}" for v in targets.values()],
                textposition="middle right",
                textfont={"color": "#c0392b"},
            ),
            row=1,
            col=col,
        )
    fig.update_xaxes(
        type="log",
        title_text="students (log scale)",
        tickvals=list(SIZES),
        range=[1.3, 3.85],
    )
    fig.update_yaxes(
        type="log",
        title_text="seconds (log scale)",
        tickvals=[0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
        row=1,
        col=1,
    )
    fig.update_yaxes(title_text="gap at the limit (%)", range=[-3, 105], row=1, col=2)
    fig.update_layout(
        title="stageplan — scaling from a class to an académie (2 CP-SAT workers, "
        f"{os.cpu_count()} cores)",
        width=1400,
        height=680,
        template="plotly_white",
        legend={"orientation": "h", "y": -0.18},
        margin={"b": 150},
    )
    return fig


def _first(name: str, shown: set[str]) -> bool:
    """Whether a legend entry is new (each entry shown once, in either panel)."""
    new = name not in shown
    shown.add(name)
    return new


def _ceiling(run: dict[str, Any], key: str) -> float:
    """Where a run without the figure is drawn: its end (time) or 100 % (gap)."""
    if key.startswith("gap"):
        return 100.0
    return float(run.get("end_to_end_s") or run.get("process_s") or 1.0)


def write_plot(runs: list[dict[str, Any]]) -> None:
    sys.path.insert(0, str(ROOT))
    from dashboard.export_figures import FigureExportError, gantt_html, gantt_png

    fig = scaling_figure(runs)
    PLOT_HTML.write_text(gantt_html(fig), encoding="utf-8")
    try:
        PLOT_PNG.write_bytes(gantt_png(fig))
    except FigureExportError as error:
        print(f"PNG not written: {error}", file=sys.stderr)


# ---------------------------------------------------------------------- main


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", help="numbers of students")
    parser.add_argument("--seeds", type=int, nargs="+", help="solver seeds (default 0 1 2)")
    parser.add_argument(
        "--seeds-big", type=int, nargs="+", help="solver seeds for sizes >= --big-from"
    )
    parser.add_argument("--big-from", type=int, default=1400)
    parser.add_argument("--instance-seed", type=int, default=INSTANCE_SEED)
    parser.add_argument("--time-limit", type=float, help="seconds, for every size")
    parser.add_argument("--clock", choices=("wall", "deterministic"), default="deterministic")
    parser.add_argument(
        "--label", help="tag of this run (e.g. baseline; default dev), or the label to report"
    )
    parser.add_argument("--reference", default="baseline", help="label the ratios refer to")
    parser.add_argument("--quick", action="store_true", help="35 and 350, one seed, 20 s")
    parser.add_argument("--report-only", action="store_true", help="redraw from the runs file")
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="run the committed HEAD (git archive), not the working tree's changes",
    )
    parser.add_argument(
        "--against",
        metavar="REVISION",
        help="also run this commit, side by side with the committed HEAD, in one run",
    )
    parser.add_argument(
        "--against-label", default="before", help="label of the --against commit's runs"
    )
    # The child's own arguments (one solve in a fresh process).
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--students", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--solver-seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=WORKERS, help=argparse.SUPPRESS)
    parser.add_argument("--spawned-at", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--events", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seeds is None:
        args.seeds = list(SEEDS[:1] if args.quick else SEEDS)
    if args.label is None and not args.report_only:
        args.label = "dev"
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse(argv)
    if args.child:
        child_main(args)
        return
    if not args.report_only:
        benchmark(args)
    runs = load_runs()
    if not runs:
        sys.exit("no runs recorded yet")
    label = args.label or runs[-1]["label"]  # --report-only: the latest run's label
    REPORT.write_text(render(runs, label, args.reference) + "\n", encoding="utf-8")
    write_plot(runs)
    print(f"wrote {REPORT.relative_to(ROOT)}, {PLOT_HTML.name}, {PLOT_PNG.name}")


if __name__ == "__main__":
    main()
