"""Tables a school exports from its software (class lists, host lists,
the team): CSV or XLSX rows turned into the dicts a scenario holds.

One row per entity, flat columns. Cells that hold several values use ``|``
between them: date ranges as ``2027-01-04..2027-01-15 (label)``, host changes as
``2027-09-01=auto-sud``, lists (weekdays, subjects) as plain words. A host's
tutor is spread over ``tutor_name``, ``tutor_function`` and ``tutor_email``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import Fault, ScenarioError

#: Upper bound on a scenario or table file (a class is a few kB).
MAX_FILE_BYTES = 5_000_000

Row = dict[str, Any]


def decode_text(data: bytes, name: str) -> str:
    """Text of a file exported by school software: UTF-8 (with or without
    BOM) first, then Windows-1252 and Latin-1."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ScenarioError([Fault(name, "", "encodage illisible")])  # pragma: no cover


def read_table(name: str, data: bytes, kind: str) -> list[Row]:
    """Rows of a CSV or XLSX table as scenario dicts.

    Parameters
    ----------
    name
        The file's name (its suffix picks the format; named in every fault).
    data
        The file's bytes.
    kind
        ``"students"``, ``"hosts"`` or ``"teachers"``: how cells are read.

    Raises
    ------
    ScenarioError
        An unreadable, oversized or empty table, or an unknown file type.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError([Fault(name, "", "fichier trop volumineux (5 Mo au plus)")])
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".txt"):
        cells = _csv_cells(decode_text(data, name))
    elif suffix in (".xlsx", ".xlsm"):
        cells = _xlsx_cells(name, data)
    else:
        raise ScenarioError([Fault(name, "", "type de fichier inconnu (CSV ou XLSX attendu)")])
    rows = [row for row in (_row(kind, record) for record in cells) if row]
    if not rows:
        raise ScenarioError([Fault(name, "", f"la liste ({_KIND_LABELS[kind]}) est vide")])
    return rows


def read_table_file(path: Path, kind: str, owner: str, field: str) -> list[Row]:
    """:func:`read_table` on a file named by a scenario (``owner``, ``field``)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        message = f"fichier illisible {path} ({error.strerror})"
        raise ScenarioError([Fault(owner, field, message)]) from None
    return read_table(path.name, data, kind)


_KIND_LABELS = {"students": "élèves", "hosts": "entreprises", "teachers": "enseignants"}


def _csv_cells(text: str) -> list[dict[str, str]]:
    first = text.splitlines()[0] if text.strip() else ","
    try:
        dialect: Any = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    records = []
    for row in csv.DictReader(io.StringIO(text), dialect=dialect):
        records.append(
            {
                key.strip(): value.strip()
                for key, value in row.items()
                if isinstance(key, str) and isinstance(value, str) and value.strip()
            }
        )
    return records


def _xlsx_cells(name: str, data: bytes) -> list[dict[str, str]]:
    import openpyxl  # only XLSX tables need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        lines = list(book.worksheets[0].iter_rows(values_only=True))
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise ScenarioError([Fault(name, "", "classeur Excel illisible")]) from None
    if not lines:
        return []
    header = [str(cell).strip() if cell is not None else "" for cell in lines[0]]
    return [
        {
            column: _xlsx_text(value)
            for column, value in zip(header, line, strict=False)
            if column and value is not None and _xlsx_text(value)
        }
        for line in lines[1:]
    ]


def _xlsx_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _ranges(cell: str) -> list[dict[str, str]]:
    """``2027-08-02..2027-08-20 (Fermeture annuelle)|2027-11-22``."""
    ranges = []
    for part in cell.split("|"):
        dates, _, label = part.partition("(")
        start, _, end = dates.strip().partition("..")
        item = {"start": start.strip(), "end": (end or start).strip()}
        if label.strip().rstrip(")").strip():
            item["label"] = label.strip().rstrip(")").strip()
        ranges.append(item)
    return ranges


def _host_changes(cell: str) -> list[dict[str, str | None]]:
    changes: list[dict[str, str | None]] = []
    for part in cell.split("|"):
        start, _, host = part.strip().partition("=")
        changes.append({"start": start.strip(), "host": host.strip() or None})
    return changes


def _words(cell: str) -> list[str]:
    return [word.strip() for word in cell.split("|") if word.strip()]


_CELL_READERS: dict[str, dict[str, Callable[[str], Any]]] = {
    "students": {"unavailable": _ranges, "host_changes": _host_changes},
    "hosts": {"closures": _ranges},
    "teachers": {"subjects": _words, "visit_days": _words},
}


def _row(kind: str, record: dict[str, str]) -> Row:
    readers = _CELL_READERS[kind]
    row: Row = {}
    tutor: dict[str, str] = {}
    for key, value in record.items():
        if kind == "hosts" and key.startswith("tutor_"):
            tutor[key.removeprefix("tutor_")] = value
        else:
            row[key] = readers[key](value) if key in readers else value
    if tutor:
        row["tutor"] = tutor
    return row
