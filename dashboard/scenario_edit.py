"""Editing a scenario in the dashboard, as pure functions (no streamlit).

The Scénario page shows the scenario as tables (``pandas.DataFrame``) and
inputs, and puts the edits back into the scenario's dict; the result is
validated again by :func:`models.scenario_from_dict`, with the same French
faults as a file. Uploads (YAML, class list CSV/XLSX) and "save as" live
here too.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from models import Fault, Scenario, ScenarioError, scenario_from_dict
from models.tables import MAX_FILE_BYTES, read_table

RANGE_COLUMNS = ["start", "end", "label"]
PREFERRED_COLUMNS = [*RANGE_COLUMNS, "weight"]
STUDENT_COLUMNS = [
    "id",
    "name",
    "route",
    "status",
    "host",
    "reduced_weeks",
    "reduction_reason",
    "exemption_reason",
    "repeating",
    "new_internship",
]
#: Rule-profile fields the page edits, with their French labels.
RULE_FIELDS = {
    "required_weeks": "R1 semaines de stage",
    "min_reduced_weeks": "R2 durée réduite minimale (semaines)",
    "block_min_weeks": "R4 bloc minimal (semaines consécutives)",
    "max_holiday_days": "R8 jours en vacances au plus",
    "summer_rest_days": "R9 repos d'été minimal (jours)",
    "perfectionnement_full_time_months": "§3.3b mois à temps plein (perfectionnement)",
    "perfectionnement_part_time_months": "§3.3b mois à temps partiel (perfectionnement)",
}
#: Objective weights, with their French labels.
WEIGHT_FIELDS = {
    "preferred": "Semaine hors des fenêtres préférées (R7)",
    "sync": "Semaine d'enseignement où la classe est scindée",
    "fragmentation": "Période de semaines (fragmentation)",
    "holiday_days": "Jour en entreprise pendant les vacances (R8)",
    "surplus_days": "Jour au-delà de la durée requise",
    "single_days": "Jour hors semaine complète (R5)",
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def editable(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a plain dict (JSON types), the base of every edit."""
    return scenario.model_dump(mode="json")


# --- tables <-> dicts ---


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


def _iso(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def ranges_frame(ranges: Iterable[Mapping[str, Any]], *, weight: bool = False) -> pd.DataFrame:
    """Date ranges as a table with real date columns (for ``st.data_editor``)."""
    columns = PREFERRED_COLUMNS if weight else RANGE_COLUMNS
    rows = [{c: r.get(c) for c in columns} for r in ranges]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    frame["label"] = frame["label"].fillna("").astype(str)
    if weight:
        frame["weight"] = pd.to_numeric(frame["weight"]).fillna(1).astype(int)
    return frame


def frame_ranges(frame: pd.DataFrame, *, weight: bool = False) -> list[dict[str, Any]]:
    """Rows of an edited range table back to dicts; blank rows are dropped.

    A row with a missing date is kept as it is, so that validation names it.
    """
    ranges = []
    for row in frame.to_dict("records"):
        if all(_blank(row.get(c)) for c in RANGE_COLUMNS):
            continue
        item: dict[str, Any] = {
            "start": None if _blank(row.get("start")) else _iso(row["start"]),
            "end": None if _blank(row.get("end")) else _iso(row["end"]),
            "label": "" if _blank(row.get("label")) else str(row["label"]),
        }
        if weight:
            item["weight"] = 1 if _blank(row.get("weight")) else int(row["weight"])
        ranges.append(item)
    return ranges


def students_frame(students: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The students' editable fields as a table."""
    rows = []
    for s in students:
        row = {c: s.get(c) for c in STUDENT_COLUMNS}
        row["repeating"] = bool(s.get("repeating", False))
        row["new_internship"] = bool(s.get("new_internship", True))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=STUDENT_COLUMNS)
    for column in ("status", "host", "reduction_reason", "exemption_reason"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    frame["reduced_weeks"] = pd.to_numeric(frame["reduced_weeks"]).astype("Int64")
    return frame


def frame_students(
    frame: pd.DataFrame, original: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Edited student rows merged into the students' dicts (other fields kept)."""
    by_id = {str(s["id"]): dict(s) for s in original}
    students = []
    for row in frame.to_dict("records"):
        if _blank(row.get("id")):
            continue
        student = by_id.get(str(row["id"]), {"id": str(row["id"])})
        for column in STUDENT_COLUMNS:
            value = row.get(column)
            if column in ("repeating", "new_internship"):
                student[column] = bool(value) if not _blank(value) else column == "new_internship"
            elif column == "reduced_weeks":
                student[column] = None if _blank(value) or value is pd.NA else int(value)
            else:
                student[column] = None if _blank(value) else str(value).strip()
        students.append(student)
    return students


def apply_edits(
    base: Mapping[str, Any],
    *,
    preferred: pd.DataFrame | None = None,
    blocked: pd.DataFrame | None = None,
    rules: Mapping[str, Any] | None = None,
    weights: Mapping[str, Any] | None = None,
    students: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The scenario dict with the page's edits (not validated yet)."""
    raw = dict(base)
    progression = dict(raw.get("progression") or {})
    if preferred is not None:
        progression["preferred"] = frame_ranges(preferred, weight=True)
    if blocked is not None:
        progression["blocked"] = frame_ranges(blocked)
    raw["progression"] = progression
    if rules is not None:
        raw["rules"] = {**(raw.get("rules") or {}), **rules}
    if weights is not None:
        raw["weights"] = {**(raw.get("weights") or {}), **weights}
    if students is not None:
        raw["students"] = frame_students(students, raw.get("students") or [])
    return raw


def faults_under(faults: Sequence[Fault], *prefixes: str) -> list[Fault]:
    """The faults whose field path starts with one of ``prefixes``."""
    return [f for f in faults if any(f.field.startswith(p) for p in prefixes)]


# --- uploads ---


def _check_size(name: str, data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError([Fault(name, "", "fichier trop volumineux (5 Mo au plus)")])


def scenario_from_yaml(name: str, data: bytes) -> Scenario:
    """An uploaded YAML scenario; its class list must be inline."""
    _check_size(name, data)
    try:
        raw = yaml.safe_load(data.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError):
        raise ScenarioError([Fault(name, "", "YAML invalide")]) from None
    if not isinstance(raw, dict):
        raise ScenarioError([Fault(name, "", "le scénario doit être un dictionnaire YAML")])
    students = raw.get("students")
    if isinstance(students, dict) and "file" in students:
        raise ScenarioError(
            [
                Fault(
                    name,
                    "students.file",
                    "la liste d'élèves est dans un fichier à part : envoyez ce fichier "
                    "(CSV ou XLSX) après avoir chargé le scénario",
                )
            ]
        )
    return scenario_from_dict(raw, source=name)


def read_class_list(name: str, data: bytes) -> list[dict[str, Any]]:
    """An uploaded class list (CSV or XLSX), as the student dicts of a scenario.

    Raises
    ------
    ScenarioError
        An unreadable, oversized or empty list, or an unknown file type.
    """
    return read_table(name, data, "students")


def with_students(scenario: Scenario, students: list[dict[str, Any]], source: str) -> Scenario:
    """The scenario with its class replaced (validated again)."""
    return with_table(scenario, "students", students, source)


#: Lists a teacher may replace from a CSV or XLSX table, with their French names.
TABLE_KINDS = {
    "students": "liste d'élèves",
    "hosts": "liste des entreprises (R10, R11)",
    "teachers": "équipe pédagogique (R12)",
}


def read_list(name: str, data: bytes, kind: str) -> list[dict[str, Any]]:
    """An uploaded table (CSV or XLSX) of ``kind`` (see :data:`TABLE_KINDS`)."""
    return read_table(name, data, kind)


def with_table(scenario: Scenario, kind: str, rows: list[dict[str, Any]], source: str) -> Scenario:
    """The scenario with one of its lists replaced (validated again, so a
    student whose host is not in a new host list is reported by name)."""
    raw = editable(scenario)
    raw[kind] = rows
    return scenario_from_dict(raw, source=source)


# --- save as ---


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as YAML (class list inline, every field written)."""
    text: str = yaml.safe_dump(editable(scenario), allow_unicode=True, sort_keys=False, width=100)
    return text


def save_scenario(scenario: Scenario, name: str, directory: Path) -> Path:
    """Write ``directory/name.yaml``; never overwrites an existing file.

    Raises
    ------
    ValueError
        A name that is not a plain file name (letters, digits, ``-``, ``_``).
    FileExistsError
        The file exists already.
    """
    name = name.strip().removesuffix(".yaml").removesuffix(".yml")
    if not _NAME.match(name):
        raise ValueError(
            "nom invalide : lettres sans accent, chiffres, « - » et « _ » seulement "
            "(64 caractères au plus)"
        )
    path = directory / f"{name}.yaml"
    with path.open("x", encoding="utf-8") as handle:  # "x": fails if it exists
        handle.write(
            f"# Enregistré depuis le tableau de bord stageplan\n{scenario_yaml(scenario)}"
        )
    return path
