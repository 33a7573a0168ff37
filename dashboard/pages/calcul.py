"""Page « Calcul »: solve the current scenario off the script thread, follow
the search live, stop it, and read the validator's verdict. After a change
of the scenario, re-plan from the previous plan changing as few
student-days as possible (also off the script thread).

Solves wait their turn in the server's queue (:class:`dashboard.state.SolveQueue`):
the page says how many come before, and « Arrêter » takes a waiting solve
out of the queue; a full queue refuses the solve politely."""

from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.charts import fr_date
from dashboard.ui import plain, show_notice
from dashboard.views import (
    STATUS_LABELS,
    fr_number,
    objective_table,
    replan_table,
    student_cost_table,
    students_placed,
    students_table,
    verdict_rules,
)
from models import RULE_TITLES, PlanStatus, Scenario
from planner.calendar import CalendarError
from planner.explain import objective_breakdown, split_weeks_text
from planner.formulation import Progress
from planner.locks import check_locks
from planner.replan import ReplanResult
from planner.solve import SolveResult, SolveSettings


def _settings(scenario: Scenario) -> SolveSettings:
    rev = state.revision()
    solver = scenario.solver
    with st.expander("Réglages du solveur"):
        cols = st.columns(3)
        time_limit = cols[0].number_input(
            "Limite de temps (s)",
            min_value=1.0,
            max_value=3600.0,
            value=float(solver.time_limit_s),
            step=10.0,
            key=f"calcul.time_limit.{rev}",
        )
        seed = cols[1].number_input(
            "Graine", min_value=0, value=solver.seed, step=1, key=f"calcul.seed.{rev}"
        )
        workers = cols[2].number_input(
            "Processus de recherche",
            min_value=1,
            max_value=8,
            value=solver.workers,
            step=1,
            key=f"calcul.workers.{rev}",
            help="1 : le plus rapide ici et déterministe.",
        )
    return SolveSettings.of(scenario, float(time_limit), int(seed), int(workers))


def _live_bound(progress: Progress | None) -> float | None:
    """The running solve's bound, None while none is known."""
    return None if progress is None else _known_bound(progress.objective, progress.bound)


def _known_bound(objective: float | None, bound: float | None) -> float | None:
    """``bound``, or None when it says nothing: every term of the objective
    is >= 0, so a bound of 0 under a plan that costs more (a school's bound
    still being searched, or a search stopped before it found one) tells
    the user nothing."""
    if bound is None or (objective is not None and bound <= 0 < objective):
        return None
    return bound


def _gap_text(objective: float | None, bound: float | None) -> str:
    if objective is None or bound is None:
        return "—"
    gap = abs(objective - bound) / max(1.0, abs(objective))
    return f"{100 * gap:.1f} %".replace(".", ",")


@st.fragment(run_every=0.5)
def _live() -> None:
    """Progress of the running solve, refreshed every half second."""
    job = state.running_job()
    if job is None or job.done:
        state.collect_finished_job()
        st.rerun()
        return
    ahead = job.ahead
    if ahead is not None:
        _waiting(job, ahead)
        return
    progress = job.progress
    bound = _live_bound(progress)
    cols = st.columns(5)
    cols[0].metric("Meilleur objectif", fr_number(progress.objective) if progress else "—")
    cols[1].metric("Borne", fr_number(bound) if bound is not None else "—")
    cols[2].metric("Écart", _gap_text(progress.objective, bound) if progress else "—")
    cols[3].metric("Temps écoulé", f"{job.elapsed_s:.1f} s".replace(".", ","))
    cols[4].metric("Solutions trouvées", progress.solutions if progress else 0)
    limit = job.settings.time_limit_s
    st.progress(
        min(1.0, job.elapsed_s / limit),
        text=f"Recherche en cours pour « {plain(job.label)} » (limite {limit:g} s)…",
    )
    if job.stop_requested:
        st.info("Arrêt demandé : le meilleur plan trouvé jusqu'ici sera conservé.")
    elif st.button("Arrêter", key="calcul.stop", help="Garde le meilleur plan trouvé."):
        job.stop()
        st.info("Arrêt demandé : le meilleur plan trouvé jusqu'ici sera conservé.")


def _waiting(job: state.SolveJob, ahead: int) -> None:
    """A solve still waiting for its turn in the server's queue."""
    st.info(
        f"En attente : {ahead} calcul(s) avant le vôtre. Le calcul de « {plain(job.label)} » "
        "commencera dès qu'une place se libère sur le serveur."
    )
    if job.stop_requested:
        st.info("Arrêt demandé : le calcul est retiré de la file d'attente.")
    elif st.button("Arrêter", key="calcul.stop", help="Retire ce calcul de la file d'attente."):
        job.stop()
        st.info("Arrêt demandé : le calcul est retiré de la file d'attente.")


def _start(
    scenario: Scenario, settings: SolveSettings, replan_from: state.PreviousPlan | None
) -> None:
    """Queue a solve (or a re-plan); a full queue is said, not raised."""
    try:
        if replan_from is None:
            job = state.start_solve(scenario, settings, state.current_label())
        else:
            job = state.start_replan(scenario, settings, state.current_label(), replan_from)
    except state.QueueFullError as error:
        st.warning(str(error))
        return
    if job.done:  # synchronous solve (tests)
        state.collect_finished_job()
        show_notice()


def _solve_button(scenario: Scenario, settings: SolveSettings) -> None:
    if not st.button("Calculer", type="primary", key="calcul.run"):
        return
    cached = state.cached_result(scenario, settings)
    if cached is not None:
        state.record_result(scenario, settings, state.current_label(), cached)
        st.info(
            "Ce scénario a déjà été calculé avec ces réglages : "
            "résultat repris, sans nouveau calcul."
        )
        return
    _start(scenario, settings, None)


def _lock_faults(scenario: Scenario) -> None:
    """Locked periods (signed conventions) that break a rule, with the rule."""
    if not scenario.locked:
        return
    try:
        faults = check_locks(scenario, state.calendar_of(scenario))
    except CalendarError:
        return
    for fault in faults:
        st.error(
            f"Période verrouillée en conflit : {plain(fault.message)}\n\n"
            f"_Règle : {fault.rule} {RULE_TITLES.get(fault.rule, '')}_"
        )


def _replan_button(scenario: Scenario, settings: SolveSettings) -> None:
    """« Recalculer en changeant le moins possible », from the previous plan."""
    previous = state.previous_plan()
    if previous is None:
        return
    st.caption(
        f"Le scénario a changé depuis le dernier plan calculé (« {plain(previous.label)} ») : "
        "le recalcul garde ce plan autant que possible (périodes verrouillées comprises)."
    )
    if not st.button("Recalculer en changeant le moins possible", key="calcul.replan"):
        return
    _start(scenario, settings, previous)


def _replan_summary(outcome: ReplanResult, previous_label: str, scenario: Scenario) -> None:
    st.subheader("Changements par rapport au plan précédent")
    if outcome.total_changes is None:
        previous = plain(previous_label)
        st.warning(f"Pas de nouveau plan : rien à comparer au plan de « {previous} ».")
        return
    proven = "minimum prouvé" if outcome.minimal else "minimum non prouvé (limite de temps)"
    cols = st.columns(3)
    cols[0].metric("Jours-élèves changés", outcome.total_changes)
    cols[1].metric("Élèves touchés", len(outcome.changes))
    cols[2].metric("Minimum", "prouvé" if outcome.minimal else "non prouvé")
    st.caption(
        f"Par rapport au plan de « {plain(previous_label)} » : "
        f"{outcome.total_changes} jour(s)-élève changé(s), {proven}."
    )
    if outcome.changes:
        st.dataframe(replan_table(outcome.changes, scenario), hide_index=True, width="stretch")
    else:
        st.success("Aucun jour ne change : le plan précédent reste valable.")


def _result(result: SolveResult, scenario: Scenario) -> None:
    st.subheader("Résultat")
    status = STATUS_LABELS[result.status]
    message = f"Statut : **{status}** ({result.status.value})"
    if result.status is PlanStatus.OPTIMAL:
        st.success(message)
    elif result.status is PlanStatus.FEASIBLE:
        st.warning(message + " — le calcul a été arrêté ou a atteint sa limite de temps.")
    else:
        st.error(message)
    cols = st.columns(4)
    cols[0].metric(
        "Objectif", fr_number(result.objective) if result.objective is not None else "—"
    )
    bound = _known_bound(result.objective, result.best_bound)
    cols[1].metric("Borne", fr_number(bound) if bound is not None else "—")
    cols[2].metric("Écart", _gap_text(result.objective, bound))
    total = result.build_time_s + result.solve_time_s
    cols[3].metric("Temps de calcul", f"{total:.1f} s".replace(".", ","))
    if result.status is PlanStatus.INFEASIBLE:
        st.markdown("**Aucun plan ne respecte les règles. Conflits :**")
        for conflict in result.conflicts:
            rules = ", ".join(f"{r} {RULE_TITLES.get(r, '')}" for r in conflict.rules)
            levers = "".join(f"\n- {plain(lever)}" for lever in conflict.levers)
            text = f"{plain(conflict.message)}\n\n_Règles en conflit : {rules}_"
            if levers:
                text += f"\n\n**Ce qui lèverait le conflit :**{levers}"
            st.error(text)
        if not result.conflicts:
            st.error("Le diagnostic n'a pas isolé de conflit plus petit que la classe entière.")
    elif result.status is PlanStatus.UNKNOWN:
        st.warning("Aucun plan trouvé dans la limite de temps : augmentez-la et relancez.")
    if result.verdict is None:
        return
    verdict = result.verdict
    placed, owing = students_placed(verdict)
    if verdict.ok:
        st.success(
            f"Vérification indépendante : toutes les règles {verdict.rules_text} sont respectées "
            f"({placed} / {owing} élèves placés)."
        )
    else:
        st.error(f"Vérification indépendante : {verdict.hard_violations} violation(s).")
        for rule, violations in verdict.by_rule().items():
            with st.expander(f"{rule} {RULE_TITLES.get(rule, '')} ({len(violations)})"):
                for v in violations:
                    st.markdown(f"- {plain(v.message)}")
    rules = verdict_rules(verdict)
    # Every rule row visible at once (35 px a row and the header), no scroll.
    st.dataframe(rules, hide_index=True, width="stretch", height=35 * (len(rules) + 1) + 3)
    with st.expander("Verdict par élève"):
        st.dataframe(students_table(verdict, scenario), hide_index=True, width="stretch")
    if result.plan is not None:
        _why(result, scenario)


def _why(result: SolveResult, scenario: Scenario) -> None:
    """« Pourquoi ce plan » : the objective term by term, recomputed from the plan."""
    assert result.plan is not None
    breakdown = objective_breakdown(scenario, result.calendar, result.plan)
    st.subheader("Pourquoi ce plan : coût par critère")
    table = objective_table(breakdown)
    # The total has no value nor weight: blank cells, not Streamlit's "None".
    blanks = {"Valeur": "string", "Poids": "string"}
    st.dataframe(table.astype(blanks).fillna(""), hide_index=True, width="stretch")
    st.caption(split_weeks_text(breakdown, fr_date) + ".")
    with st.expander("Coût par élève"):
        st.dataframe(student_cost_table(breakdown, scenario), hide_index=True, width="stretch")


def _render() -> None:
    st.title("Calcul")
    show_notice()
    scenario = state.current_scenario()
    st.caption(
        f"Scénario « {plain(state.current_label())} » — {plain(scenario.name)} : "
        f"{len(scenario.students)} élèves, {len(scenario.hosts)} entreprises."
    )
    settings = _settings(scenario)
    _lock_faults(scenario)
    if state.running_job() is None:
        _solve_button(scenario, settings)
    if state.running_job() is None:
        _replan_button(scenario, settings)
    if state.running_job() is not None:
        _live()
        return
    result = state.current_result()
    if result is None:
        st.info("Cliquez sur « Calculer » pour placer les périodes de stage de la classe.")
        return
    _result(result, scenario)
    replanned = state.replan_outcome(scenario, result)
    if replanned is not None:
        _replan_summary(replanned[0], replanned[1], scenario)


_render()
