"""Session state of the dashboard: the current scenario, its results, the
solved scenarios kept for comparison and the background solve. No UI here.

Every page reads the state through these helpers. A solve runs off the
script thread in a :class:`SolveJob` (a ``threading.Thread`` with a
thread-safe progress record); the pages poll it. Results are cached by a
hash of the scenario and of the solver settings, so that re-running a page
never solves an unchanged scenario again.

Sessions never share state: everything of a teacher's session (scenario,
results, cache, job, the file it was loaded from and that file's version)
lives in ``st.session_state``. Process-wide are only the calendars (keyed
by the full scenario hash: identical scenarios share one) and the
:class:`SolveQueue`, which lets at most ``STAGEPLAN_MAX_SOLVES`` solves run
at once (default: one per two cores, at least one), first come first
served, with at most ``STAGEPLAN_MAX_WAITING`` (default 8) waiting.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections import deque
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.scenario_edit import can_overwrite
from models import Calendar, Plan, Scenario, ScenarioError, load_scenario
from planner import store
from planner.calendar import build_calendar
from planner.formulation import Progress, StopHandle
from planner.replan import ReplanResult, replan
from planner.solve import SolveResult, SolveSettings, solve

ROOT = Path(__file__).resolve().parent.parent
#: Where bundled scenarios are read and new ones saved.
SCENARIOS_DIR = Path(os.environ.get("STAGEPLAN_SCENARIOS_DIR", ROOT / "scenarios"))
DEFAULT_SCENARIO = SCENARIOS_DIR / "default.yaml"
#: Environment variable that makes the Calcul page solve on the script thread (tests).
SYNC_ENV = "STAGEPLAN_SYNC_SOLVE"

K_SCENARIO = "stageplan.scenario"
K_LABEL = "stageplan.label"
K_SOURCE = "stageplan.source"
K_REVISION = "stageplan.revision"
K_CACHE = "stageplan.cache"
K_LAST = "stageplan.last"
K_SAVED = "stageplan.saved"
K_SAVED_SCENARIOS = "stageplan.saved_scenarios"
K_JOB = "stageplan.job"
K_SYNC = "stageplan.sync_solve"
K_NOTICE = "stageplan.notice"
K_PREVIOUS = "stageplan.previous"
K_REPLANS = "stageplan.replans"
K_ORIGIN = "stageplan.origin"


def _session() -> MutableMapping[str, Any]:
    return st.session_state  # type: ignore[return-value]  # a mapping at run time


# --- the current scenario ---


def ensure_initialised() -> None:
    """On first load, the bundled default scenario is the current one."""
    session = _session()
    if K_SCENARIO not in session:
        set_scenario(load_scenario(DEFAULT_SCENARIO), DEFAULT_SCENARIO.stem, DEFAULT_SCENARIO)


def set_scenario(scenario: Scenario, label: str, source: Path | None = None) -> None:
    """Make ``scenario`` the current one, under ``label`` (its name in comparisons)."""
    session = _session()
    if K_SCENARIO in session:
        _keep_previous(session[K_SCENARIO], str(session.get(K_LABEL, "")))
    session[K_SCENARIO] = scenario
    session[K_LABEL] = label
    session[K_SOURCE] = str(source) if source is not None else ""
    session[K_REVISION] = int(session.get(K_REVISION, 0)) + 1
    if source is not None:  # edits and imports keep the file « Enregistrer » writes to
        session[K_ORIGIN] = _origin_of(scenario, Path(source))


def current_scenario() -> Scenario:
    ensure_initialised()
    scenario: Scenario = _session()[K_SCENARIO]
    return scenario


def current_label() -> str:
    ensure_initialised()
    return str(_session()[K_LABEL])


def current_source() -> str:
    """The file the current scenario comes from ('' once edited or uploaded)."""
    ensure_initialised()
    return str(_session().get(K_SOURCE, ""))


@dataclass(frozen=True)
class Origin:
    """The file « Enregistrer » replaces, and its version when this session
    read it (the save is refused if the file changed since)."""

    path: Path
    version: store.Version


def scenario_origin() -> Origin | None:
    """The file the current scenario was loaded from (or last saved to), if
    « Enregistrer » may replace it (see :func:`dashboard.scenario_edit.can_overwrite`)."""
    ensure_initialised()
    found: Origin | None = _session().get(K_ORIGIN)
    return found


def set_origin(path: Path, version: store.Version) -> None:
    """After a save: the file and version later saves check against."""
    _session()[K_ORIGIN] = Origin(Path(path), version)


def _origin_of(scenario: Scenario, source: Path) -> Origin | None:
    """The origin of a scenario just loaded from ``source``, if it may be
    replaced. The version is confirmed by reading the file again: if it
    changed meanwhile, the token is one no file has, so the first save
    meets a conflict instead of overwriting a change unseen."""
    if not can_overwrite(source, SCENARIOS_DIR):
        return None
    before = store.version_of(source)
    if before is None:
        return None
    try:
        again = load_scenario(source)
    except ScenarioError:
        return Origin(source, store.UNCONFIRMED)
    if again != scenario or store.version_of(source) != before:
        return Origin(source, store.UNCONFIRMED)
    return Origin(source, before)


def revision() -> int:
    """Changes each time the current scenario changes (widget keys use it)."""
    ensure_initialised()
    return int(_session()[K_REVISION])


def _keep_previous(scenario: Scenario, label: str) -> None:
    """Before the current scenario is replaced: keep its last plan (if any) as
    the previous plan a re-plan starts from. A scenario without a plan leaves
    the earlier previous plan in place."""
    found: SolveResult | None = _dict(K_LAST).get(scenario_hash(scenario))
    if found is not None and found.plan is not None:
        _session()[K_PREVIOUS] = PreviousPlan(scenario, label, found)


class PreviousPlan:
    """The last plan of an earlier revision of the current scenario."""

    def __init__(self, scenario: Scenario, label: str, result: SolveResult) -> None:
        self.scenario = scenario
        self.label = label
        self.result = result

    @property
    def plan(self) -> Plan:
        assert self.result.plan is not None
        return self.result.plan


def previous_plan() -> PreviousPlan | None:
    """The plan of an earlier scenario revision, when the current scenario
    differs from that revision (what « Recalculer en changeant le moins
    possible » starts from)."""
    found: PreviousPlan | None = _session().get(K_PREVIOUS)
    if found is None or scenario_hash(found.scenario) == scenario_hash(current_scenario()):
        return None
    return found


def bundled_scenarios() -> list[Path]:
    """The YAML scenarios shipped under ``scenarios/``, default first."""
    files = sorted(SCENARIOS_DIR.glob("*.yaml"))
    return sorted(files, key=lambda p: (p.name != DEFAULT_SCENARIO.name, p.name))


# --- results ---


#: Scenario fields no solve reads: changing them (a convention's status,
#: R11) keeps the plan of the scenario.
NOT_SOLVED = {"conventions", "school"}


def scenario_hash(scenario: Scenario) -> str:
    """Identity of a scenario for its plan (what no solve reads left out)."""
    return hashlib.sha256(scenario.model_dump_json(exclude=NOT_SOLVED).encode()).hexdigest()


def solve_key(scenario: Scenario, settings: SolveSettings) -> str:
    """Cache key of a solve: the scenario (but what no solve reads) and the
    settings in force."""
    text = scenario.model_dump_json(exclude=NOT_SOLVED) + json.dumps(
        asdict(settings), sort_keys=True
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _dict(key: str) -> dict[str, Any]:
    session = _session()
    if key not in session:
        session[key] = {}
    found: dict[str, Any] = session[key]
    return found


def cached_result(scenario: Scenario, settings: SolveSettings) -> SolveResult | None:
    """A finished (not stopped) solve of that scenario with those settings."""
    found: SolveResult | None = _dict(K_CACHE).get(solve_key(scenario, settings))
    return found


def current_result() -> SolveResult | None:
    """The last finished solve of the current scenario."""
    found: SolveResult | None = _dict(K_LAST).get(scenario_hash(current_scenario()))
    return found


def saved_results() -> dict[str, SolveResult]:
    """Solved scenarios kept for comparison, keyed by label."""
    return _dict(K_SAVED)


def saved_scenarios() -> dict[str, Scenario]:
    """The scenario of each saved result, keyed by the same label."""
    return _dict(K_SAVED_SCENARIOS)


def replan_outcome(scenario: Scenario, result: SolveResult) -> tuple[ReplanResult, str] | None:
    """The re-plan of ``scenario`` (and the label of the plan it started
    from) that gave ``result``, if ``result`` comes from a re-plan."""
    found: tuple[ReplanResult, str] | None = _dict(K_REPLANS).get(scenario_hash(scenario))
    if found is None or found[0].result is not result:
        return None
    return found


def record_result(
    scenario: Scenario,
    settings: SolveSettings,
    label: str,
    result: SolveResult,
    *,
    cache: bool = True,
) -> None:
    """Keep a finished solve: last result of its scenario, saved under ``label``,
    and (unless stopped early) in the cache."""
    if cache:
        _dict(K_CACHE)[solve_key(scenario, settings)] = result
    _dict(K_LAST)[scenario_hash(scenario)] = result
    if result.plan is not None:
        saved_results()[label] = result
        saved_scenarios()[label] = scenario


def seed_values(scenario: Scenario, label: str, result: SolveResult | None) -> dict[str, Any]:
    """Session-state entries of a scenario and its result (for AppTests)."""
    values: dict[str, Any] = {
        K_SCENARIO: scenario,
        K_LABEL: label,
        K_SOURCE: "",
        K_REVISION: 1,
    }
    if result is not None:
        values[K_LAST] = {scenario_hash(scenario): result}
        values[K_CACHE] = {solve_key(scenario, result.settings): result}
        if result.plan is not None:
            values[K_SAVED] = {label: result}
            values[K_SAVED_SCENARIOS] = {label: scenario}
    return values


def set_notice(text: str, kind: str = "success") -> None:
    """A message for the next run (``success``, ``info``, ``warning`` or ``error``)."""
    _session()[K_NOTICE] = (kind, text)


def pop_notice() -> tuple[str, str] | None:
    """The pending message (kind, text), once."""
    found: tuple[str, str] | None = _session().pop(K_NOTICE, None)
    return found


_CALENDARS: dict[str, Calendar] = {}
_CALENDARS_LOCK = threading.Lock()


def calendar_of(scenario: Scenario) -> Calendar:
    """The scenario's calendar, built once per scenario (process-wide).

    Raises
    ------
    planner.calendar.CalendarError
        When the holiday data does not cover the training.
    """
    key = scenario_hash(scenario)
    with _CALENDARS_LOCK:
        found = _CALENDARS.get(key)
    if found is None:
        found = build_calendar(scenario)
        with _CALENDARS_LOCK:
            if len(_CALENDARS) > 32:
                _CALENDARS.clear()
            _CALENDARS[key] = found
    return found


# --- the queue of solves (process-wide) ---

#: Environment variable: how many solves may run at once on the server.
MAX_SOLVES_ENV = "STAGEPLAN_MAX_SOLVES"
#: Environment variable: how many solves may wait for their turn.
MAX_WAITING_ENV = "STAGEPLAN_MAX_WAITING"
#: Default of ``STAGEPLAN_MAX_WAITING``.
DEFAULT_MAX_WAITING = 8


def _env_count(name: str, default: int, least: int) -> int:
    try:
        return max(least, int(os.environ.get(name, "") or default))
    except ValueError:
        return default


def default_max_solves() -> int:
    """One solve per two cores (a CP-SAT solve keeps a core busy), at least one."""
    return max(1, (os.cpu_count() or 2) // 2)


class QueueFullError(Exception):
    """Too many solves wait already; the message is French."""


class SolveQueue:
    """At most ``limit`` solves run at once, the others wait in turn (first
    come, first served); at most ``capacity`` wait, further ones are refused.

    Shared by every session of the server (one per process); it holds the
    jobs only while they wait or run, never a session's results.
    """

    def __init__(self, limit: int, capacity: int) -> None:
        self.limit = max(1, limit)
        self.capacity = max(0, capacity)
        self._condition = threading.Condition()
        self._running = 0
        self._waiting: deque[SolveJob] = deque()
        self._admitted: set[SolveJob] = set()  # given a place to run, thread not there yet

    def submit(self, job: SolveJob) -> None:
        """Take a place in the queue for ``job`` (before its thread starts).

        Raises
        ------
        QueueFullError
            ``capacity`` solves wait already and none could start at once.
        """
        with self._condition:
            if self._running < self.limit and not self._waiting:
                self._running += 1  # a free place: it is the job's at once
                self._admitted.add(job)
                return
            if len(self._waiting) >= self.capacity:
                raise QueueFullError(
                    f"Le serveur est occupé : {self._running} calcul(s) en cours et "
                    f"{len(self._waiting)} en attente, le maximum. Réessayez dans quelques "
                    "minutes (votre scénario est conservé)."
                )
            self._waiting.append(job)

    def withdraw(self, job: SolveJob) -> None:
        """Give up ``job``'s place (its thread could not start)."""
        with self._condition:
            if job in self._admitted:
                self._admitted.discard(job)
                self._running -= 1
            elif job in self._waiting:
                self._waiting.remove(job)
            self._condition.notify_all()

    def acquire(self, job: SolveJob) -> bool:
        """Wait for ``job``'s turn; False if it was stopped while waiting."""
        with self._condition:
            if job in self._admitted:
                self._admitted.discard(job)
                return True
            if job not in self._waiting:
                self._waiting.append(job)  # run without submit (tests, scripts)
            while True:
                if self._waiting[0] is job and self._running < self.limit:
                    self._waiting.popleft()
                    self._running += 1
                    self._condition.notify_all()
                    return True  # even if stopped: CP-SAT stops at once, keeps what it has
                if job.stop_requested:
                    self._waiting.remove(job)
                    self._condition.notify_all()
                    return False
                self._condition.wait(timeout=1.0)

    def release(self) -> None:
        """A running solve has ended: the next one may start."""
        with self._condition:
            self._running -= 1
            self._condition.notify_all()

    def wake(self) -> None:
        """Let waiting jobs look again (one was stopped)."""
        with self._condition:
            self._condition.notify_all()

    def ahead(self, job: SolveJob) -> int | None:
        """Solves before ``job`` (running, then waiting ahead); None once it runs."""
        with self._condition:
            if job not in self._waiting:
                return None
            return self._running + self._waiting.index(job)

    @property
    def counts(self) -> tuple[int, int]:
        """(running, waiting) now."""
        with self._condition:
            return self._running, len(self._waiting)


#: The server's queue of solves.
SOLVE_QUEUE = SolveQueue(
    _env_count(MAX_SOLVES_ENV, default_max_solves(), 1),
    _env_count(MAX_WAITING_ENV, DEFAULT_MAX_WAITING, 0),
)


# --- the background solve ---


class SolveJob:
    """One solve of a scenario, on a background thread or on the caller's.

    The job first waits for its turn in ``queue`` (:data:`SOLVE_QUEUE` by
    default). The solver thread writes the progress and the result under a
    lock; the script thread reads them. :meth:`stop` asks CP-SAT to stop
    and keeps the best plan found so far; before its turn, it takes the job
    out of the queue (no result, :attr:`cancelled`).
    """

    def __init__(
        self,
        scenario: Scenario,
        settings: SolveSettings,
        label: str,
        queue: SolveQueue | None = None,
    ) -> None:
        self.scenario = scenario
        self.settings = settings
        self.label = label
        self.queue = queue if queue is not None else SOLVE_QUEUE
        self.handle = StopHandle()
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._result: SolveResult | None = None
        self._error: str | None = None
        self._started = time.monotonic()
        self._ended: float | None = None
        self._cancelled = False
        self._thread: threading.Thread | None = None

    def _on_progress(self, progress: Progress) -> None:
        with self._lock:
            self._progress = progress

    def run(self) -> None:
        """Wait for the turn, then solve on the calling thread (what the
        background thread runs)."""
        if not self.queue.acquire(self):
            with self._lock:
                self._cancelled = True
                self._ended = time.monotonic()
            return
        with self._lock:
            self._started = time.monotonic()  # the time spent waiting is not solving
        try:
            result = self._work()
        except Exception as error:  # shown to the teacher, never a traceback
            with self._lock:
                self._error = f"{type(error).__name__} : {error}"
                self._ended = time.monotonic()
            return
        finally:
            self.queue.release()
        with self._lock:
            self._result = result
            self._ended = time.monotonic()

    def _work(self) -> SolveResult:
        """The computation itself; subclasses change what is computed."""
        return solve(self.scenario, self.settings, self._on_progress, self.handle)

    def start(self) -> SolveJob:
        """Solve on a background (daemon) thread."""
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self.run, name="stageplan-solve", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the solve to stop; the best plan so far is kept. A job still
        waiting for its turn leaves the queue."""
        self.handle.request()
        self.queue.wake()

    @property
    def stop_requested(self) -> bool:
        return self.handle.requested

    @property
    def ahead(self) -> int | None:
        """Solves to wait for before this one starts; None once it has started."""
        with self._lock:
            if self._ended is not None:
                return None
        return self.queue.ahead(self)

    @property
    def cancelled(self) -> bool:
        """Stopped before its turn came: no result."""
        with self._lock:
            return self._cancelled

    @property
    def done(self) -> bool:
        with self._lock:
            return self._ended is not None

    @property
    def progress(self) -> Progress | None:
        with self._lock:
            return self._progress

    @property
    def result(self) -> SolveResult | None:
        with self._lock:
            return self._result

    @property
    def error(self) -> str | None:
        with self._lock:
            return self._error

    @property
    def elapsed_s(self) -> float:
        with self._lock:
            end = self._ended if self._ended is not None else time.monotonic()
        return end - self._started


class ReplanJob(SolveJob):
    """A re-plan with minimal change from ``previous`` (no live progress:
    :func:`planner.replan.replan` reports none), on a background thread."""

    def __init__(
        self,
        scenario: Scenario,
        settings: SolveSettings,
        label: str,
        previous: PreviousPlan,
        queue: SolveQueue | None = None,
    ) -> None:
        super().__init__(scenario, settings, label, queue)
        self.previous = previous
        self._outcome: ReplanResult | None = None

    def _work(self) -> SolveResult:
        outcome = replan(self.scenario, self.previous.plan, self.settings, self.handle)
        with self._lock:
            self._outcome = outcome
        return outcome.result

    @property
    def outcome(self) -> ReplanResult | None:
        with self._lock:
            return self._outcome


def sync_solve_enabled() -> bool:
    """Whether solves run on the script thread (tests only: env var or flag)."""
    return os.environ.get(SYNC_ENV, "") == "1" or bool(_session().get(K_SYNC, False))


def running_job() -> SolveJob | None:
    job: SolveJob | None = _session().get(K_JOB)
    return job


def start_solve(scenario: Scenario, settings: SolveSettings, label: str) -> SolveJob:
    """Queue a solve (background thread, or synchronous in tests) and keep its job.

    Raises
    ------
    QueueFullError
        Too many solves wait already; nothing is started.
    """
    job = SolveJob(scenario, settings, label)
    _launch(job)
    return job


def start_replan(
    scenario: Scenario, settings: SolveSettings, label: str, previous: PreviousPlan
) -> ReplanJob:
    """Queue a re-plan from ``previous`` (background thread, or synchronous in tests).

    Raises
    ------
    QueueFullError
        Too many solves wait already; nothing is started.
    """
    job = ReplanJob(scenario, settings, label, previous)
    _launch(job)
    return job


def _launch(job: SolveJob) -> None:
    job.queue.submit(job)
    _session()[K_JOB] = job
    if sync_solve_enabled():
        job.run()
        return
    try:
        job.start()
    except BaseException:
        job.queue.withdraw(job)
        del _session()[K_JOB]
        raise


def collect_finished_job() -> SolveJob | None:
    """If the solve has ended, record its result and return its job (once)."""
    job = running_job()
    if job is None or not job.done:
        return None
    del _session()[K_JOB]
    result = job.result
    if job.cancelled:
        set_notice(f"Calcul de « {job.label} » annulé avant son début.", "info")
    elif isinstance(job, ReplanJob) and job.outcome is not None and result is not None:
        # not cached: a re-plan depends on the previous plan, not only on the scenario
        record_result(job.scenario, job.settings, job.label, result, cache=False)
        _dict(K_REPLANS)[scenario_hash(job.scenario)] = (job.outcome, job.previous.label)
        set_notice(f"Recalcul en changeant le moins possible terminé pour « {job.label} ».")
    elif result is not None:
        record_result(job.scenario, job.settings, job.label, result, cache=not job.stop_requested)
        set_notice(f"Calcul terminé pour « {job.label} ».")
    else:
        set_notice(f"Le calcul a échoué : {job.error}", "error")
    return job
