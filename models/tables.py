"""Tables a school exports from its software (class lists, host lists,
the team): CSV or XLSX rows turned into the dicts a scenario holds.

One row per entity, flat columns. Cells that hold several values use ``|``
between them: date ranges as ``2027-01-04..2027-01-15 (label)``, host changes as
``2027-09-01=auto-sud``, lists (weekdays, subjects) as plain words. A host's
tutor is spread over ``tutor_name``, ``tutor_function`` and ``tutor_email``.

CSV files may be comma, semicolon or tab separated (Excel's ``sep=;`` first
line is understood), in UTF-8 (with or without BOM), UTF-16 with BOM
(Excel's "Unicode text"), Windows-1252 or Latin-1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import Fault, ScenarioError

#: Upper bound on a scenario or table file (a class is a few kB).
MAX_FILE_BYTES = 5_000_000

Row = dict[str, Any]


def decode_text(data: bytes, name: str) -> str:
    """Text of a file exported by school software: UTF-16 when it starts
    with its BOM, else UTF-8 (with or without BOM), then Windows-1252 and
    Latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ScenarioError([Fault(name, "", "encodage illisible (UTF-16)")]) from None
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
        raise ScenarioError([Fault(name, "", f"la liste est vide : {_KIND_LABELS[kind]}")])
    return rows


def read_table_file(path: Path, kind: str, owner: str, field: str) -> list[Row]:
    """:func:`read_table` on a file named by a scenario.

    Parameters
    ----------
    path
        The table file.
    kind
        As for :func:`read_table`.
    owner, field
        The scenario file that names the table and the field naming it
        (``teachers.file``): a table that cannot be read at all (missing,
        empty, unknown type) is a fault there, its message naming the table.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        message = f"fichier illisible {path} ({error.strerror})"
        raise ScenarioError([Fault(owner, field, message)]) from None
    try:
        return read_table(path.name, data, kind)
    except ScenarioError as error:
        faults = [Fault(owner, field, f"{fault.file} : {fault.message}") for fault in error.faults]
        raise ScenarioError(faults) from None


_KIND_LABELS = {
    "students": "aucun élève",
    "hosts": "aucune entreprise",
    "teachers": "aucun enseignant",
}

#: Delimiters a CSV export may use, most likely first (French Excel: ``;``).
_DELIMITERS = (";", ",", "\t")


def _delimiter(header: str) -> str:
    """The delimiter of a CSV file, from its header line: the most frequent
    of ``;``, ``,`` and tab outside quotes (comma when none is found)."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_cells(text: str) -> list[dict[str, str]]:
    lines = text.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)  # blank lines before the header
    delimiter = None
    first = lines[0].rstrip("\r\n") if lines else ""
    if first.lower().startswith("sep=") and len(first) == 5:
        delimiter = first[4]  # Excel's hint: "sep=;"
        lines.pop(0)
    header = lines[0] if lines else ""
    # Excel's dialect (doubled quotes inside quoted cells) with the file's delimiter.
    reader = csv.DictReader(
        io.StringIO("".join(lines)), dialect=csv.excel, delimiter=delimiter or _delimiter(header)
    )
    records = []
    for row in reader:
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
        try:
            lines = list(book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()
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


def _parts(cell: str) -> list[str]:
    """The non-empty values of a ``|``-separated cell (``a|b|`` is ``a``, ``b``)."""
    return [part.strip() for part in cell.split("|") if part.strip()]


def _ranges(cell: str) -> list[dict[str, str]]:
    """``2027-08-02..2027-08-20 (Fermeture annuelle)|2027-11-22``.

    The label is what lies between the first ``(`` and the last ``)``, so
    that it may hold parentheses itself.
    """
    ranges = []
    for part in _parts(cell):
        dates, _, label = part.partition("(")
        start, _, end = dates.strip().partition("..")
        item = {"start": start.strip(), "end": (end or start).strip()}
        label = label.strip().removesuffix(")").strip()
        if label:
            item["label"] = label
        ranges.append(item)
    return ranges


def _host_changes(cell: str) -> list[dict[str, str | None]]:
    """``2027-09-01=electro-center|2028-01-03=`` (no host after ``=``: to be found)."""
    changes: list[dict[str, str | None]] = []
    for part in _parts(cell):
        start, _, host = part.partition("=")
        changes.append({"start": start.strip(), "host": host.strip() or None})
    return changes


def _words(cell: str) -> list[str]:
    return _parts(cell)


def _weekdays(cell: str) -> list[str]:
    """Weekdays as the scenario spells them (``Mardi`` is ``mardi``)."""
    return [word.lower() for word in _parts(cell)]


def _postcode(cell: str) -> str:
    """A French postcode that a spreadsheet read as a number (``1000`` for
    ``01000``) gets its leading zero back."""
    return cell.zfill(5) if cell.isdigit() and len(cell) == 4 else cell


_CELL_READERS: dict[str, dict[str, Callable[[str], Any]]] = {
    "students": {"unavailable": _ranges, "host_changes": _host_changes},
    "hosts": {"closures": _ranges, "postcode": _postcode},
    "teachers": {"subjects": _words, "visit_days": _weekdays},
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
