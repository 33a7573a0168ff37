"""Page « Scénario »: choose, upload, edit and save the current scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import state
from dashboard.charts import progression_timeline
from dashboard.scenario_edit import (
    RULE_FIELDS,
    TABLE_KINDS,
    WEIGHT_FIELDS,
    apply_edits,
    editable,
    faults_under,
    free_name,
    overwrite_scenario,
    ranges_frame,
    read_list,
    save_scenario_as,
    scenario_from_yaml,
    students_frame,
    with_table,
)
from dashboard.ui import plain, show_faults, show_notice
from models import (
    Fault,
    Route,
    RuleProfile,
    Scenario,
    ScenarioError,
    Weights,
    load_scenario,
    scenario_from_dict,
)
from planner import store
from planner.calendar import CalendarError

K_FAULTS = "scenario.faults"  # faults of the last "Appliquer", shown by their fields
K_LOAD_FAULTS = "scenario.load_faults"  # faults of the last load or import
K_CONFLICT = "scenario.conflict"  # the VersionConflictError of the last « Enregistrer »
K_SAVED = "scenario.saved"  # the message of the last save, shown once
K_SAVE_NAME = "scenario.save_name"  # the « Enregistrer sous… » name field


def _faults() -> list[Fault]:
    found: list[Fault] = st.session_state.get(K_FAULTS, [])
    return found


def _choose() -> None:
    st.subheader("Choisir un scénario")
    left, right = st.columns(2)
    with left:
        files = state.bundled_scenarios()
        chosen = st.selectbox(
            "Scénarios fournis",
            options=files,
            format_func=lambda p: p.name,
            key="scenario.bundled",
        )
        if st.button("Charger ce scénario", key="scenario.load") and chosen is not None:
            _load(Path(chosen))
    with right:
        upload = st.file_uploader(
            "Envoyer un fichier : scénario (YAML), ou liste (CSV, XLSX) qui remplace "
            "celle du scénario courant",
            type=["yaml", "yml", "csv", "xlsx"],
            key="scenario.upload",
        )
        kind = st.radio(
            "Une liste CSV ou XLSX contient :",
            options=list(TABLE_KINDS),
            format_func=TABLE_KINDS.__getitem__,
            horizontal=True,
            key="scenario.upload_kind",
        )
        if st.button("Importer le fichier", key="scenario.import", disabled=upload is None):
            assert upload is not None
            _import(upload.name, upload.getvalue(), kind)
    show_faults(
        st.session_state.get(K_LOAD_FAULTS, []),
        "Fichier refusé (le scénario courant reste en vigueur) :",
    )


_SECTIONS = (
    "progression.preferred",
    "progression.blocked",
    "progression.missions",
    "rules",
    "weights",
    "students",
)


def _load(path: Path) -> None:
    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        st.session_state[K_LOAD_FAULTS] = list(error.faults)
        return
    state.set_scenario(scenario, path.stem, path)
    st.session_state[K_LOAD_FAULTS] = []
    st.session_state[K_FAULTS] = []
    state.set_notice(f"Scénario « {path.name} » chargé.")
    st.rerun()


def _import(name: str, data: bytes, kind: str = "students") -> None:
    try:
        if name.lower().endswith((".yaml", ".yml")):
            scenario = scenario_from_yaml(name, data)
            label = Path(name).stem
        else:
            current = state.current_scenario()
            scenario = with_table(current, kind, read_list(name, data, kind), name)
            label = f"{state.current_label()} + {Path(name).stem}"
    except ScenarioError as error:
        st.session_state[K_LOAD_FAULTS] = list(error.faults)
        return
    state.set_scenario(scenario, label)
    st.session_state[K_LOAD_FAULTS] = []
    st.session_state[K_FAULTS] = []
    counts = (
        f"{len(scenario.students)} élèves, {len(scenario.hosts)} entreprises, "
        f"{len(scenario.teachers)} enseignants"
    )
    state.set_notice(f"« {name} » importé : {counts}.")
    st.rerun()


def _summary(scenario: Scenario) -> None:
    training = scenario.training
    st.subheader(f"Scénario courant : {plain(state.current_label())}")
    st.markdown(f"**{plain(scenario.name)}**")
    if scenario.description:
        st.caption(plain(scenario.description))
    cols = st.columns(4)
    cols[0].metric("Élèves", len(scenario.students))
    cols[1].metric("Entreprises d'accueil", len(scenario.hosts))
    cols[2].metric("Début", training.first_date.strftime("%d/%m/%Y"))
    cols[3].metric("Fin", training.last_date.strftime("%d/%m/%Y"))
    where = f"zone {training.zone}" if training.zone else "calendrier fourni"
    overrides = scenario.rules.overrides()
    text = f"Vacances scolaires : {where}. Profil de règles : {scenario.rules.name}"
    if overrides:
        text += " (modifié : " + ", ".join(f"{k} = {v}" for k, v in overrides.items()) + ")"
    st.caption(text + ".")
    try:
        calendar = state.calendar_of(scenario)
    except CalendarError as error:
        st.warning(plain(f"Calendrier indisponible : {error}"))
        calendar = None
    st.plotly_chart(
        progression_timeline(scenario, calendar),
        width="stretch",
        key=f"scenario.timeline.{state.revision()}",
    )


def _progression_tab(raw: dict[str, Any], rev: int) -> dict[str, Any]:
    progression = raw.get("progression") or {}
    st.markdown("**Fenêtres préférées (R7)** — le solveur y place les périodes de préférence.")
    date_col = st.column_config.DateColumn
    preferred = st.data_editor(
        ranges_frame(progression.get("preferred", []), weight=True),
        num_rows="dynamic",
        width="stretch",
        key=f"scenario.preferred.{rev}",
        column_config={
            "start": date_col("Début", format="DD/MM/YYYY", required=True),
            "end": date_col("Fin", format="DD/MM/YYYY", required=True),
            "label": st.column_config.TextColumn("Libellé"),
            "weight": st.column_config.NumberColumn("Poids", min_value=1, max_value=100, step=1),
        },
    )
    show_faults(faults_under(_faults(), "progression.preferred"))
    st.markdown("**Dates bloquées (R7)** — examens, CCF, rentrée : aucun jour en entreprise.")
    blocked = st.data_editor(
        ranges_frame(progression.get("blocked", [])),
        num_rows="dynamic",
        width="stretch",
        key=f"scenario.blocked.{rev}",
        column_config={
            "start": date_col("Début", format="DD/MM/YYYY", required=True),
            "end": date_col("Fin", format="DD/MM/YYYY", required=True),
            "label": st.column_config.TextColumn("Libellé"),
        },
    )
    show_faults(faults_under(_faults(), "progression.blocked", "progression.missions"))
    return {"preferred": preferred, "blocked": blocked}


def _rules_tab(raw: dict[str, Any], rev: int) -> dict[str, Any]:
    default = RuleProfile()
    current = raw.get("rules") or {}
    st.caption("Profil « bts-nrc » : la valeur par défaut est rappelée sous chaque champ.")
    values: dict[str, Any] = {}
    columns = st.columns(2)
    for index, (name, label) in enumerate(RULE_FIELDS.items()):
        info = RuleProfile.model_fields[name].metadata
        low = next((m.ge for m in info if hasattr(m, "ge")), 0)
        high = next((m.le for m in info if hasattr(m, "le")), 1000)
        with columns[index % 2]:
            values[name] = st.number_input(
                label,
                min_value=int(low),
                max_value=int(high),
                value=int(current.get(name, getattr(default, name))),
                step=1,
                key=f"scenario.rule.{name}.{rev}",
            )
            st.caption(f"défaut bts-nrc : {getattr(default, name)}")
    values["allow_single_days"] = st.checkbox(
        "R5 journées isolées autorisées (en plus des semaines entières)",
        value=bool(current.get("allow_single_days", default.allow_single_days)),
        key=f"scenario.rule.allow_single_days.{rev}",
    )
    st.caption(f"défaut bts-nrc : {'oui' if default.allow_single_days else 'non'}")
    show_faults(faults_under(_faults(), "rules"))
    return values


def _weights_tab(raw: dict[str, Any], rev: int) -> dict[str, Any]:
    default = Weights()
    current = raw.get("weights") or {}
    st.caption(
        "Poids des objectifs (tous minimisés) : plus le poids est fort, plus le critère compte."
    )
    values: dict[str, Any] = {}
    columns = st.columns(2)
    for index, (name, label) in enumerate(WEIGHT_FIELDS.items()):
        value = int(current.get(name, getattr(default, name)))
        with columns[index % 2]:
            values[name] = st.slider(
                label,
                min_value=0,
                max_value=max(100, 3 * getattr(default, name), value),
                value=value,
                key=f"scenario.weight.{name}.{rev}",
                help=f"défaut : {getattr(default, name)} ; 0 désactive ce critère",
            )
    show_faults(faults_under(_faults(), "weights"))
    return values


def _students_tab(raw: dict[str, Any], scenario: Scenario, rev: int) -> Any:
    st.caption(
        "Parcours, durée réduite (R2, avec sa raison), dispense (R3) et entreprise de chaque "
        "élève. Pour changer la liste d'élèves, importez un fichier CSV ou XLSX."
    )
    routes = [r.value for r in Route]
    edited = st.data_editor(
        students_frame(raw.get("students", [])),
        num_rows="fixed",
        width="stretch",
        hide_index=True,
        key=f"scenario.students.{rev}",
        column_config={
            "id": st.column_config.TextColumn("Id", disabled=True),
            "name": st.column_config.TextColumn("Nom"),
            "route": st.column_config.SelectboxColumn("Parcours", options=routes, required=True),
            "status": st.column_config.SelectboxColumn("Statut (à distance)", options=routes),
            "host": st.column_config.SelectboxColumn(
                "Entreprise", options=[h.id for h in scenario.hosts]
            ),
            "reduced_weeks": st.column_config.NumberColumn(
                "Durée réduite (sem.)", min_value=1, max_value=52, step=1
            ),
            "reduction_reason": st.column_config.TextColumn("Raison de la réduction (R2)"),
            "exemption_reason": st.column_config.TextColumn("Raison de la dispense (R3)"),
            "repeating": st.column_config.CheckboxColumn("Redoublant"),
            "new_internship": st.column_config.CheckboxColumn("Nouveau stage"),
        },
    )
    show_faults(faults_under(_faults(), "students"))
    return edited


def _edit(scenario: Scenario) -> None:
    st.subheader("Modifier le scénario")
    rev = state.revision()
    raw = editable(scenario)
    others = [f for f in _faults() if f not in faults_under(_faults(), *_SECTIONS)]
    show_faults(others)
    with st.form(f"scenario.edit.{rev}"):
        tabs = st.tabs(["Progression (R6, R7)", "Règles", "Poids de l'objectif", "Élèves"])
        with tabs[0]:
            ranges = _progression_tab(raw, rev)
        with tabs[1]:
            rules = _rules_tab(raw, rev)
        with tabs[2]:
            weights = _weights_tab(raw, rev)
        with tabs[3]:
            students = _students_tab(raw, scenario, rev)
        label = st.text_input(
            "Nom de cette version (sert à la comparaison)",
            value=_next_label(state.current_label()),
            key=f"scenario.label.{rev}",
        )
        applied = st.form_submit_button("Appliquer", type="primary")
    if applied:
        edited = apply_edits(
            raw,
            preferred=ranges["preferred"],
            blocked=ranges["blocked"],
            rules=rules,
            weights=weights,
            students=students,
        )
        try:
            new = _validate(edited, label)
        except ScenarioError as error:
            st.session_state[K_FAULTS] = list(error.faults)
            state.set_notice(
                "Modifications refusées : corrigez les champs signalés "
                "(le scénario précédent reste en vigueur).",
                "error",
            )
            st.rerun()
        st.session_state[K_FAULTS] = []
        if new == scenario:
            state.set_notice("Aucune modification à appliquer.", "info")
        else:
            state.set_scenario(new, label.strip() or _next_label(state.current_label()))
            state.set_notice("Modifications appliquées : le scénario a été revalidé.")
        st.rerun()


def _validate(raw: dict[str, Any], label: str) -> Scenario:
    return scenario_from_dict(raw, source=label or "scénario")


def _next_label(label: str) -> str:
    base, _, number = label.rpartition(" v")
    if base and number.isdigit():
        return f"{base} v{int(number) + 1}"
    return f"{label} v2"


def _save(scenario: Scenario) -> None:
    """« Enregistrer » (the file the scenario came from) and « Enregistrer sous… »."""
    origin = state.scenario_origin()
    if origin is not None:
        _save_in_place(scenario, origin)
    _save_as(scenario)
    message = st.session_state.pop(K_SAVED, None)
    if message:
        st.success(plain(message))


def _save_in_place(scenario: Scenario, origin: state.Origin) -> None:
    name = origin.path.name
    st.subheader("Enregistrer")
    st.caption(
        plain(
            f"Remplace « {name} », le fichier d'où vient ce scénario, si personne ne l'a "
            "modifié depuis que vous l'avez chargé. La version remplacée est gardée dans "
            f"« {state.SCENARIOS_DIR.name}/{store.VERSIONS_DIR}/{origin.path.stem}/ »."
        )
    )
    if st.button(f"Enregistrer dans {name}", key="scenario.overwrite", type="primary"):
        _overwrite(scenario, origin, origin.version)
    conflict = st.session_state.get(K_CONFLICT)
    if not isinstance(conflict, store.VersionConflictError):
        return
    if conflict.path != origin.path or conflict.expected != origin.version:
        return  # another file or version loaded since: that conflict is over
    st.warning(
        plain(
            f"{conflict.message} Enregistrer maintenant remplacerait cette version. "
            "Écrasez-la quand même (elle reste gardée dans les versions précédentes), "
            "ou enregistrez votre scénario sous un autre nom ci-dessous."
        ),
        icon=":material/warning:",
    )
    if st.button("Écraser quand même", key="scenario.force"):
        _overwrite(scenario, origin, conflict.found)


def _overwrite(scenario: Scenario, origin: state.Origin, expected: store.Version | None) -> None:
    """Replace the origin file if it still holds ``expected`` (a conflict is kept to show)."""
    try:
        version = overwrite_scenario(scenario, origin.path, expected)
    except store.VersionConflictError as conflict:
        st.session_state[K_CONFLICT] = conflict.with_traceback(None)  # no frames kept
        stem = origin.path.stem
        st.session_state[K_SAVE_NAME] = free_name(state.SCENARIOS_DIR, stem)
        return
    except OSError as error:
        st.error(plain(f"Impossible d'enregistrer « {origin.path.name} » : {error.strerror}."))
        return
    st.session_state.pop(K_CONFLICT, None)
    state.set_origin(origin.path, version)
    st.session_state[K_SAVED] = (
        f"Scénario enregistré dans « {origin.path.name} » (version précédente gardée)."
    )
    st.rerun()


def _save_as(scenario: Scenario) -> None:
    st.subheader("Enregistrer sous…")
    st.caption(
        plain(
            f"Écrit un nouveau fichier YAML dans « {state.SCENARIOS_DIR.name}/ » ; "
            "un fichier existant n'est jamais remplacé."
        )
    )
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    name = left.text_input("Nom du fichier (sans .yaml)", key=K_SAVE_NAME)
    if right.button("Enregistrer", key="scenario.save"):
        try:
            saved = save_scenario_as(scenario, name, state.SCENARIOS_DIR)
        except FileExistsError:
            taken = f"{name.strip()}.yaml"
            st.error(plain(f"Le fichier « {taken} » existe déjà : choisissez un autre nom."))
        except ValueError as error:
            st.error(plain(f"Impossible d'enregistrer : {error}."))
        except OSError as error:
            st.error(plain(f"Impossible d'enregistrer : {error.strerror}."))
        else:
            st.session_state.pop(K_CONFLICT, None)
            state.set_origin(saved.path, saved.version)  # « Enregistrer » writes there now
            st.session_state[K_SAVED] = f"Scénario enregistré sous « {saved.path.name} »."
            st.rerun()


def _render() -> None:
    st.title("Scénario")
    show_notice()
    _choose()
    scenario = state.current_scenario()
    _summary(scenario)
    _edit(scenario)
    _save(scenario)


_render()
