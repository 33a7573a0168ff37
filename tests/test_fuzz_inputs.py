"""Fuzzing what a user types or uploads (issue 7): scenario dicts (the
dashboard's edits), scenario YAML (files and uploads), class, host and
team tables (CSV and XLSX) and plain junk.

The property of every test: the call returns a valid scenario (or table
rows), or raises :class:`ScenarioError` whose every fault names the file,
names the field when one is at fault, and says what is wrong in French.
Any other exception, or a call that takes more than a few seconds, fails.

Derandomized, with no example database: CI runs the same examples every
time. Each property counts the examples it ran; the last test writes the
figures to ``$STAGEPLAN_FUZZ_REPORT`` (default
``/tmp/stageplan-fuzz-report.json``) for ``docs/reliability.md``.

The second half holds one example-based regression test per bug the
fuzzing found.
"""

from __future__ import annotations

import atexit
import copy
import csv
import datetime as dt
import io
import json
import math
import os
import re
import shutil
import signal
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any

import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.scenario_edit import (
    apply_edits,
    editable,
    ranges_frame,
    read_list,
    scenario_from_yaml,
    students_frame,
    with_table,
)
from models import Scenario, ScenarioError, load_scenario, scenario_from_dict
from models.tables import read_table

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DEFAULT = SCENARIOS / "default.yaml"
CSV_FILES = {
    "students": SCENARIOS / "classe-nrc-2026.csv",
    "hosts": SCENARIOS / "entreprises-nrc-2026.csv",
    "teachers": SCENARIOS / "equipe-nrc-2026.csv",
}

#: A call slower than this fails the property (a hang is cut at HANG_S).
SLOW_S = 3.0
HANG_S = 10.0

PROFILE = dict(
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=SLOW_S),
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# --- the bundled inputs every strategy mutates --------------------------------

BASE_SCENARIO = load_scenario(DEFAULT)
BASE: dict[str, Any] = editable(BASE_SCENARIO)  # JSON types, every list inline
CSV_TEXT = {kind: path.read_text(encoding="utf-8") for kind, path in CSV_FILES.items()}


def _latin(value: Any) -> Any:
    """``value`` with every text made Latin-1 encodable (``—`` becomes ``?``)."""
    if isinstance(value, str):
        return value.encode("latin-1", "replace").decode("latin-1")
    if isinstance(value, list):
        return [_latin(item) for item in value]
    if isinstance(value, dict):
        return {key: _latin(item) for key, item in value.items()}
    return value


LATIN_BASE = _latin(BASE)
LATIN_SCENARIO = scenario_from_dict(LATIN_BASE)
LATIN_YAML = yaml.safe_dump(LATIN_BASE, allow_unicode=True, sort_keys=False)
LATIN_CSV = {kind: _latin(text) for kind, text in CSV_TEXT.items()}
REFERENCE_ROWS = {
    kind: read_table(f"{kind}.csv", text.encode("utf-8"), kind) for kind, text in LATIN_CSV.items()
}
#: A small inline scenario (six students) whose YAML text is mutated.
SMALL: dict[str, Any] = {**BASE, "students": BASE["students"][:6], "conventions": []}
SMALL_YAML = yaml.safe_dump(SMALL, allow_unicode=True, sort_keys=False)
#: Files written for load_scenario live here for the whole module.
WORKDIR = Path(tempfile.mkdtemp(prefix="stageplan-fuzz-"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)

# --- counting -----------------------------------------------------------------

RUNS: Counter[str] = Counter()
OUTCOMES: defaultdict[str, Counter[str]] = defaultdict(Counter)
SLOWEST: defaultdict[str, float] = defaultdict(float)
REPORT = Path(os.environ.get("STAGEPLAN_FUZZ_REPORT", "/tmp/stageplan-fuzz-report.json"))


class Hang(BaseException):
    """A call past HANG_S (a BaseException: no ``except Exception`` hides it)."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"plus de {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


#: Words of pydantic's, Python's or PyYAML's English messages.
ENGLISH = re.compile(
    r"\b(Input|should|must|required|Unable|Field|Value|error|expected|found|"
    r"could not|while|valid|Traceback|object|NoneType)\b"
)
QUOTED = re.compile(r"«[^»]*»|'[^']*'")
#: A fault with no field is about the whole file; its message says which way.
WHOLE_FILE = (
    "fichier",
    "encodage",
    "dictionnaire YAML",
    "liste est vide",
    "classeur Excel",
    "document trop grand",
    "imbrication",
    "trop de lignes",
    "autres erreurs",
)


def check_faults(error: ScenarioError, files: set[str]) -> None:
    """Every fault names one of ``files``, names its field unless the whole
    file is at fault, and says what is wrong in short French."""
    assert error.faults, "a ScenarioError without a fault"
    for fault in error.faults:
        assert fault.file in files, fault
        assert fault.message.strip(), fault
        assert len(fault.message) <= 400 and len(fault.field) <= 200, fault
        assert "\n" not in fault.message + fault.field, fault
        said = QUOTED.sub("", fault.message)  # what the user wrote may be in any language
        assert not ENGLISH.search(said), fault
        assert fault.field or any(word in fault.message for word in WHOLE_FILE), fault


def outcome(prop: str, files: set[str], call: Callable[[], Any]) -> Any:
    """Run ``call`` under the property: its result, or the ScenarioError it
    raised (checked). Any other exception propagates and fails the test."""
    RUNS[prop] += 1
    started = time.perf_counter()
    try:
        with _time_limit(HANG_S):
            result = call()
    except ScenarioError as error:
        result = error
    elapsed = time.perf_counter() - started
    SLOWEST[prop] = max(SLOWEST[prop], elapsed)
    assert elapsed < SLOW_S, f"{elapsed:.1f} s"
    if isinstance(result, ScenarioError):
        check_faults(result, files)
        OUTCOMES[prop]["refused"] += 1
    else:
        OUTCOMES[prop]["accepted"] += 1
    return result


# --- strategies: junk values ----------------------------------------------------

HUGE = st.sampled_from([10**100, -(10**100), 10**4000, 2**63, -1, 0, 10**9, 1e308, -1e308])
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [math.nan, math.inf, -math.inf, 1e308, 2.5, -0.0]
)
LONG_TEXT = st.sampled_from(["x" * 100_000, "é" * 5_000, "\u202e" * 300, " ", "", "\x00"])
DATES = st.sampled_from(
    [
        "2026-02-30",
        "0000-01-01",
        "9999-12-31",
        "2062-09-01",
        "1999-12-31",
        "31/12/2027",
        "2027-13-01",
        "demain",
        dt.date(1, 1, 1),
        dt.date(9999, 12, 31),
        dt.datetime(2027, 1, 4, 12, 30),
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    HUGE,
    FLOATS,
    st.text(max_size=30),
    LONG_TEXT,
    DATES,
    st.binary(max_size=10),
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers() | st.none(), inner, max_size=4)
    ),
    max_leaves=12,
)
UNKNOWN_IDS = st.sampled_from(["inconnu", "e999", "", " ", "SPORT-HORIZON", "x" * 150])


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


PATHS = [path for path in _paths(BASE) if path]


def _parent(raw: Any, path: tuple[Any, ...]) -> Any:
    """The container holding ``path``'s last part, None when gone."""
    node = raw
    for part in path[:-1]:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            node = node[part]
        else:
            return None
    last = path[-1]
    if isinstance(node, dict) and last in node:
        return node
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        return node
    return None


@st.composite
def mutated_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """The bundled scenario with one to three things wrong in it."""
    raw = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        how = draw(
            st.sampled_from(
                [
                    "junk",
                    "junk",
                    "drop",
                    "unknown_id",
                    "dates",
                    "duplicate",
                    "empty",
                    "monster",
                    "swap_dates",
                ]
            )
        )
        if how == "empty":
            key = draw(st.sampled_from(["students", "hosts", "teachers", "progression"]))
            raw[key] = draw(st.sampled_from([[], {}, None, ""]))
            continue
        if how == "monster":
            key = draw(st.sampled_from(["students", "hosts", "teachers", "locked"]))
            items = raw.get(key) or [{"id": "x", "name": "x"}]
            raw[key] = [copy.deepcopy(items[0]) for _ in range(draw(st.sampled_from([501, 6000])))]
            continue
        if how == "duplicate":
            key = draw(st.sampled_from(["students", "hosts", "teachers"]))
            if isinstance(raw.get(key), list) and raw[key]:
                raw[key].append(copy.deepcopy(draw(st.sampled_from(raw[key]))))
            continue
        if how == "unknown_id":
            index = draw(st.integers(0, len(BASE["students"]) - 1))
            field = draw(st.sampled_from(["host", "referent"]))
            if isinstance(raw.get("students"), list) and index < len(raw["students"]):
                student = raw["students"][index]
                if isinstance(student, dict):
                    student[field] = draw(UNKNOWN_IDS)
            continue
        path = draw(st.sampled_from(PATHS))
        parent = _parent(raw, path)
        if parent is None:
            continue
        last = path[-1]
        if how == "drop":
            del parent[last]
        elif how == "junk":
            parent[last] = draw(JUNK)
        elif how == "dates":
            parent[last] = draw(DATES)
        elif how == "swap_dates" and isinstance(parent, dict):
            # A range whose end precedes its start, or a training backwards.
            for start, end in (("start", "end"), ("first_date", "last_date")):
                if start in parent and end in parent:
                    parent[start], parent[end] = parent[end], parent[start]
    return raw


# --- strategies: YAML text ------------------------------------------------------

TAGS = [
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system",
    "!!python/object:builtins.object {}",
    "!foo bar",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [{a: 1}]",
    "!!timestamp 2026-02-30",
    "!!int 1" + "0" * 5000,
    "!!float .nan",
    "!!str",
    "&a [*a]",
]
ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "cp1252",
    "latin-1",
]


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-32":
        return text.encode("utf-32")  # with its BOM
    if encoding in ("cp1252", "latin-1"):
        return text.encode(encoding, errors="replace")
    return text.encode(encoding, errors="surrogatepass")


@st.composite
def mutated_yaml(draw: st.DrawFn) -> bytes:
    """A scenario's YAML text, damaged: cut, lines lost or repeated, junk
    inserted, a tag or a bad scalar as a value; in some encoding."""
    lines = SMALL_YAML.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["cut", "drop", "repeat", "insert", "tag", "indent", "value"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if not lines:
            break
        if how == "cut":
            text = "".join(lines)
            lines = [text[: draw(st.integers(0, len(text)))]]
        elif how == "drop":
            del lines[at]
        elif how == "repeat":
            lines.insert(at, lines[at])
        elif how == "insert":
            lines.insert(at, draw(st.text(max_size=40)) + "\n")
        elif how == "indent":
            lines[at] = draw(st.sampled_from(["\t", " ", "   ", ""])) + lines[at].lstrip()
        elif how in ("tag", "value"):
            key, colon, _ = lines[at].partition(":")
            if colon:
                value = draw(st.sampled_from(TAGS)) if how == "tag" else _yaml_scalar(draw)
                lines[at] = f"{key}: {value}\n"
    return _encode("".join(lines), draw(st.sampled_from(ENCODINGS)))


def _yaml_scalar(draw: st.DrawFn) -> str:
    return draw(
        st.sampled_from(
            [
                "1" + "0" * 5000,
                "-1",
                "1e999",
                ".nan",
                "-.inf",
                "2026-02-30",
                "2026-09-01 25:61:00",
                "2026-09-01 12:00:00+99:00",
                "0000-01-01",
                "~",
                "[]",
                "{}",
                "[[[[[[]]]]]]",
                "'" + "x" * 20_000 + "'",
                "0x7fffffffffffffffffff",
                "1:30:00",
                "0b1111",
                "yes",
                "'unterminated",
                "*undefined",
                "&dup a",
                "? [a, b]",
                '"\\x00"',
                '"\\ud800"',
            ]
        )
    )


@st.composite
def yaml_bombs(draw: st.DrawFn) -> bytes:
    """Alias bombs, deep nestings, recursion and anchor floods."""
    head = (
        "name: bombe\n"
        "training: {first_date: 2026-09-01, last_date: 2028-06-30, zone: A}\n"
        "students: [{id: s1, name: Léa}]\n"
    )
    kind = draw(st.sampled_from(["laughs", "flow", "block", "recursive", "anchors", "merge"]))
    if kind == "laughs":
        fan, levels = draw(st.integers(2, 10)), draw(st.integers(2, 12))
        target = draw(st.sampled_from(["name", "description", "students", "hosts", "x"]))
        item = draw(st.sampled_from(['"lol"', "{id: s1, name: Léa}", "2027-01-04"]))
        text = f"a0: &a0 [{', '.join([item] * fan)}]\n"
        for level in range(1, levels):
            text += f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * fan)}]\n"
        body = head.replace(f"{target}:", f"{target}_:") if target in head else head
        return (text + body + f"{target}: *a{levels - 1}\n").encode()
    if kind == "flow":
        depth = draw(st.integers(10, 5000))
        return (head + "description: " + "[" * depth + "]" * depth + "\n").encode()
    if kind == "block":
        depth = draw(st.integers(10, 300))
        nest = "".join("  " * i + "-\n" for i in range(depth))
        return (head + "description:\n" + nest).encode()
    if kind == "recursive":
        return (head + draw(st.sampled_from(["x: &a [*a]\n", "x: &a {b: *a}\n"]))).encode()
    if kind == "anchors":
        count = draw(st.integers(1, 120_000))
        return (head + "x: &a 1\ny: [" + "*a, " * count + "*a]\n").encode()
    count = draw(st.integers(1, 50))
    text = "b0: &b0 {k0: 1}\n" + "".join(
        f"b{i}: &b{i} {{<<: *b{i - 1}, k{i}: {i}}}\n" for i in range(1, count)
    )
    return (text + head).encode()


# --- strategies: tables ---------------------------------------------------------


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _csv(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue()


@st.composite
def reencoded_tables(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """A bundled table as school software exports it: any separator, line
    ending, Excel's ``sep=`` line, encoding (with or without BOM)."""
    kind = draw(st.sampled_from(sorted(LATIN_CSV)))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = _csv(_rows(LATIN_CSV[kind]), delimiter, newline)
    if draw(st.booleans()):
        text = f"sep={delimiter}{newline}{text}"
    if draw(st.booleans()):
        text = newline + text + newline * 2  # blank lines around
    encoding = draw(st.sampled_from(ENCODINGS))
    return kind, encoding, _encode(text, encoding)


CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "x" * 200_000,
            "..",
            "|||",
            "=",
            "2027-02-30..2027-01-01",
            "2027-01-04..2026-01-01 (fin avant début)",
            "2027-09-01=inconnu",
            "dimanche",
            "1" + "0" * 5000,
            "nan",
            "inf",
            "-1",
            '"',
            '"a""b',
            "e01",
            "\x00",
        ]
    ),
)


@st.composite
def mutated_tables(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """A bundled table with columns lost, added or renamed, rows repeated,
    cells junk, the text cut or spliced with bytes; in some encoding."""
    kind = draw(st.sampled_from(sorted(CSV_TEXT)))
    rows = _rows(CSV_TEXT[kind])
    for _ in range(draw(st.integers(1, 3))):
        how = draw(
            st.sampled_from(
                ["drop_col", "add_col", "rename", "repeat_row", "cell", "cell", "header_only"]
            )
        )
        width = len(rows[0])
        column = draw(st.integers(0, width - 1))
        row = draw(st.integers(0, len(rows) - 1))
        if how == "drop_col":
            rows = [r[:column] + r[column + 1 :] for r in rows]
        elif how == "add_col":
            rows = [
                [*r, draw(CELLS) if i else draw(st.text(max_size=10))] for i, r in enumerate(rows)
            ]
        elif how == "rename":
            rows[0][column] = draw(st.text(max_size=12) | st.sampled_from(["id", "name", ""]))
        elif how == "repeat_row" and len(rows) > 1:
            rows.insert(row, list(rows[max(row, 1)]))
        elif how == "cell" and len(rows) > 1 and column < len(rows[max(row, 1)]):
            rows[max(row, 1)][column] = draw(CELLS)
        elif how == "header_only":
            rows = rows[:1]
        if not rows or not rows[0]:
            break
    text = _csv(rows, draw(st.sampled_from([",", ";", "\t", "|", " "])))
    data = _encode(text, draw(st.sampled_from(ENCODINGS)))
    splice = draw(st.sampled_from(["none", "none", "cut", "bytes"]))
    at = draw(st.integers(0, len(data)))
    if splice == "cut":
        data = data[:at]
    elif splice == "bytes":
        data = data[:at] + draw(st.binary(min_size=1, max_size=50)) + data[at:]
    name = f"{kind}{draw(st.sampled_from(['.csv', '.CSV', '.txt']))}"
    return kind, name, data


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return _without_timestamps(buffer.getvalue())


def _without_timestamps(data: bytes) -> bytes:
    """The workbook with its save time fixed, in its properties and its zip
    entries: the same rows give the same bytes. Hypothesis replays a drawn
    case and draws cut and flip positions up to the workbook's length, which
    the save time otherwise changes by a few compressed bytes (a
    FlakyStrategyDefinition error once the clock moves between replays)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", content
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            target.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


XLSX_CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20),
    st.sampled_from(
        [
            dt.datetime(2027, 1, 4, 13, 5),
            dt.date(1900, 1, 1),
            dt.time(3, 4),
            "x" * 30_000,
            "2027-01-04..2027-01-15",
            "=1/0",
            "=A1",
        ]
    ),
)


@st.composite
def xlsx_tables(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real workbook of a bundled table with typed junk in some cells,
    or such a workbook cut short or with bytes flipped."""
    kind = draw(st.sampled_from(sorted(CSV_TEXT)))
    rows: list[list[Any]] = [list(r) for r in _rows(CSV_TEXT[kind])]
    for _ in range(draw(st.integers(0, 4))):
        row = draw(st.integers(0, len(rows) - 1))
        column = draw(st.integers(0, len(rows[row])))
        if column < len(rows[row]):
            rows[row][column] = draw(XLSX_CELLS)
        else:
            rows[row].append(draw(XLSX_CELLS))
    data = _xlsx(rows)
    damage = draw(st.sampled_from(["none", "none", "cut", "flip"]))
    if damage == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "flip":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    return kind, data


@st.composite
def junk_zips(draw: st.DrawFn) -> bytes:
    """A zip archive that is not a workbook (or a broken one)."""
    buffer = io.BytesIO()
    names = st.sampled_from(
        ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "foo.txt"]
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in draw(st.lists(names, max_size=4, unique=True)):
            archive.writestr(name, draw(st.binary(max_size=200)))
    return buffer.getvalue()


# --- properties -------------------------------------------------------------------


@settings(max_examples=500, **PROFILE)  # type: ignore[arg-type]
@given(mutated_scenarios())
def test_any_scenario_dict_is_valid_or_refused_in_french(raw: dict[str, Any]) -> None:
    result = outcome("scenario_dict", {"fuzz.yaml"}, lambda: scenario_from_dict(raw, "fuzz.yaml"))
    assert isinstance(result, Scenario | ScenarioError)


@settings(max_examples=500, **PROFILE)  # type: ignore[arg-type]
@given(mutated_yaml())
def test_any_yaml_upload_is_valid_or_refused_in_french(data: bytes) -> None:
    result = outcome("yaml_upload", {"fuzz.yaml"}, lambda: scenario_from_yaml("fuzz.yaml", data))
    assert isinstance(result, Scenario | ScenarioError)


@settings(max_examples=200, **PROFILE)  # type: ignore[arg-type]
@given(yaml_bombs())
def test_yaml_bombs_and_deep_nesting_are_refused_fast(data: bytes) -> None:
    result = outcome("yaml_bomb", {"bombe.yaml"}, lambda: scenario_from_yaml("bombe.yaml", data))
    assert isinstance(result, Scenario | ScenarioError)


@settings(max_examples=300, **PROFILE)  # type: ignore[arg-type]
@given(st.binary(max_size=3000) | mutated_yaml() | yaml_bombs())
def test_any_scenario_file_is_valid_or_refused_in_french(data: bytes) -> None:
    path = WORKDIR / "scenario.yaml"
    path.write_bytes(data)
    result = outcome("yaml_file", {"scenario.yaml"}, lambda: load_scenario(path))
    assert isinstance(result, Scenario | ScenarioError)


@settings(max_examples=40, **PROFILE)  # type: ignore[arg-type]
@given(st.sampled_from(ENCODINGS), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_every_export_encoding_of_a_valid_scenario_loads(
    encoding: str, newline: str, upload: bool
) -> None:
    data = _encode(LATIN_YAML.replace("\n", newline), encoding)
    if upload:
        result = outcome("yaml_encoding", {"s.yaml"}, lambda: scenario_from_yaml("s.yaml", data))
    else:
        path = WORKDIR / "s.yaml"
        path.write_bytes(data)
        result = outcome("yaml_encoding", {"s.yaml"}, lambda: load_scenario(path))
    assert result == LATIN_SCENARIO, result


@settings(max_examples=100, **PROFILE)  # type: ignore[arg-type]
@given(reencoded_tables())
def test_every_export_of_a_valid_table_loads(table: tuple[str, str, bytes]) -> None:
    kind, encoding, data = table
    rows = outcome(
        "table_encoding", {f"{kind}.csv"}, lambda: read_table(f"{kind}.csv", data, kind)
    )
    assert rows == REFERENCE_ROWS[kind], encoding


@settings(max_examples=500, **PROFILE)  # type: ignore[arg-type]
@given(mutated_tables())
def test_any_table_is_valid_or_refused_in_french(table: tuple[str, str, bytes]) -> None:
    kind, name, data = table

    def upload() -> Scenario:
        return with_table(BASE_SCENARIO, kind, read_list(name, data, kind), name)

    result = outcome("table_csv", {name}, upload)
    assert isinstance(result, Scenario | ScenarioError)


@settings(max_examples=150, **PROFILE)  # type: ignore[arg-type]
@given(mutated_tables())
def test_any_table_named_by_a_scenario_file_is_valid_or_refused(
    table: tuple[str, str, bytes],
) -> None:
    # default.yaml with its three tables beside it, one of them damaged.
    kind, _, data = table
    folder = WORKDIR / "tables"
    folder.mkdir(exist_ok=True)
    for other, path in CSV_FILES.items():
        (folder / path.name).write_bytes(data if other == kind else path.read_bytes())
    (folder / "classe.yaml").write_bytes(DEFAULT.read_bytes())
    result = outcome("table_file", {"classe.yaml"}, lambda: load_scenario(folder / "classe.yaml"))
    assert isinstance(result, Scenario | ScenarioError)


@settings(max_examples=150, **PROFILE)  # type: ignore[arg-type]
@given(xlsx_tables())
def test_any_workbook_is_valid_or_refused_in_french(table: tuple[str, bytes]) -> None:
    kind, data = table
    name = f"{kind}.xlsx"

    def upload() -> Scenario:
        return with_table(BASE_SCENARIO, kind, read_list(name, data, kind), name)

    result = outcome("table_xlsx", {name}, upload)
    assert isinstance(result, Scenario | ScenarioError)


@settings(max_examples=300, **PROFILE)  # type: ignore[arg-type]
@given(
    st.binary(max_size=3000) | junk_zips(),
    st.sampled_from(["x.csv", "x.txt", "x.xlsx", "x.xlsm", "x.pdf", "x", "x.yaml"]),
    st.sampled_from(["students", "hosts", "teachers"]),
)
def test_any_uploaded_junk_is_refused_in_french(data: bytes, name: str, kind: str) -> None:
    def upload() -> Any:
        if name.endswith(".yaml"):
            return scenario_from_yaml(name, data)
        return with_table(BASE_SCENARIO, kind, read_list(name, data, kind), name)

    result = outcome("junk_upload", {name}, upload)
    assert isinstance(result, Scenario | ScenarioError)


EDIT_VALUES = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    HUGE,
    FLOATS,
    st.text(max_size=10),
    st.sampled_from([pd.NaT, pd.NA, dt.date(1, 1, 1), dt.date(2062, 1, 1), "abc", True]),
)


@settings(max_examples=250, **PROFILE)  # type: ignore[arg-type]
@given(st.data())
def test_any_form_edit_is_valid_or_refused_in_french(data: st.DataObject) -> None:
    raw = copy.deepcopy(BASE)
    frames = {
        "preferred": ranges_frame(raw["progression"]["preferred"], weight=True).astype(object),
        "blocked": ranges_frame(raw["progression"]["blocked"]).astype(object),
        "students": students_frame(raw["students"]).astype(object),
    }
    for _ in range(data.draw(st.integers(1, 4))):
        frame = frames[data.draw(st.sampled_from(sorted(frames)))]
        row = data.draw(st.integers(0, len(frame)))  # len(frame): a new row
        column = data.draw(st.sampled_from(list(frame.columns)))
        frame.loc[row, column] = data.draw(EDIT_VALUES)
    rules = data.draw(
        st.dictionaries(st.sampled_from(["required_weeks", "block_min_weeks"]), EDIT_VALUES)
    )
    weights = data.draw(st.dictionaries(st.sampled_from(["sync", "preferred"]), EDIT_VALUES))

    def edit() -> Scenario:
        edited = apply_edits(raw, rules=rules, weights=weights, **frames)
        return scenario_from_dict(edited, source="édition")

    result = outcome("form_edit", {"édition"}, edit)
    assert isinstance(result, Scenario | ScenarioError)


def test_zz_fuzz_figures_are_written() -> None:
    """The figures of this run, for docs/reliability.md (runs last)."""
    figures = {
        "properties": len(RUNS),
        "examples_per_property": dict(sorted(RUNS.items())),
        "outcomes_per_property": {k: dict(v) for k, v in sorted(OUTCOMES.items())},
        "slowest_call_s": {k: round(v, 3) for k, v in sorted(SLOWEST.items())},
        "total_cases": sum(RUNS.values()),
        "failures": 0,  # any failure fails its test before this one runs
    }
    REPORT.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nfuzz figures ({REPORT}): {json.dumps(figures, ensure_ascii=False)}")
    if RUNS:  # when the whole module ran: every property ran its examples
        assert all(count > 0 for count in RUNS.values())


# --- regressions: one per bug found -----------------------------------------------


def _faults(call: Callable[[], Any]) -> tuple[Any, ...]:
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as excinfo, _time_limit(HANG_S):
        call()
    assert time.perf_counter() - started < SLOW_S
    faults = excinfo.value.faults
    check_faults(excinfo.value, {fault.file for fault in faults})
    return faults


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    parent = _parent(raw, path)
    assert parent is not None
    parent[path[-1]] = value
    return raw


INLINE_YAML = yaml.safe_dump(BASE, allow_unicode=True, sort_keys=False)


def _upload(text: str, encoding: str = "utf-8") -> Scenario:
    return scenario_from_yaml("classe.yaml", text.encode(encoding))


# YAML


def test_an_integer_too_long_for_python_is_a_field_fault_not_a_crash() -> None:
    # Was: ValueError "Exceeds the limit (4300 digits)" out of yaml.safe_load.
    text = INLINE_YAML.replace("reduced_weeks: null", "reduced_weeks: 1" + "0" * 5000, 1)
    (fault,) = _faults(lambda: _upload(text))
    assert fault.field == "students[0] (id e01).reduced_weeks"
    assert fault.message == "nombre trop grand"


@pytest.mark.parametrize("date", ["2027-02-30", "0000-01-01", "2026-09-01 12:00:00+99:00"])
def test_an_impossible_yaml_date_names_its_field(date: str) -> None:
    # Was: ValueError "day is out of range for month" / "year 0 is out of range".
    text = INLINE_YAML.replace("first_date: '2026-09-01'", f"first_date: {date}")
    (fault,) = _faults(lambda: _upload(text))
    assert fault.field == "training.first_date"
    assert fault.message.startswith("date")


def test_a_date_with_a_time_is_refused_in_french() -> None:
    # Was: "Datetimes provided to dates should have zero time - e.g. be exact dates".
    text = INLINE_YAML.replace("first_date: '2026-09-01'", "first_date: 2026-09-01 08:30:00")
    (fault,) = _faults(lambda: _upload(text))
    assert (fault.field, fault.message) == (
        "training.first_date",
        "date sans heure attendue (AAAA-MM-JJ)",
    )


@pytest.mark.parametrize("nesting", ["[" * 5000 + "]" * 5000, "{a: " * 2000 + "1" + "}" * 2000])
def test_a_deep_nesting_is_refused_not_a_recursion_error(nesting: str) -> None:
    # Was: RecursionError out of the YAML composer.
    (fault,) = _faults(lambda: _upload(INLINE_YAML + f"description: {nesting}\n"))
    assert "imbrication trop profonde" in fault.message


def test_a_billion_laughs_is_refused_at_once() -> None:
    # Was: accepted by the loader, then walked by validation (or repr'd in a
    # message) once per copy.
    laughs = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
    )
    text = laughs + INLINE_YAML.replace("  route: scolaire\n", "  route: *a8\n", 1)
    (fault,) = _faults(lambda: _upload(text))
    assert fault.message.startswith("document trop grand")


def test_a_recursive_alias_is_refused() -> None:
    (fault,) = _faults(lambda: _upload(INLINE_YAML.replace("locked: []", "locked: &a [*a]")))
    assert "structure récursive" in fault.message


def test_a_key_written_twice_is_refused_not_silently_replaced() -> None:
    # Was: the second "students:" replaced the class without a word.
    (fault,) = _faults(lambda: _upload(INLINE_YAML + "students: []\n"))
    assert fault.field.startswith("ligne ")
    assert "« students » en double" in fault.message


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-16-le"])
def test_an_uploaded_scenario_in_a_school_software_encoding_loads(encoding: str) -> None:
    # Was: "YAML invalide" (the upload read UTF-8 only; a file on disk loaded).
    assert _upload(LATIN_YAML, encoding) == LATIN_SCENARIO


def test_an_uploaded_scenario_naming_its_hosts_file_is_refused_by_field() -> None:
    # Was: "hosts : liste attendue" (only a students file was recognised).
    text = INLINE_YAML.split("hosts:\n")[0] + "hosts: {file: entreprises.csv}\n"
    faults = _faults(lambda: _upload(text))
    assert [f.field for f in faults] == ["hosts.file"]


def test_python_tags_are_refused_with_the_tag_named() -> None:
    (fault,) = _faults(lambda: _upload("name: !!python/name:os.system\n"))
    assert fault.field == "ligne 1" and "python/name:os.system" in fault.message


def test_a_device_or_a_folder_named_as_a_table_is_not_read(tmp_path: Path) -> None:
    # Was: /dev/zero read for ever; a NUL in a file name raised ValueError.
    for name in ("/dev/zero", str(tmp_path), "classe\x00.csv"):
        path = tmp_path / "classe.yaml"
        path.write_text(INLINE_YAML.split("students:\n")[0] + f"students: {{file: {name!r}}}\n")
        (fault,) = _faults(lambda: load_scenario(path))  # noqa: B023
        assert (fault.file, fault.field) == ("classe.yaml", "students.file")
        assert fault.message.startswith("fichier illisible")


# values


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("hosts", 0, "capacity"), math.nan, "nombre fini attendu (ni infini ni NaN)"),
        (("hosts", 0, "capacity"), 1e308, "nombre trop grand"),
        (("school", "weekly_hours"), math.nan, "nombre fini attendu (ni infini ni NaN)"),
        (("solver", "time_limit_s"), math.inf, "nombre fini attendu (ni infini ni NaN)"),
        (("name",), b"\xff\xfe", "texte attendu"),
    ],
)
def test_pydantic_english_messages_are_french(
    path: tuple[Any, ...], value: Any, message: str
) -> None:
    # Was: "Input should be a finite number", "Unable to parse input string as
    # an integer, exceeded maximum size", "valeur nan trop grande", ...
    (fault,) = _faults(lambda: scenario_from_dict(_with(path, value), "s.yaml"))
    assert fault.message == message


def test_a_key_that_is_not_text_is_named_in_french() -> None:
    # Was: "Keys should be strings".
    raw = copy.deepcopy(BASE)
    raw["training"][7] = 1
    (fault,) = _faults(lambda: scenario_from_dict(raw, "s.yaml"))
    assert (fault.field, fault.message) == ("training.7", "clé qui n'est pas un texte")


def test_a_huge_number_is_not_echoed_whole() -> None:
    # Was: ValueError (int too long to print) while writing the message.
    (fault,) = _faults(lambda: scenario_from_dict(_with(("hosts", 0, "capacity"), 10**5000)))
    assert fault.field == "hosts[0] (id sport-horizon).capacity"
    assert "trop grande (maximum 1000)" in fault.message and len(fault.message) < 100


def test_a_huge_reduced_duration_is_refused_by_its_bound() -> None:
    raw = _with(("students", 0, "reduced_weeks"), 10**100)
    raw["students"][0]["reduction_reason"] = "positionnement"
    (fault,) = _faults(lambda: scenario_from_dict(raw))
    assert fault.message.endswith("trop grande (maximum 52)")


def test_an_identifier_of_a_megabyte_is_refused_and_not_repeated() -> None:
    (fault,) = _faults(lambda: scenario_from_dict(_with(("students", 0, "id"), "x" * 10**6)))
    assert fault.message == "trop long (100 caractères au plus)"
    assert len(fault.field) < 80


def test_a_monster_class_is_refused_in_one_fault() -> None:
    raw = copy.deepcopy(BASE)
    raw["students"] = [dict(BASE["students"][0], id=f"e{i}") for i in range(6000)]
    (fault,) = _faults(lambda: scenario_from_dict(raw))
    assert (fault.field, fault.message) == ("students", "trop d'élèves : 6 000 (5 000 au plus)")


def test_a_scenario_at_every_limit_validates_in_time() -> None:
    # Was: 17 s (the cross-references rebuilt the id sets once per student,
    # lock and convention record).
    students, hosts, teachers, records = 5000, 5000, 500, 20_000
    raw = {
        "name": "limites",
        "training": {"first_date": "2026-09-01", "last_date": "2028-06-30"},
        "students": [
            {"id": f"s{i}", "name": "x", "host": f"h{i}", "referent": f"t{i % teachers}"}
            for i in range(students)
        ],
        "hosts": [{"id": f"h{i}", "name": "x"} for i in range(hosts)],
        "teachers": [{"id": f"t{i}", "name": "x"} for i in range(teachers)],
        "conventions": [
            {"student": f"s{i % students}", "start": "2027-01-04", "end": "2027-01-08"}
            for i in range(records)
        ],
        "locked": [
            {"student": f"s{i % students}", "start": "2027-01-04", "end": "2027-01-08"}
            for i in range(records)
        ],
    }
    started = time.perf_counter()
    scenario = scenario_from_dict(raw)
    assert time.perf_counter() - started < 2.0
    assert len(scenario.students) == students


def test_a_flood_of_faults_is_cut_to_a_hundred_and_counted() -> None:
    raw = copy.deepcopy(BASE)
    raw["progression"]["blocked"] = [{"start": "x", "end": "y"} for _ in range(300)]
    faults = _faults(lambda: scenario_from_dict(raw))
    assert len(faults) == 101
    assert faults[-1].message == "… et 500 autres erreurs"


def test_dates_far_from_the_training_are_refused() -> None:
    # Was: accepted; the calendar then walked every day of year 1 to 9999.
    blocked = _with(("progression", "blocked", 0), {"start": "0001-01-01", "end": "9999-12-31"})
    (fault,) = _faults(lambda: scenario_from_dict(blocked))
    assert fault.field == "progression.blocked[0]" and fault.message.endswith("(R7)")
    late = {"first_date": "9998-09-01", "last_date": "9999-12-31", "zone": "A"}
    (fault,) = _faults(lambda: scenario_from_dict(_with(("training",), late)))
    assert fault.message == "la formation doit se dérouler entre 2000 et 2100"


@pytest.mark.parametrize("weight", ["abc", math.inf, 10**30])
def test_a_form_edit_with_a_bad_number_names_the_field(weight: Any) -> None:
    # Was: ValueError or OverflowError out of apply_edits (int("abc"), int(inf)).
    preferred = ranges_frame(BASE["progression"]["preferred"], weight=True).astype(object)
    preferred.loc[0, "weight"] = weight
    (fault,) = _faults(lambda: scenario_from_dict(apply_edits(BASE, preferred=preferred)))
    assert fault.field == "progression.preferred[0].weight"


# tables


def test_a_csv_cell_over_the_csv_module_limit_is_a_fault() -> None:
    # Was: _csv.Error "field larger than field limit (131072)".
    data = f"sep=,\nid,name\ne0,Léa\ne1,{'x' * 200_000}\n".encode()
    (fault,) = _faults(lambda: read_table("classe.csv", data, "students"))
    assert (fault.file, fault.field) == ("classe.csv", "ligne 4")
    assert fault.message.startswith("cellule trop longue")


def test_binary_junk_named_csv_is_refused() -> None:
    # Was: _csv.Error "new-line character seen in unquoted field".
    (fault,) = _faults(lambda: read_table("classe.csv", bytes(range(256)) * 4, "students"))
    assert fault.message.startswith("fichier binaire")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_without_bom_and_utf32_load(encoding: str) -> None:
    # Was: rows whose keys and values were full of NUL characters.
    data = LATIN_CSV["students"].encode(encoding)
    assert read_table("classe.csv", data, "students") == REFERENCE_ROWS["students"]


def test_a_missing_id_column_is_named_once() -> None:
    # Was: one "students[i].id : champ obligatoire manquant" per row.
    data = "name,classe\nLéa,BTS1\nHugo,BTS1\n".encode()
    (fault,) = _faults(lambda: read_table("classe.csv", data, "students"))
    assert (fault.field, fault.message[:30]) == ("id", "colonne obligatoire « id » abs")


def test_a_column_given_twice_is_refused_not_silently_dropped() -> None:
    # Was: the second "host" column silently replaced the first.
    data = b"id,name,host,host\ne1,Lea,sport-horizon,distripro\n"
    (fault,) = _faults(lambda: read_table("classe.csv", data, "students"))
    assert (fault.field, fault.message) == ("host", "colonne « host » en double")


def test_too_many_rows_are_refused() -> None:
    data = ("id,name\n" + "".join(f"e{i},x\n" for i in range(5001))).encode()
    (fault,) = _faults(lambda: read_table("classe.csv", data, "students"))
    assert fault.message == "trop de lignes : 5 000 élèves au plus"


def _rewrite(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            archive.writestr(info, change(content) if info.filename == part else content)
    return out.getvalue()


def test_a_workbook_with_a_wrong_dimension_keeps_every_row() -> None:
    # Was: openpyxl's read-only mode trusted <dimension ref="A1:B2"/> and the
    # rows after it were silently lost.
    data = _xlsx([["id", "name"], *[[f"e{i}", "x"] for i in range(10)]])
    data = _rewrite(
        data, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb'ref="[^"]*"', b'ref="A1:B2"', xml)
    )
    assert len(read_table("classe.xlsx", data, "students")) == 10


def test_a_workbook_that_unzips_to_a_monster_is_refused() -> None:
    def pad(xml: bytes) -> bytes:
        return xml.replace(b"</worksheet>", b"<!--" + b" " * 30_000_000 + b"--></worksheet>")

    data = _rewrite(_xlsx([["id", "name"], ["e1", "x"]]), "xl/worksheets/sheet1.xml", pad)
    assert len(data) < 1_000_000
    (fault,) = _faults(lambda: read_table("classe.xlsx", data, "students"))
    assert fault.message.startswith("classeur Excel trop volumineux")
