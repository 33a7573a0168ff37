"""Tables a school exports from its software (class lists, host lists,
the team): CSV or XLSX rows turned into the dicts a scenario holds.

One row per entity, flat columns. Cells that hold several values use ``|``
between them: date ranges as ``2027-01-04..2027-01-15 (label)``, host changes as
``2027-09-01=auto-sud``, lists (weekdays, subjects) as plain words. A host's
tutor is spread over ``tutor_name``, ``tutor_function`` and ``tutor_email``.

CSV files may be comma, semicolon or tab separated (Excel's ``sep=;`` first
line is understood), in UTF-8 (with or without BOM), UTF-16 (Excel's
"Unicode text", with or without BOM), UTF-32 with BOM, Windows-1252 or
Latin-1.

Every table is held to the bounds of :mod:`models.limits` (file size, rows,
columns, unzipped size of a workbook) and every way it can be wrong ends
in a :class:`~models.errors.ScenarioError` naming the file (and the line or
column), never in another exception (issue 7).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import errno
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import Fault, ScenarioError
from .limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_UNZIPPED_BYTES,
    french_number,
)
from .limits import MAX_FILE_BYTES as MAX_FILE_BYTES  # re-exported: callers import it here

Row = dict[str, Any]

#: Byte-order marks, longest first (a UTF-32 LE BOM starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_BINARY = (
    "fichier binaire ou encodage inconnu : un fichier texte en UTF-8, UTF-16, "
    "Windows-1252 ou Latin-1 est attendu"
)


def too_big(name: str, limit: int) -> ScenarioError:
    """The fault of a file over its size limit (``limit`` bytes)."""
    size = f"{limit / 1_000_000:g}".replace(".", ",")
    return ScenarioError([Fault(name, "", f"fichier trop volumineux ({size} Mo au plus)")])


def decode_text(data: bytes, name: str) -> str:
    """Text of a file exported by school software: UTF-32 or UTF-16 when it
    starts with its BOM, UTF-16 without BOM when every other byte is zero,
    else UTF-8 (with or without BOM), then Windows-1252 and Latin-1.

    Raises
    ------
    ScenarioError
        A file that is not text (NUL or many control characters), or whose
        BOM announces an encoding it does not follow.
    """
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            try:
                return _text_only(data.decode(encoding), name)
            except UnicodeDecodeError:
                raise ScenarioError([Fault(name, "", f"encodage illisible ({label})")]) from None
    wide = _utf16_without_bom(data)
    if wide is not None:
        try:
            return _text_only(data.decode(wide), name)
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: read as 8-bit text below
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return _text_only(data.decode(encoding), name)
        except UnicodeDecodeError:
            continue
    raise ScenarioError([Fault(name, "", "encodage illisible")])  # pragma: no cover


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` for BOM-less UTF-16 text (mostly ASCII, so
    every other byte is zero), None otherwise."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 4  # more than half the bytes of one parity are zero
    if odd > half and even == 0:
        return "utf-16-le"
    if even > half and odd == 0:
        return "utf-16-be"
    return None


_CONTROLS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text_only(text: str, name: str) -> str:
    """``text`` unless it is binary junk: a NUL, or more than 1 character
    in 20 being a control character other than tab and line breaks."""
    if "\x00" in text or len(_CONTROLS.findall(text)) * 20 > len(text):
        raise ScenarioError([Fault(name, "", _BINARY)])
    return text


def read_file_bytes(path: Path, owner: str, field: str, limit: int) -> bytes:
    """The bytes of a file named by a user, at most ``limit`` of them.

    Parameters
    ----------
    path
        The file (a scenario, or a table that a scenario names).
    owner, field
        Where the path was given (the scenario file and field, e.g.
        ``students.file``; the file itself and ``""`` for a scenario):
        a missing or unreadable file is a fault there.
    limit
        Its size limit in bytes: no more than ``limit + 1`` bytes are read,
        so that the caller's size check refuses a larger file (as a fault
        of that file) without reading it whole.

    Raises
    ------
    ScenarioError
        Missing, unreadable or not a regular file (a folder, a device such
        as ``/dev/zero``, a pipe: never read).
    """
    shown = _shorten(_CONTROLS.sub("?", str(path).replace("\x00", "?")), 200)
    try:
        if path.exists() and not path.is_file():
            reason = "c'est un dossier" if path.is_dir() else "ce n'est pas un fichier ordinaire"
            raise ScenarioError([Fault(owner, field, f"fichier illisible {shown} ({reason})")])
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = _OS_REASONS.get(getattr(error, "errno", None) or 0, "chemin invalide")
        raise ScenarioError(
            [Fault(owner, field, f"fichier illisible {shown} ({reason})")]
        ) from None
    return data


_OS_REASONS = {
    errno.ENOENT: "fichier introuvable",
    errno.EACCES: "accès refusé",
    errno.EPERM: "accès refusé",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ELOOP: "trop de liens symboliques",
    errno.EIO: "erreur de lecture du disque",
}


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        An unreadable, oversized or empty table, an unknown file type, a
        missing ``id`` or ``name`` column, a column given twice, or more rows
        than :data:`models.limits.MAX_ROWS` allows.
    """
    if len(data) > MAX_FILE_BYTES:
        raise too_big(name, MAX_FILE_BYTES)
    suffix = Path(name).suffix.lower()
    max_rows = MAX_ROWS[kind]
    if suffix in (".csv", ".txt"):
        header, cells = _csv_cells(name, decode_text(data, name), max_rows)
    elif suffix in (".xlsx", ".xlsm"):
        header, cells = _xlsx_cells(name, data, max_rows)
    else:
        raise ScenarioError([Fault(name, "", "type de fichier inconnu (CSV ou XLSX attendu)")])
    rows = [row for row in (_row(kind, record) for record in cells) if row]
    if not rows:
        raise ScenarioError([Fault(name, "", f"la liste est vide : {_KIND_LABELS[kind]}")])
    _check_header(name, header)
    if len(rows) > max_rows:
        message = f"trop de lignes : {french_number(max_rows)} {_KIND_NOUNS[kind]} au plus"
        raise ScenarioError([Fault(name, "", message)])
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
    data = read_file_bytes(path, owner, field, MAX_FILE_BYTES)
    try:
        return read_table(path.name, data, kind)
    except ScenarioError as error:
        faults = [Fault(owner, field, str(fault)) for fault in error.faults]
        raise ScenarioError(faults) from None


_KIND_LABELS = {
    "students": "aucun élève",
    "hosts": "aucune entreprise",
    "teachers": "aucun enseignant",
}
_KIND_NOUNS = {"students": "élèves", "hosts": "entreprises", "teachers": "enseignants"}
#: Columns every table needs (a student, a host, a teacher has an id and a name).
_REQUIRED_COLUMNS = ("id", "name")


def _check_header(name: str, header: list[str]) -> None:
    """A table names each column once, with ``id`` and ``name`` among them."""
    faults = []
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            shown = _shorten(column, 60)
            faults.append(Fault(name, shown, f"colonne « {shown} » en double"))
        seen.add(column)
    read = ", ".join(_shorten(c, 40) for c in header[:12] if c) + (
        " …" if len(header) > 12 else ""
    )
    for column in _REQUIRED_COLUMNS:
        if column not in seen:
            message = (
                f"colonne obligatoire « {column} » absente (colonnes lues : {read or 'aucune'})"
            )
            if len(header) == 1:
                message += " ; séparateur attendu : virgule, point-virgule ou tabulation"
            faults.append(Fault(name, column, message))
    if faults:
        raise ScenarioError(faults)


#: Delimiters a CSV export may use, most likely first (French Excel: ``;``).
_DELIMITERS = (";", ",", "\t")


def _delimiter(header: str) -> str:
    """The delimiter of a CSV file, from its header line: the most frequent
    of ``;``, ``,`` and tab outside quotes (comma when none is found)."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_cells(name: str, text: str, max_rows: int) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the non-empty records of a CSV table; reading stops
    one record past ``max_rows`` (the caller refuses the table)."""
    lines = text.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)  # blank lines before the header
    delimiter = None
    first = lines[0].rstrip("\r\n") if lines else ""
    if first.lower().startswith("sep=") and len(first) == 5:
        delimiter = first[4]  # Excel's hint: "sep=;"
        lines.pop(0)
    delimiter = delimiter or _delimiter(lines[0] if lines else "")
    skipped = len(text.splitlines()) - len(lines)  # blank and "sep=" lines before the header
    records: list[dict[str, str]] = []
    source = io.StringIO("".join(lines))
    reader: csv.DictReader[str] | None = None
    try:
        # Excel's dialect (doubled quotes inside quoted cells) with the file's delimiter.
        reader = csv.DictReader(source, dialect=csv.excel, delimiter=delimiter)
        header = [column.strip() for column in reader.fieldnames or ()]
        if len(header) > MAX_COLUMNS:
            message = f"trop de colonnes : {french_number(MAX_COLUMNS)} au plus"
            raise ScenarioError([Fault(name, f"ligne {skipped + 1}", message)])
        for row in reader:
            record = {
                key.strip(): value.strip()
                for key, value in row.items()
                if isinstance(key, str) and isinstance(value, str) and value.strip()
            }
            if record:
                records.append(record)
            if len(records) > max_rows:
                break
    except (csv.Error, TypeError) as error:  # TypeError: a "sep=" line naming no delimiter
        # The reader counts the lines it has read whole: the fault is on the next one.
        line = f"ligne {skipped + reader.line_num + 1}" if reader is not None else ""
        raise ScenarioError([Fault(name, line, _csv_problem(error))]) from None
    return header, records


def _csv_problem(error: Exception) -> str:
    text = str(error)
    if "field limit" in text:
        limit = french_number(csv.field_size_limit())
        return f"cellule trop longue ({limit} caractères au plus)"
    if "new-line" in text:
        return "retour à la ligne isolé dans une cellule (fichier CSV abîmé ou binaire ?)"
    return "CSV illisible (guillemets ou séparateurs mal placés)"


def _xlsx_cells(name: str, data: bytes, max_rows: int) -> tuple[list[str], list[dict[str, str]]]:
    """The header (first row) and the non-empty records of the first sheet;
    reading stops one record past ``max_rows`` (the caller refuses the table)."""
    import openpyxl  # only XLSX tables need it

    _check_unzipped_size(name, data)
    records: list[dict[str, str]] = []
    header: list[str] = []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            # The <dimension> a writer records may be wrong or missing (rows
            # past it would be lost): read every row, up to the limits.
            sheet.reset_dimensions()
            lines = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
            first = next(lines, None)
            header = [cell_text(cell) if cell is not None else "" for cell in first or ()]
            for line in lines:
                record = {
                    column: cell_text(value)
                    for column, value in zip(header, line, strict=False)
                    if column and value is not None and cell_text(value)
                }
                if record:
                    records.append(record)
                if len(records) > max_rows:
                    break
        finally:
            book.close()
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise ScenarioError([Fault(name, "", "classeur Excel illisible")]) from None
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        message = f"trop de colonnes : {french_number(MAX_COLUMNS)} au plus"
        raise ScenarioError([Fault(name, "ligne 1", message)])
    return header, records


def _check_unzipped_size(name: str, data: bytes) -> None:
    """Refuse a workbook whose parts unzip to more than the limit (a small
    file that would expand to gigabytes)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ScenarioError(
            [Fault(name, "", "classeur Excel illisible (ce n'est pas un fichier XLSX)")]
        ) from None
    if unzipped > MAX_XLSX_UNZIPPED_BYTES:
        limit = MAX_XLSX_UNZIPPED_BYTES // 1_000_000
        message = f"classeur Excel trop volumineux une fois décompressé ({limit} Mo au plus)"
        raise ScenarioError([Fault(name, "", message)])


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates ISO, whole
    numbers without ``.0``, empty for an empty cell)."""
    if value is None:
        return ""
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
