"""The ``stageplan`` command: solve, check, explain, replan, whynot, export,
documents, purge, schema. Messages in French.

Personal data (RGPD): what a command is asked for (a verdict per student, a
re-plan's changes, the conflicts of an impossible scenario) names the
students; ``--pseudonyme`` (solve, replan, export) gives ids instead. The
diagnostics of a failure (an internal error) never name anyone: they give
the kind of error and where it was raised, not its message.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from models import PlanStatus, Scenario, ScenarioError, load_scenario

from .calendar import CalendarError, build_calendar
from .formulation import Progress
from .locks import dates_text
from .plan_io import PlanFileError, PlanWriteError, read_plan, write_plan
from .privacy import pseudonymise, pseudonymise_solve_info
from .replan import replan
from .solve import SolveResult, SolveSettings, solve
from .validate import Verdict, format_verdict, validate_plan

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_INVALID_SCENARIO = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN_IN_TIME = 4
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE of sysexits.h


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``stageplan`` and ``python -m planner``."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        # The reader went away (``stageplan schema | head``): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    except Exception as error:  # a bug: say so in one line, not a traceback
        if os.environ.get("STAGEPLAN_DEBUG"):
            raise
        print(internal_error_text(error), file=sys.stderr)
        code = EXIT_INTERNAL_ERROR
    return code


def internal_error_text(error: BaseException) -> str:
    """The one-line report of a bug, without the error's message.

    The message may quote a student's name or a tutor's e-mail (a value of
    the scenario): the line gives the kind of error and where it was raised
    (file, line, function), enough to report it; ``STAGEPLAN_DEBUG=1``
    shows the whole traceback on the user's own terminal.
    """
    frames = traceback.extract_tb(error.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" dans {Path(last.filename).name}, ligne {last.lineno}, {last.name}()"
    return (
        f"Erreur interne de stageplan ({type(error).__name__}{where}). Rien n'a été écrit. "
        "Relancez avec STAGEPLAN_DEBUG=1 pour le détail et signalez-la."
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stageplan", description="Planification des stages du BTS NRC (CP-SAT)."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMANDE")
    solve_cmd = commands.add_parser("solve", help="calcule le plan d'un scénario")
    solve_cmd.add_argument("scenario", type=Path, help="fichier de scénario YAML")
    solve_cmd.add_argument("--out", type=Path, required=True, help="dossier du plan")
    solve_cmd.add_argument("--time-limit", type=_positive, help="secondes de calcul au plus")
    solve_cmd.add_argument("--seed", type=int, help="graine du solveur")
    solve_cmd.add_argument(
        "--workers", type=int, choices=range(1, 9), help="fils de calcul du solveur (1 à 8)"
    )
    solve_cmd.add_argument("--quiet", action="store_true", help="sans progression ni résumé")
    _pseudonym_option(solve_cmd, "le plan écrit et les messages")
    solve_cmd.set_defaults(run=_solve)
    check_cmd = commands.add_parser("check", help="revérifie un plan (même modifié à la main)")
    check_cmd.add_argument("plan_dir", type=Path)
    check_cmd.set_defaults(run=_check)
    schema_cmd = commands.add_parser("schema", help="affiche le schéma JSON des scénarios")
    schema_cmd.set_defaults(run=_schema)
    replan_cmd = commands.add_parser(
        "replan", help="recalcule un plan en changeant le moins de jours possible"
    )
    replan_cmd.add_argument("scenario", type=Path, help="fichier de scénario YAML (modifié)")
    replan_cmd.add_argument("--previous", type=Path, required=True, help="dossier du plan actuel")
    replan_cmd.add_argument("--out", type=Path, required=True, help="dossier du nouveau plan")
    replan_cmd.add_argument("--time-limit", type=_positive, help="secondes de calcul par étape")
    replan_cmd.add_argument("--seed", type=int, help="graine du solveur")
    replan_cmd.add_argument(
        "--workers", type=int, choices=range(1, 9), help="fils de calcul du solveur (1 à 8)"
    )
    _pseudonym_option(replan_cmd, "le plan écrit et les messages")
    replan_cmd.set_defaults(run=_replan)
    export_cmd = commands.add_parser("export", help="exporte un plan en Excel et en agendas ICS")
    export_cmd.add_argument("plan_dir", type=Path, help="dossier du plan")
    export_cmd.add_argument("--xlsx", type=Path, help="classeur Excel (défaut DIR/planning.xlsx)")
    export_cmd.add_argument("--ics", type=Path, help="dossier des agendas (défaut DIR/agendas)")
    _pseudonym_option(
        export_cmd, f"le classeur et les agendas, écrits par défaut dans DIR/{SHARED_DIR}/"
    )
    export_cmd.set_defaults(run=_export)
    documents_cmd = commands.add_parser(
        "documents", help="écrit les conventions (R11) et les attestations (R13), DOCX et PDF"
    )
    documents_cmd.add_argument("plan_dir", type=Path, help="dossier du plan")
    documents_cmd.add_argument(
        "--out", type=Path, help="dossier des documents (défaut DIR/documents)"
    )
    documents_cmd.add_argument(
        "--sans-pdf", action="store_true", help="DOCX seulement, sans LibreOffice"
    )
    documents_cmd.set_defaults(run=_documents)
    explain_cmd = commands.add_parser(
        "explain", help="détaille le coût d'un plan par critère et par élève"
    )
    explain_cmd.add_argument("plan_dir", type=Path, help="dossier du plan")
    explain_cmd.set_defaults(run=_explain)
    whynot_cmd = commands.add_parser(
        "whynot", help="dit pourquoi un élève n'est pas placé à des dates données"
    )
    whynot_cmd.add_argument("plan_dir", type=Path, help="dossier du plan")
    whynot_cmd.add_argument("--student", required=True, help="identifiant de l'élève")
    whynot_cmd.add_argument("--from", dest="start", required=True, help="début (AAAA-MM-JJ)")
    whynot_cmd.add_argument("--to", dest="end", required=True, help="fin (AAAA-MM-JJ)")
    whynot_cmd.set_defaults(run=_whynot)
    purge_cmd = commands.add_parser(
        "purge",
        help="efface les données personnelles d'une classe (noms, motifs, tuteurs, plans)",
        description="Remplace les noms des élèves par leurs identifiants dans le scénario et "
        "la liste de classe qu'il lit, efface les motifs, notes et tuteurs, et supprime les "
        "dossiers de plan, de documents et d'export donnés. Sans --oui, affiche seulement ce "
        "qui serait fait.",
    )
    purge_cmd.add_argument("scenario", type=Path, help="fichier de scénario YAML")
    purge_cmd.add_argument(
        "--classe", help="seulement les élèves de cette classe (cohort) ; défaut : tous"
    )
    purge_cmd.add_argument(
        "--dossier",
        type=Path,
        action="append",
        default=[],
        metavar="DOSSIER",
        help="dossier de plan, de documents ou d'export (ou fichier exporté) à supprimer ; "
        "répétable",
    )
    purge_cmd.add_argument(
        "--oui",
        action="store_true",
        help="effacer vraiment (sans : simulation, rien n'est modifié)",
    )
    purge_cmd.set_defaults(run=_purge)
    return parser


#: Where ``stageplan export DIR --pseudonyme`` writes by default (inside DIR).
SHARED_DIR = "pseudonymise"


def _pseudonym_option(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument(
        "--pseudonyme",
        action="store_true",
        help=f"identifiants seulement dans {what} : ni noms d'élèves, d'enseignants ou de "
        "tuteurs, ni adresses ni motifs (pour partager)",
    )


def _info(args: argparse.Namespace, info: Mapping[str, Any]) -> dict[str, Any]:
    """The solver figures for ``summary.json`` (paths cut to names with --pseudonyme)."""
    return pseudonymise_solve_info(info) if args.pseudonyme else dict(info)


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"doit être positif : {text}")
    return value


def _solve(args: argparse.Namespace) -> int:
    scenario = _load(args.scenario)
    if scenario is None:
        return EXIT_INVALID_SCENARIO
    if args.pseudonyme:  # the same plan (pseudonymise keeps what the planner reads)
        scenario = pseudonymise(scenario)
    settings = SolveSettings.of(scenario, args.time_limit, args.seed, args.workers)
    try:
        result = solve(scenario, settings, None if args.quiet else _ProgressPrinter())
    except CalendarError as error:
        print(f"{args.scenario.name}: training : {error}", file=sys.stderr)
        return EXIT_INVALID_SCENARIO
    return _report(args, scenario, result)


def _report_infeasible(out: Path, result: SolveResult) -> int:
    """Print the conflicts with their levers and write ``explanation.json``."""
    print("Aucun plan ne respecte les règles :", file=sys.stderr)
    for conflict in result.conflicts:
        print(f"  - {conflict.message}", file=sys.stderr)
        for lever in conflict.levers:
            print(f"    levier : {lever}", file=sys.stderr)
    _write_explanation(out, result)
    return EXIT_INFEASIBLE


def _report(args: argparse.Namespace, scenario: Scenario, result: SolveResult) -> int:
    if result.status is PlanStatus.INFEASIBLE:
        return _report_infeasible(args.out, result)
    if result.plan is None or result.verdict is None:
        print(
            f"Aucun plan trouvé en {settings_text(result)} (statut {result.status.value}).",
            file=sys.stderr,
        )
        return EXIT_NO_PLAN_IN_TIME
    if not result.verdict.ok:
        print("Le plan du solveur enfreint des règles (erreur interne) :", file=sys.stderr)
        print(violations_by_id(result.verdict), file=sys.stderr)
        return EXIT_NO_PLAN_IN_TIME
    try:
        write_plan(
            args.out,
            scenario,
            result.calendar,
            result.plan,
            result.verdict,
            _info(args, result.solve_info(str(args.scenario))),
        )
    except PlanWriteError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID_SCENARIO
    if not args.quiet:
        print(format_verdict(result.verdict, scenario))
        print(_footer(result, scenario, args.out))
    return EXIT_OK


def violations_by_id(verdict: Verdict) -> str:
    """The violations of a verdict by rule and student id, without their
    messages (which name the students): the report of an internal error."""
    lines = [
        f"  - {violation.rule} : élève {violation.student_id}"
        if violation.student_id is not None
        else f"  - {violation.rule} : toute la classe"
        for violation in verdict.violations
    ]
    return "\n".join(lines) if lines else "  (aucune violation détaillée)"


def _write_explanation(out: Path, result: SolveResult) -> None:
    """Write ``out/explanation.json`` (the conflicts and their levers) atomically.

    Only this file is written, through a temporary file renamed over it, so
    that no half-written file and no plan file is left in ``out``.
    """
    body = {
        "status": result.status.value,
        "conflicts": [conflict.as_dict() for conflict in result.conflicts],
    }
    target = out / "explanation.json"
    try:
        out.mkdir(parents=True, exist_ok=True)
        temporary = out / ".explanation.json.tmp"
        temporary.write_text(json.dumps(body, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, target)
    except OSError as error:
        print(f"Explication non écrite dans {target} : {error}", file=sys.stderr)
        return
    print(f"Explication écrite dans {target}", file=sys.stderr)


def settings_text(result: SolveResult) -> str:
    s = result.settings
    return f"{s.time_limit_s:g} s (graine {s.seed}, {s.workers} fil(s) de calcul)"


def _footer(result: SolveResult, scenario: Scenario, out: Path) -> str:
    gap = result.solve_info()["gap"]
    return (
        f"Statut {result.status.value}, objectif {result.objective:g}, borne {result.best_bound:g}"
        f" (écart {100 * (gap or 0):.2f} %), modèle {result.build_time_s:.2f} s + "
        f"résolution {result.solve_time_s:.2f} s, graine {result.settings.seed}, "
        f"{result.settings.workers} fil(s) de calcul.\n{_profile_text(scenario)}\n"
        f"Plan écrit dans {out}/"
    )


def _profile_text(scenario: Scenario) -> str:
    overrides = scenario.rules.overrides()
    if not overrides:
        return f"Profil de règles {scenario.rules.name} (valeurs du référentiel)."
    changed = ", ".join(f"{key} = {value}" for key, value in overrides.items())
    return f"Profil de règles {scenario.rules.name}, modifié par le scénario : {changed}."


class _ProgressPrinter:
    """Prints an improving solution at most once a second (long solves), with
    the time since the search started by the clock: the solves' own times
    (``Progress.elapsed_s``) add up solves that run at once (the lanes of a
    school, the schools of an académie)."""

    def __init__(self, every_s: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self._every_s = every_s
        self._clock = clock
        self._started = clock()
        self._next_s = every_s

    def __call__(self, progress: Progress) -> None:
        elapsed = self._clock() - self._started
        if elapsed < self._next_s:
            return
        self._next_s = elapsed + self._every_s
        print(
            f"  … meilleur objectif {progress.objective:g}, borne {progress.bound:g}, "
            f"{elapsed:.1f} s, {progress.solutions} solution(s)",
            file=sys.stderr,
        )


def _check(args: argparse.Namespace) -> int:
    try:
        scenario, plan = read_plan(args.plan_dir)
        calendar = build_calendar(scenario)
    except (PlanFileError, ScenarioError, CalendarError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID_SCENARIO
    verdict = validate_plan(scenario, calendar, plan)
    print(format_verdict(verdict, scenario))
    return EXIT_OK if verdict.ok else EXIT_CHECK_FAILED


def _replan(args: argparse.Namespace) -> int:
    scenario = _load(args.scenario)
    if scenario is None:
        return EXIT_INVALID_SCENARIO
    if args.pseudonyme:
        scenario = pseudonymise(scenario)
    try:
        _, previous = read_plan(args.previous)
        settings = SolveSettings.of(scenario, args.time_limit, args.seed, args.workers)
        outcome = replan(scenario, previous, settings)
    except (PlanFileError, ScenarioError, CalendarError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID_SCENARIO
    result = outcome.result
    if result.status is PlanStatus.INFEASIBLE:
        return _report_infeasible(args.out, result)
    if result.plan is None or result.verdict is None or not result.verdict.ok:
        print(
            f"Aucun plan valide trouvé en {settings_text(result)} (statut {result.status.value}).",
            file=sys.stderr,
        )
        return EXIT_NO_PLAN_IN_TIME
    try:
        info = _info(args, outcome.solve_info(str(args.scenario), str(args.previous)))
        write_plan(args.out, scenario, result.calendar, result.plan, result.verdict, info)
    except PlanWriteError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID_SCENARIO
    names = {s.id: s.name for s in scenario.students}
    proof = "minimum prouvé" if outcome.minimal else "minimum non prouvé (temps écoulé)"
    print(f"{outcome.total_changes} jour(s)-élève changé(s) ({proof}).")
    for change in outcome.changes:
        name = names.get(change.student_id, change.student_id)
        print(f"{name} ({change.student_id}) :" if name != change.student_id else f"{name} :")
        if change.added:
            print(f"  + {len(change.added)} jour(s) ajouté(s) : {dates_text(change.added)}")
        if change.removed:
            print(f"  - {len(change.removed)} jour(s) retiré(s) : {dates_text(change.removed)}")
    if not outcome.changes:
        print("Aucun élève ne change de calendrier.")
    print(f"Statut {result.status.value}. Plan écrit dans {args.out}/")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    # only this command needs openpyxl and icalendar
    from .exports import ICS_DIR, XLSX_FILE, export_plan_dir

    xlsx, ics = args.xlsx, args.ics
    if args.pseudonyme and xlsx is None and ics is None:
        # Apart from the named files, so that no one shares those by mistake.
        xlsx = args.plan_dir / SHARED_DIR / XLSX_FILE
        ics = args.plan_dir / SHARED_DIR / ICS_DIR
    try:
        written, verdict = export_plan_dir(args.plan_dir, xlsx, ics, pseudonymous=args.pseudonyme)
    except (PlanFileError, PlanWriteError, ScenarioError, CalendarError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID_SCENARIO
    if args.pseudonyme and ics is not None:
        others = sorted(set(ics.rglob("*.ics")) - set(written))
        if others:
            print(
                f"Attention : {ics} contient {len(others)} autre(s) agenda(s), d'un export "
                "précédent, qui peuvent être nominatifs : ne partagez pas ce dossier tel quel.",
                file=sys.stderr,
            )
    if not verdict.ok:
        print(
            f"Attention : ce plan enfreint {verdict.hard_violations} règle(s) ; "
            f"voyez « stageplan check {args.plan_dir} ».",
            file=sys.stderr,
        )
    for path in written:
        print(f"Écrit : {path}")
    return EXIT_OK


def _documents(args: argparse.Namespace) -> int:
    """``stageplan documents DIR``: the conventions' annexes (R11) and the
    attestations (R13) of a plan directory, checked again first."""
    from .documents import (  # only this command needs docxtpl and LibreOffice
        DocumentError,
        PlanRejectedError,
        format_report,
        plan_dir_documents,
    )

    try:
        report = plan_dir_documents(args.plan_dir, args.out, pdf=not args.sans_pdf)
    except PlanRejectedError as error:
        print(str(error), file=sys.stderr)
        return EXIT_CHECK_FAILED
    except (PlanFileError, ScenarioError, CalendarError, DocumentError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID_SCENARIO
    print(format_report(report))
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    """``stageplan explain DIR``: why this plan, the objective term by term."""
    from .explain import format_breakdown, objective_breakdown

    try:
        scenario, plan = read_plan(args.plan_dir)
        calendar = build_calendar(scenario)
    except (PlanFileError, ScenarioError, CalendarError) as error:
        print(f"Plan illisible : {error}", file=sys.stderr)
        return EXIT_INVALID_SCENARIO
    print(format_breakdown(objective_breakdown(scenario, calendar, plan), scenario))
    return EXIT_OK


def _whynot(args: argparse.Namespace) -> int:
    """``stageplan whynot DIR --student ID --from DATE --to DATE``: what keeps
    the student from these dates, and the cost of forcing them."""
    import datetime as dt

    from .plan_io import SUMMARY_FILE
    from .whynot import WhyNotError, format_why_not, why_not

    dates: dict[str, dt.date] = {}
    for option, text in (("--from", args.start), ("--to", args.end)):
        try:
            dates[option] = dt.date.fromisoformat(text)
        except ValueError:
            print(f"{option} : date invalide « {text} » (AAAA-MM-JJ attendu)", file=sys.stderr)
            return EXIT_INVALID_SCENARIO
    try:
        scenario, _ = read_plan(args.plan_dir)
        calendar = build_calendar(scenario)
        summary = json.loads((args.plan_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (PlanFileError, ScenarioError, CalendarError, OSError, ValueError) as error:
        print(f"Plan illisible : {error}", file=sys.stderr)
        return EXIT_INVALID_SCENARIO
    objective = summary.get("objective")
    terms = summary.get("objective_terms") or None
    try:
        answer = why_not(
            scenario,
            calendar,
            args.student,
            dates["--from"],
            dates["--to"],
            SolveSettings.of(scenario),
            float(objective) if isinstance(objective, int | float) else None,
            terms if isinstance(terms, dict) else None,
        )
    except WhyNotError as error:
        field = {"élève": "--student", "fin": "--to", "dates": "--from/--to"}[error.field]
        print(f"{field} : {error.message}", file=sys.stderr)
        return EXIT_INVALID_SCENARIO
    print(format_why_not(answer))
    return EXIT_OK


def _purge(args: argparse.Namespace) -> int:
    """``stageplan purge SCENARIO [--classe C] [--dossier D ...] [--oui]``:
    erase a class's personal data (a dry run without ``--oui``)."""
    from .privacy import PurgeError, apply_purge, plan_purge

    try:
        plan = plan_purge(args.scenario, args.classe, args.dossier)
    except ScenarioError as error:
        _print_faults(error)
        return EXIT_INVALID_SCENARIO
    except PurgeError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID_SCENARIO
    print(plan.report())
    if not args.oui:
        print("Simulation : rien n'a été modifié. Relancez avec --oui pour effacer ces données.")
        return EXIT_OK
    try:
        apply_purge(plan)
    except OSError as error:
        print(
            f"{error.filename or args.scenario} : purge interrompue ({error.strerror}) ; "
            "corrigez puis relancez la commande (ce qui est déjà effacé le reste).",
            file=sys.stderr,
        )
        return EXIT_INVALID_SCENARIO
    print(
        "Données personnelles effacées. Un tableau de bord ouvert garde le scénario en "
        "mémoire jusqu'à ce que son onglet soit fermé ; les fichiers téléchargés ou "
        "partagés sont à supprimer à la main."
    )
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _load(path: Path) -> Scenario | None:
    try:
        return load_scenario(path)
    except ScenarioError as error:
        _print_faults(error)
        return None


def _print_faults(error: ScenarioError) -> None:
    print(f"Scénario invalide ({len(error.faults)} erreur(s)) :", file=sys.stderr)
    for fault in error.faults:
        print(f"  - {fault}", file=sys.stderr)


def run() -> None:
    """Console-script entry: exit with :func:`main`'s status."""
    sys.exit(main())
