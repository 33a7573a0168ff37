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
import numbers
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from models import Fault, Scenario, ScenarioError, scenario_from_dict
from models.loading import parse_scenario_yaml
from models.tables import read_table
from planner import store

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
            item["weight"] = 1 if _blank(row.get("weight")) else _whole(row["weight"])
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


def _whole(value: Any) -> Any:
    """A whole number typed in a table cell as an ``int``; anything else
    (text, 2.5, infinity) as it is, so that validation names the field."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):  # numpy and pandas integers too
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
        return int(float(value))
    return value


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
                student[column] = None if _blank(value) or value is pd.NA else _whole(value)
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


_SEPARATE = {
    "students": "la liste d'élèves",
    "hosts": "la liste des entreprises",
    "teachers": "l'équipe pédagogique",
}


def scenario_from_yaml(name: str, data: bytes) -> Scenario:
    """An uploaded YAML scenario; its lists (class, hosts, team) must be inline.

    Read as a scenario file is (:func:`models.loading.parse_scenario_yaml`:
    safe loader, size and alias limits, UTF-8, UTF-16, Windows-1252 or
    Latin-1), so that an upload and a file give the same faults.
    """
    raw = parse_scenario_yaml(name, data)
    separate = [
        Fault(
            name,
            f"{kind}.file",
            f"{what} est dans un fichier à part : envoyez ce fichier "
            "(CSV ou XLSX) après avoir chargé le scénario",
        )
        for kind, what in _SEPARATE.items()
        if isinstance(raw.get(kind), dict) and "file" in raw[kind]
    ]
    faults = separate + _server_paths(name, raw)
    if faults:
        raise ScenarioError(faults)
    return scenario_from_dict(raw, source=name)


#: Fields of a scenario that name a file: an upload may not point at the
#: server's own files (they would be read with the server's rights).
_PATH_FIELDS = (
    ("training", "holiday_calendar", "le calendrier des vacances (utilisez `zone`)"),
    ("school", "convention_template", "le modèle de convention"),
    ("school", "attestation_template", "le modèle d'attestation"),
)


def _server_paths(name: str, raw: Mapping[str, Any]) -> list[Fault]:
    faults = []
    for section, key, what in _PATH_FIELDS:
        part = raw.get(section)
        if isinstance(part, Mapping) and part.get(key) not in (None, ""):
            faults.append(
                Fault(
                    name,
                    f"{section}.{key}",
                    f"un scénario envoyé ne peut pas désigner un fichier du serveur ({what}) : "
                    "retirez ce champ, ou placez le scénario et ses fichiers dans le dossier "
                    "des scénarios",
                )
            )
    return faults


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

#: First line of every file the dashboard writes. Only such files are
#: replaced by « Enregistrer »: the bundled and hand-written scenarios keep
#: their comments and layout (a save rewrites the whole YAML).
SAVED_MARKER = "# Enregistré depuis le tableau de bord stageplan"


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as YAML (class list inline, every field written)."""
    text: str = yaml.safe_dump(editable(scenario), allow_unicode=True, sort_keys=False, width=100)
    return text


def saved_text(scenario: Scenario) -> str:
    """What a save writes: the marker line, then :func:`scenario_yaml`."""
    return f"{SAVED_MARKER}\n{scenario_yaml(scenario)}"


def save_scenario(scenario: Scenario, name: str, directory: Path) -> Path:
    """Write ``directory/name.yaml``; never overwrites an existing file.

    Raises
    ------
    ValueError
        A name that is not a plain file name (letters, digits, ``-``, ``_``).
    FileExistsError
        The file exists already.
    """
    return save_scenario_as(scenario, name, directory).path


def save_scenario_as(scenario: Scenario, name: str, directory: Path) -> store.Saved:
    """:func:`save_scenario`, with the version written (what a later
    « Enregistrer » checks against). Atomic: the file appears whole or not at all.

    Raises
    ------
    ValueError
        A name that is not a plain file name (letters, digits, ``-``, ``_``).
    FileExistsError
        The file exists already.
    """
    path = store.scenario_path(directory, name)
    return store.Saved(path, store.save_new(path, saved_text(scenario)))


def overwrite_scenario(
    scenario: Scenario, path: Path, expected: store.Version | None, *, force: bool = False
) -> store.Version:
    """Replace ``path`` with ``scenario`` if it still holds ``expected``
    (see :func:`planner.store.save`; the version replaced is kept).

    Raises
    ------
    planner.store.VersionConflictError
        Someone changed the file since ``expected``.
    """
    return store.save(path, saved_text(scenario), expected, force=force)


def can_overwrite(path: Path, directory: Path) -> bool:
    """Whether « Enregistrer » may replace ``path``: a ``.yaml`` file of
    ``directory`` (the scenarios folder) that the dashboard wrote itself."""
    try:
        if path.suffix != store.SUFFIX or path.resolve().parent != directory.resolve():
            return False
        with path.open(encoding="utf-8") as handle:
            return handle.readline().rstrip("\r\n") == SAVED_MARKER
    except (OSError, UnicodeDecodeError):
        return False


def free_name(directory: Path, stem: str) -> str:
    """``stem-2``, ``stem-3``… : the first name not taken in ``directory``."""
    base = stem[:60]
    for number in range(2, 1000):
        candidate = f"{base}-{number}"
        if not (directory / f"{candidate}{store.SUFFIX}").exists():
            return candidate
    return f"{base}-copie"
