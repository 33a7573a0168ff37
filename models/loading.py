"""Reading a scenario file (YAML) and its class list (CSV) into a
:class:`~models.scenario.Scenario`, with one French message per fault."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .dates import DateRange
from .errors import Fault, ScenarioError
from .scenario import CrossReferenceError, Scenario
from .tables import MAX_FILE_BYTES, decode_text, read_table_file


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path
        A YAML scenario; its ``students`` may be a list or ``{file: x.csv}``,
        a CSV path relative to the scenario file.

    Raises
    ------
    ScenarioError
        With one :class:`Fault` per problem (file, field path, French message).
    """
    path = Path(path)
    raw = _read_yaml(path)
    raw = _resolve_files(raw, path)
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError(_faults_of(error, path.name, raw)) from None


def scenario_from_dict(raw: Mapping[str, Any], source: str = "<scénario>") -> Scenario:
    """Validate an in-memory scenario (tests, dashboard), same faults as files."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError(_faults_of(error, source, raw)) from None


def _read_text(path: Path, owner: str, field: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        message = f"fichier illisible {path} ({error.strerror})"
        raise ScenarioError([Fault(owner, field, message)]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError([Fault(path.name, "", "fichier trop volumineux (5 Mo au plus)")])
    return decode_text(data, path.name)


def _read_yaml(path: Path) -> dict[str, Any]:
    text = _read_text(path, path.name, "")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"ligne {mark.line + 1}" if mark is not None else ""
        raise ScenarioError([Fault(path.name, where, "YAML invalide")]) from None
    if not isinstance(raw, dict):
        raise ScenarioError([Fault(path.name, "", "le scénario doit être un dictionnaire YAML")])
    return raw


#: Lists a scenario may take from a CSV or XLSX table: ``students: {file: x.csv}``.
_TABLES = ("students", "hosts", "teachers")


def _resolve_files(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    raw = dict(raw)
    for kind in _TABLES:
        value = raw.get(kind)
        if isinstance(value, dict) and set(value) == {"file"}:
            table = path.parent / str(value["file"])
            raw[kind] = read_table_file(table, kind, owner=path.name, field=f"{kind}.file")
    training = raw.get("training")
    if isinstance(training, dict) and training.get("holiday_calendar"):
        training = dict(training)
        calendar = path.parent / str(training["holiday_calendar"])
        training["holiday_calendar"] = str(calendar.resolve())
        raw["training"] = training
    school = raw.get("school")
    if isinstance(school, dict):
        school = dict(school)
        for key in ("convention_template", "attestation_template"):
            if school.get(key):
                school[key] = str((path.parent / str(school[key])).resolve())
        raw["school"] = school
    return raw


def read_students_csv(path: Path, owner: str = "") -> list[dict[str, Any]]:
    """Read a class list exported from school software (CSV or XLSX).

    Comma or semicolon separated, UTF-8 (with or without BOM) or Latin-1.
    Empty cells are left out; ``unavailable`` holds ranges as
    ``2027-01-04..2027-01-15`` separated by ``|`` (see :mod:`models.tables`).
    """
    return read_table_file(path, "students", owner=owner, field="students.file")


_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu",
    "date_from_datetime_parsing": "date invalide (attendu AAAA-MM-JJ)",
    "date_parsing": "date invalide (attendu AAAA-MM-JJ)",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "bool_parsing": "vrai ou faux attendu (true/false)",
    "string_type": "texte attendu",
    "tuple_type": "liste attendue",
    "model_type": "dictionnaire attendu",
}


def _faults_of(error: ValidationError, file: str, raw: Mapping[str, Any]) -> list[Fault]:
    faults: list[Fault] = []
    for item in error.errors():
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, CrossReferenceError):
            faults.extend(Fault(file, field, message) for field, message in cause.faults)
            continue
        loc = [part for part in item["loc"] if not _is_union_tag(part)]
        faults.append(Fault(file, _field_path(loc, raw), _message(item)))
    return faults


def _is_union_tag(part: object) -> bool:
    # pydantic adds the member type to the location of union errors.
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "literal['all']"})


def _field_path(loc: Sequence[Any], raw: Mapping[str, Any]) -> str:
    text = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int):
            ident = node[part].get("id") if _indexable(node, part) else None
            text += f"[{part}]" + (f" (id {ident})" if ident else "")
        else:
            text += ("." if text else "") + str(part)
        node = _child(node, part)
    return text


def _indexable(node: Any, index: int) -> bool:
    return isinstance(node, list) and index < len(node) and isinstance(node[index], dict)


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    return None


def _message(item: Any) -> str:
    kind = item["type"]
    ctx = item.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    if kind in ("enum", "literal_error"):
        # pydantic joins the allowed values with an English "or".
        expected = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"valeur inconnue {item['input']!r} (attendu : {expected})"
    if kind in ("greater_than_equal", "greater_than"):
        return f"valeur {item['input']!r} trop petite (minimum {ctx.get('ge', ctx.get('gt'))})"
    if kind in ("less_than_equal", "less_than"):
        return f"valeur {item['input']!r} trop grande (maximum {ctx.get('le', ctx.get('lt'))})"
    return _MESSAGES.get(kind, str(item["msg"]))


__all__ = ["DateRange", "Fault", "ScenarioError", "load_scenario", "read_students_csv"]
