"""Reading a scenario file (YAML) and its class list (CSV) into a
:class:`~models.scenario.Scenario`, with one French message per fault.

YAML is read by PyYAML's *safe* loader only (no Python tags, no code), and
a document is held to the bounds of :mod:`models.limits` (size, nodes once
aliases are expanded, nesting depth) before it is built, so that an alias
bomb or a deep nesting is refused at once. Whatever a user writes ends in
a valid :class:`Scenario` or a :class:`ScenarioError`; never in another
exception (issue 7).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import reprlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.constructor import SafeConstructor

from .dates import DateRange
from .errors import Fault, ScenarioError
from .limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES, french_number
from .scenario import CrossReferenceError, Scenario
from .tables import decode_text, read_file_bytes, read_table_file, too_big


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
    raw = parse_scenario_yaml(path.name, read_file_bytes(path, path.name, "", MAX_YAML_BYTES))
    raw = _resolve_files(raw, path)
    return scenario_from_dict(raw, source=path.name)


def scenario_from_dict(raw: Mapping[str, Any], source: str = "<scénario>") -> Scenario:
    """Validate an in-memory scenario (tests, dashboard), same faults as files."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError(_faults_of(error, source, raw)) from None
    except RecursionError:  # a structure nested deeper than Python's stack
        raise ScenarioError([Fault(source, "", _TOO_DEEP)]) from None


_TOO_DEEP = f"imbrication trop profonde ({MAX_YAML_DEPTH} niveaux au plus)"


def parse_scenario_yaml(name: str, data: bytes) -> dict[str, Any]:
    """The mapping of a scenario file's bytes, by the safe YAML loader.

    Parameters
    ----------
    name
        The file's name, named in every fault.
    data
        Its bytes: UTF-8 (with or without BOM), UTF-16, Windows-1252 or
        Latin-1 (see :func:`models.tables.decode_text`).

    Raises
    ------
    ScenarioError
        Too large, not text, invalid YAML (with its line), a tag other than
        plain data (``!!python/...``), too many nodes once aliases are
        expanded, too deep, or not a mapping.
    """
    if len(data) > MAX_YAML_BYTES:
        raise too_big(name, MAX_YAML_BYTES)
    text = decode_text(data, name)
    try:
        _check_events(name, text)  # cheap: refuse a monster before building it
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_graph(name, node)
            raw = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise ScenarioError([_yaml_fault(name, error)]) from None
    except RecursionError:  # a deep nesting through aliases, past the checks
        raise ScenarioError([Fault(name, "", _TOO_DEEP)]) from None
    if not isinstance(raw, dict):
        raise ScenarioError([Fault(name, "", "le scénario doit être un dictionnaire YAML")])
    return raw


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's parser when installed: fast, and it
    refuses nestings deeper than 1000), with lenient scalars: an integer too
    long for Python or an impossible date (``2026-02-30``) stays a string,
    so that validation names its field instead of the loader failing."""


def _lenient(construct: Any) -> Any:
    def build(loader: SafeConstructor, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)

    return build


for _tag, _construct in (
    ("int", SafeConstructor.construct_yaml_int),
    ("float", SafeConstructor.construct_yaml_float),
    ("timestamp", SafeConstructor.construct_yaml_timestamp),
):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _lenient(_construct))


def _check_events(name: str, text: str) -> None:
    """First pass, over the parser's events only (no document is built):
    refuse more than :data:`MAX_YAML_NODES` nodes as written, or a nesting
    deeper than :data:`MAX_YAML_DEPTH`."""
    parser = _Loader(text)
    try:
        nodes = depth = 0
        while not parser.check_event(yaml.StreamEndEvent):
            event = parser.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise ScenarioError([Fault(name, _line(event), _TOO_DEEP)])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                continue
            elif not isinstance(event, yaml.NodeEvent):
                continue
            nodes += 1
            if nodes > MAX_YAML_NODES:
                raise ScenarioError([Fault(name, "", _TOO_BIG)])
    finally:
        parser.dispose()


_TOO_BIG = (
    f"document trop grand : plus de {french_number(MAX_YAML_NODES)} valeurs "
    "(un alias * compte pour tout ce qu'il reprend)"
)


def _check_graph(name: str, root: yaml.Node) -> None:
    """Second pass, over the composed document: refuse a recursive alias, a
    key given twice in a mapping, and a document that holds more than
    :data:`MAX_YAML_NODES` nodes or :data:`MAX_YAML_DEPTH` levels once its
    aliases are expanded ("billion laughs": the loader shares an aliased
    value, but validation would walk every copy)."""
    # Per collection node: (expanded size, height); memoised, so shared
    # nodes cost once. Recursion depth is bounded by MAX_YAML_DEPTH.
    seen: dict[int, tuple[int, int]] = {}
    open_: set[int] = set()

    def walk(node: yaml.Node, depth: int) -> tuple[int, int]:
        if isinstance(node, yaml.ScalarNode):
            return 1, 0
        key = id(node)
        if key in open_:
            message = "structure récursive (un alias * renvoie à son ancre & englobante)"
            raise ScenarioError([Fault(name, _line(node), message)])
        known = seen.get(key)
        if known is None:
            if depth >= MAX_YAML_DEPTH:
                raise ScenarioError([Fault(name, _line(node), _TOO_DEEP)])
            open_.add(key)
            if isinstance(node, yaml.MappingNode):
                _check_keys(name, node)
                children = [part for pair in node.value for part in pair]
            else:
                children = list(node.value)
            size, height = 1, 0
            for child in children:
                child_size, child_height = walk(child, depth + 1)
                size = min(size + child_size, MAX_YAML_NODES + 1)
                height = max(height, child_height + 1)
            open_.discard(key)
            known = seen[key] = (size, height)
        if known[0] > MAX_YAML_NODES:
            raise ScenarioError([Fault(name, "", _TOO_BIG)])
        if depth + known[1] > MAX_YAML_DEPTH:
            raise ScenarioError([Fault(name, _line(node), _TOO_DEEP)])
        return known

    walk(root, 0)


def _check_keys(name: str, node: yaml.MappingNode) -> None:
    """A key written twice in one mapping (the YAML loader would keep the
    last silently: a second ``students:`` would replace the first)."""
    keys: set[str] = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
            if key.value in keys:
                shown = key.value if len(key.value) <= 60 else key.value[:59] + "…"
                message = f"clé « {shown} » en double dans le même dictionnaire"
                raise ScenarioError([Fault(name, _line(key), message)])
            keys.add(key.value)


def _line(node: yaml.Node | yaml.Event) -> str:
    mark = getattr(node, "start_mark", None)
    return f"ligne {mark.line + 1}" if mark is not None else ""


_TAG = re.compile(r"tag '([^']*)'")


def _yaml_fault(name: str, error: yaml.YAMLError) -> Fault:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = f"ligne {mark.line + 1}" if mark is not None else ""
    problem = str(getattr(error, "problem", "") or "")
    tag = _TAG.search(problem)
    if tag is not None and "constructor" in problem:
        detail = (
            f"étiquette « {tag.group(1)[:80]} » refusée : un scénario ne contient que des "
            "données (texte, nombres, dates, listes, dictionnaires)"
        )
    elif "maximum nesting depth" in problem:
        detail = _TOO_DEEP
    elif isinstance(error, yaml.reader.ReaderError) or "control characters" in problem:
        detail = "caractère de contrôle interdit (fichier binaire ?)"
    elif "unhashable" in problem:
        detail = "clé de dictionnaire qui n'est pas un texte simple"
    elif "but found another document" in problem:
        detail = "un seul document attendu (pas de « --- » au milieu)"
    elif "found undefined alias" in problem or "found undefined anchor" in problem:
        detail = "alias * sans ancre & correspondante"
    elif "found duplicate anchor" in problem:
        detail = "ancre & en double"
    else:
        detail = "syntaxe (indentation, « : » ou guillemets mal placés ?)"
    return Fault(name, where, f"YAML invalide : {detail}")


#: Lists a scenario may take from a CSV or XLSX table: ``students: {file: x.csv}``.
_TABLES = ("students", "hosts", "teachers")


def _resolve_files(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    raw = dict(raw)
    for kind in _TABLES:
        value = raw.get(kind)
        if isinstance(value, dict) and set(value) == {"file"}:
            if not isinstance(value["file"], str) or not value["file"].strip():
                message = "nom de fichier attendu (CSV ou XLSX, à côté du scénario)"
                raise ScenarioError([Fault(path.name, f"{kind}.file", message)])
            table = path.parent / value["file"]
            raw[kind] = read_table_file(table, kind, owner=path.name, field=f"{kind}.file")
    training = raw.get("training")
    if isinstance(training, dict) and isinstance(training.get("holiday_calendar"), str):
        training = dict(training)
        training["holiday_calendar"] = _beside(path, training["holiday_calendar"])
        raw["training"] = training
    school = raw.get("school")
    if isinstance(school, dict):
        school = dict(school)
        for key in ("convention_template", "attestation_template"):
            if isinstance(school.get(key), str) and school[key]:
                school[key] = _beside(path, school[key])
        raw["school"] = school
    return raw


def _beside(scenario: Path, name: str) -> str:
    """The absolute path of a file named relative to the scenario file (as
    written when it cannot be resolved: the reader of the file names it)."""
    try:
        return str((scenario.parent / name).resolve())
    except (OSError, ValueError, RuntimeError):  # a NUL, a symlink loop
        return name


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
    "date_from_datetime_inexact": "date sans heure attendue (AAAA-MM-JJ)",
    "date_parsing": "date invalide (attendu AAAA-MM-JJ)",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "int_parsing_size": "nombre trop grand",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "finite_number": "nombre fini attendu (ni infini ni NaN)",
    "bool_parsing": "vrai ou faux attendu (true/false)",
    "bool_type": "vrai ou faux attendu (true/false)",
    "string_type": "texte attendu",
    "string_unicode": "texte attendu",
    "tuple_type": "liste attendue",
    "list_type": "liste attendue",
    "iterable_type": "liste attendue",
    "model_type": "dictionnaire attendu",
    "model_attributes_type": "dictionnaire attendu",
    "dict_type": "dictionnaire attendu",
    "invalid_key": "clé qui n'est pas un texte",
    "recursion_loop": "structure récursive (une valeur se contient elle-même)",
    "recursion_depth_exceeded": _TOO_DEEP,
}
#: Faults listed for one file at most (the rest are counted).
MAX_FAULTS = 100


def _faults_of(error: ValidationError, file: str, raw: Mapping[str, Any]) -> list[Fault]:
    faults: list[Fault] = []
    for item in error.errors():
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, CrossReferenceError):
            faults.extend(Fault(file, field, message) for field, message in cause.faults)
            continue
        loc = [part for part in item["loc"] if not _is_union_tag(part)]
        faults.append(Fault(file, _field_path(loc, raw), _message(item)))
    if len(faults) > MAX_FAULTS:
        rest = len(faults) - MAX_FAULTS
        faults = [
            *faults[:MAX_FAULTS],
            Fault(file, "", f"… et {french_number(rest)} autres erreurs"),
        ]
    return faults


def _is_union_tag(part: object) -> bool:
    # pydantic adds the member type to the location of union errors.
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "literal['all']"})


def _field_path(loc: Sequence[Any], raw: Mapping[str, Any]) -> str:
    text = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool) and not isinstance(node, dict):
            ident = node[part].get("id") if _indexable(node, part) else None
            shown = f" (id {_plain(ident)})" if isinstance(ident, str | int) and ident else ""
            text += f"[{part}]{shown}"
        else:
            text += ("." if text else "") + (part if isinstance(part, str) else _shown(part))[:60]
        node = _child(node, part)
    return text


def _indexable(node: Any, index: int) -> bool:
    return isinstance(node, list) and index < len(node) and isinstance(node[index], dict)


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        try:
            return node.get(part)
        except TypeError:  # an unhashable key
            return None
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    return None


def _message(item: Any) -> str:
    kind = item["type"]
    ctx = item.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    value = _shown(item.get("input"))
    if kind in ("enum", "literal_error"):
        # pydantic joins the allowed values with an English "or".
        expected = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"valeur inconnue {value} (attendu : {expected})"
    if kind in ("greater_than_equal", "greater_than"):
        return f"valeur {value} trop petite (minimum {_bound(ctx.get('ge', ctx.get('gt')))})"
    if kind in ("less_than_equal", "less_than"):
        return f"valeur {value} trop grande (maximum {_bound(ctx.get('le', ctx.get('lt')))})"
    if kind in ("too_long", "string_too_long"):
        unit = "caractères" if kind == "string_too_long" else "éléments"
        return f"trop long ({french_number(int(ctx.get('max_length', 0)))} {unit} au plus)"
    if kind in ("too_short", "string_too_short"):
        unit = "caractère" if kind == "string_too_short" else "élément"
        return f"trop court (au moins {ctx.get('min_length', 1)} {unit})"
    return _MESSAGES.get(kind, "valeur invalide")


def _bound(value: object) -> str:
    """A limit as a teacher writes it: ``48`` rather than ``48.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _ShortRepr(reprlib.Repr):
    """``repr`` cut short, whatever the value: a long text, a huge number,
    a list shared a billion times by YAML aliases, a recursive list."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 2
        self.maxstring = self.maxother = 50
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = self.maxfrozenset = 4

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 100:
            return "(nombre de plus de 30 chiffres)"
        return super().repr_int(x, level)

    def repr_float(self, x: float, level: int) -> str:
        return (
            repr(x)
            if math.isfinite(x)
            else {"inf": "infini", "-inf": "-infini"}.get(repr(x), "NaN")
        )

    def repr_date(self, x: dt.date, level: int) -> str:
        return x.isoformat()


_REPR = _ShortRepr()


def _plain(value: str | int, limit: int = 40) -> str:
    """A text (unquoted) or number named in a fault, at most ``limit`` characters."""
    text = value if isinstance(value, str) else _shown(value, limit)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value: object, limit: int = 60) -> str:
    """A value quoted in a fault, at most ``limit`` characters."""
    try:
        text = _REPR.repr(value)
    except Exception:  # a value whose repr fails: say what it is, not what it holds
        text = f"({type(value).__name__})"
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["DateRange", "Fault", "ScenarioError", "load_scenario", "read_students_csv"]
