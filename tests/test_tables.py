"""models.tables: class lists, hosts and the team read from CSV or XLSX
tables (``students|hosts|teachers: {file: ...}`` in a scenario), and the
French faults that name the file and the field."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from models import Fault, Route, Scenario, ScenarioError, load_scenario
from models.scenario import Tutor, Weekday
from models.tables import read_table

D = dt.date

HOSTS_CSV = """\
id,name,capacity,address,postcode,town,sector,tutor_name,tutor_function,tutor_email,closures
sport,Sport Horizon,2,12 rue Francis de Pressensé,69100,Villeurbanne,Sport,Nadia Benali,\
Responsable de magasin,n.benali@sport.example,\
2027-08-02..2027-08-20 (Fermeture annuelle)|2027-11-22
electro-center,"ÉlectroMénager Center (Bron, zone commerciale)",1,Champ du Pont,69500,Bron,\
Électroménager,Patricia André,"Directrice, gérante",p.andre@electro.example,
caves,Les Caves,1,,,,,,,,2027-12-20..2027-12-24 (Travaux (rénovation))|
"""

TEACHERS_CSV = """\
id,name,subjects,visit_days,max_visits_per_week,town
p-durand,Mme Durand,Relation client et négociation-vente|Coordination BTS,mardi|jeudi,3,Lyon
p-caron,M. Caron,Anglais,Lundi|Jeudi,2,Saint-Priest
"""

STUDENTS_CSV = """\
id,name,route,host,host_changes,referent,earliest_start,unavailable
e1,Léa M.,scolaire,sport,2027-09-01=electro-center,p-durand,,
e2,Hugo B.,scolaire,sport,2027-09-01=electro-center|2028-01-03=,,2026-11-02,\
2027-01-04..2027-01-15|
e3,Inès K.,apprenti,,,p-caron,,
"""

TABLES = {"students": STUDENTS_CSV, "hosts": HOSTS_CSV, "teachers": TEACHERS_CSV}
FILES = {"students": "eleves", "hosts": "entreprises", "teachers": "equipe"}


def scenario_yaml(tmp_path: Path, suffix: str = ".csv", **files: str) -> Path:
    """A scenario whose students, hosts and team are tables next to it."""
    names = {kind: files.get(kind, FILES[kind] + suffix) for kind in TABLES}
    path = tmp_path / "scenario.yaml"
    path.write_text(
        "name: classe\n"
        "training: {first_date: 2026-09-01, last_date: 2028-06-30, zone: A}\n"
        + "".join(f"{kind}: {{file: {name}}}\n" for kind, name in names.items()),
        encoding="utf-8",
    )
    return path


def write_csv_tables(
    tmp_path: Path, encoding: str = "utf-8", delimiter: str = ",", **texts: str
) -> Path:
    for kind, text in (TABLES | texts).items():
        if delimiter != ",":
            text = _redelimit(text, delimiter)
        (tmp_path / f"{FILES[kind]}.csv").write_bytes(text.encode(encoding))
    return scenario_yaml(tmp_path)


def _redelimit(text: str, delimiter: str) -> str:
    """The same CSV text with another delimiter (quoted commas kept)."""
    import csv

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def load_faults(path: Path) -> tuple[Fault, ...]:
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(path)
    return excinfo.value.faults


@pytest.fixture
def from_csv(tmp_path: Path) -> Scenario:
    return load_scenario(write_csv_tables(tmp_path))


# --- hosts -----------------------------------------------------------------


def test_hosts_tutor_columns_make_the_tutor(from_csv: Scenario) -> None:
    sport, electro, caves = from_csv.hosts
    assert sport.tutor == Tutor(
        name="Nadia Benali", function="Responsable de magasin", email="n.benali@sport.example"
    )
    assert electro.tutor is not None and electro.tutor.function == "Directrice, gérante"
    assert caves.tutor is None  # no tutor cell at all
    assert (sport.address, sport.postcode, sport.town, sport.sector) == (
        "12 rue Francis de Pressensé",
        "69100",
        "Villeurbanne",
        "Sport",
    )
    assert electro.name == "ÉlectroMénager Center (Bron, zone commerciale)"
    assert (sport.capacity, electro.capacity) == (2, 1)


def test_hosts_closures_hold_labelled_ranges_and_single_days(from_csv: Scenario) -> None:
    sport = from_csv.hosts[0]
    assert [(r.start, r.end, r.label) for r in sport.closures] == [
        (D(2027, 8, 2), D(2027, 8, 20), "Fermeture annuelle"),
        (D(2027, 11, 22), D(2027, 11, 22), ""),
    ]


def test_a_closure_label_may_hold_parentheses_and_a_trailing_bar_is_ignored(
    from_csv: Scenario,
) -> None:
    (closure,) = from_csv.hosts[2].closures
    assert (closure.start, closure.end) == (D(2027, 12, 20), D(2027, 12, 24))
    assert closure.label == "Travaux (rénovation)"


# --- teachers --------------------------------------------------------------


def test_teachers_subjects_and_visit_days_are_bar_separated_lists(from_csv: Scenario) -> None:
    durand, caron = from_csv.teachers
    assert durand.subjects == ("Relation client et négociation-vente", "Coordination BTS")
    assert durand.visit_days == (Weekday.TUE, Weekday.THU)
    assert (durand.max_visits_per_week, durand.town) == (3, "Lyon")
    assert caron.subjects == ("Anglais",)
    assert caron.visit_days == (Weekday.MON, Weekday.THU)  # "Lundi|Jeudi", capitalised


# --- students --------------------------------------------------------------


def test_students_host_changes_and_referent(from_csv: Scenario) -> None:
    lea, hugo, ines = from_csv.students
    assert [(c.start, c.host) for c in lea.host_changes] == [(D(2027, 9, 1), "electro-center")]
    assert lea.host_on(D(2027, 6, 1)) == "sport"
    assert lea.host_on(D(2027, 9, 1)) == "electro-center"
    assert lea.referent == "p-durand" and hugo.referent is None
    # "2028-01-03=" : from that date on, a host is to be found
    assert [(c.start, c.host) for c in hugo.host_changes] == [
        (D(2027, 9, 1), "electro-center"),
        (D(2028, 1, 3), None),
    ]
    assert hugo.host_on(D(2028, 2, 1)) is None
    assert hugo.hosts == ("sport", "electro-center")
    assert hugo.earliest_start == D(2026, 11, 2)
    assert [(r.start, r.end) for r in hugo.unavailable] == [(D(2027, 1, 4), D(2027, 1, 15))]
    assert (ines.route, ines.referent, ines.host) == (Route.APPRENTI, "p-caron", None)


# --- the same tables as XLSX ------------------------------------------------


def _xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Export"
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_rows(text: str) -> list[list[Any]]:
    import csv

    return [
        [cell if cell != "" else None for cell in row] for row in csv.reader(io.StringIO(text))
    ]


def test_xlsx_tables_load_as_the_csv_tables(tmp_path: Path, from_csv: Scenario) -> None:
    for kind, text in TABLES.items():
        (tmp_path / f"{FILES[kind]}.xlsx").write_bytes(_xlsx(_csv_rows(text)))
    from_xlsx = load_scenario(scenario_yaml(tmp_path, ".xlsx"))
    assert from_xlsx.model_dump() == from_csv.model_dump()


def test_xlsx_typed_cells_numbers_dates_and_booleans(tmp_path: Path) -> None:
    """A spreadsheet types its cells: integers, real dates, TRUE/FALSE, and a
    postcode read as a number (its leading zero lost)."""
    hosts = [
        ["id", "name", "capacity", "postcode", "sells_goods_or_services", "closures"],
        ["ain-auto", "Ain Auto", 2, 1000, True, dt.datetime(2027, 11, 22)],
        ["velo", "Vélo Cité", 1.0, 69003, False, None],
    ]
    students = [
        ["id", "name", "host", "earliest_start", "reduced_weeks", "reduction_reason"],
        ["e1", "Léa M.", "ain-auto", dt.datetime(2026, 11, 2), 12.0, "décision de positionnement"],
    ]
    teachers = [["id", "name", "visit_days", "max_visits_per_week"], [7, "M. Sept", "mardi", 2]]
    for kind, rows in (("hosts", hosts), ("students", students), ("teachers", teachers)):
        (tmp_path / f"{FILES[kind]}.xlsx").write_bytes(_xlsx(rows))
    scenario = load_scenario(scenario_yaml(tmp_path, ".xlsx"))
    ain, velo = scenario.hosts
    assert (ain.capacity, ain.postcode, ain.sells_goods_or_services) == (2, "01000", True)
    assert [(r.start, r.end) for r in ain.closures] == [(D(2027, 11, 22), D(2027, 11, 22))]
    assert (velo.capacity, velo.postcode, velo.sells_goods_or_services) == (1, "69003", False)
    (lea,) = scenario.students
    assert (lea.earliest_start, lea.reduced_weeks) == (D(2026, 11, 2), 12)
    assert scenario.teachers[0].id == "7"


# --- encodings and separators ----------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_semicolon_separated_windows_export_keeps_accents(
    tmp_path: Path, from_csv: Scenario, encoding: str
) -> None:
    path = write_csv_tables(tmp_path, encoding=encoding, delimiter=";")
    assert load_scenario(path).model_dump() == from_csv.model_dump()


def test_utf8_with_bom_keeps_the_first_column(tmp_path: Path, from_csv: Scenario) -> None:
    path = write_csv_tables(tmp_path, encoding="utf-8-sig", delimiter=";")
    scenario = load_scenario(path)
    assert [t.id for t in scenario.teachers] == ["p-durand", "p-caron"]
    assert scenario.model_dump() == from_csv.model_dump()


def test_excel_unicode_text_is_utf16_tab_separated(tmp_path: Path, from_csv: Scenario) -> None:
    path = write_csv_tables(tmp_path, encoding="utf-16", delimiter="\t")
    assert load_scenario(path).model_dump() == from_csv.model_dump()


def test_excel_sep_line_and_doubled_quotes() -> None:
    text = 'sep=;\nid;name;capacity\nh1;"Cave ""Le Tonneau""; vins";2\n'
    (row,) = read_table("entreprises.csv", text.encode("cp1252"), "hosts")
    assert row == {"id": "h1", "name": 'Cave "Le Tonneau"; vins', "capacity": "2"}


def test_blank_lines_and_empty_cells_are_left_out() -> None:
    text = "\n\nid,name,town\nh1,Sport,\n,,\nh2,Caves,Lyon\n"
    assert read_table("entreprises.csv", text.encode(), "hosts") == [
        {"id": "h1", "name": "Sport"},
        {"id": "h2", "name": "Caves", "town": "Lyon"},
    ]


# --- faults ------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_empty_table_names_the_scenario_field_and_the_table(
    tmp_path: Path, suffix: str
) -> None:
    write_csv_tables(tmp_path)
    header = "id,name,subjects,visit_days\n"
    data = header.encode() if suffix == ".csv" else _xlsx([header.strip().split(",")])
    (tmp_path / f"equipe{suffix}").write_bytes(data)
    path = scenario_yaml(tmp_path, teachers=f"equipe{suffix}")
    (fault,) = load_faults(path)
    assert (fault.file, fault.field) == ("scenario.yaml", "teachers.file")
    assert fault.message == f"equipe{suffix} : la liste est vide : aucun enseignant"


def test_an_empty_table_read_alone_names_the_table() -> None:
    with pytest.raises(ScenarioError) as excinfo:
        read_table("eleves.csv", b"", "students")
    assert excinfo.value.faults == (Fault("eleves.csv", "", "la liste est vide : aucun élève"),)


def test_an_unknown_file_type_is_refused_in_french(tmp_path: Path) -> None:
    write_csv_tables(tmp_path)
    (tmp_path / "entreprises.ods").write_bytes(b"PK\x03\x04")
    (fault,) = load_faults(scenario_yaml(tmp_path, hosts="entreprises.ods"))
    assert (fault.file, fault.field) == ("scenario.yaml", "hosts.file")
    assert fault.message == "entreprises.ods : type de fichier inconnu (CSV ou XLSX attendu)"


def test_a_damaged_workbook_is_refused_in_french(tmp_path: Path) -> None:
    write_csv_tables(tmp_path)
    (tmp_path / "eleves.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (fault,) = load_faults(scenario_yaml(tmp_path, students="eleves.xlsx"))
    assert (fault.file, fault.field) == ("scenario.yaml", "students.file")
    assert fault.message.startswith("eleves.xlsx : classeur Excel illisible")


def test_an_unknown_host_in_host_changes_is_an_r10_fault(tmp_path: Path) -> None:
    students = STUDENTS_CSV.replace(
        "2027-09-01=electro-center,p-durand", "2027-09-01=elektro,p-durand"
    )
    (fault,) = load_faults(write_csv_tables(tmp_path, students=students))
    assert fault.file == "scenario.yaml"
    assert fault.field == "students[0] (id e1).host_changes[0].host"
    assert fault.message == "entreprise inconnue 'elektro' (R10)"


def test_an_unknown_referent_is_an_r12_fault(tmp_path: Path) -> None:
    students = STUDENTS_CSV.replace(",p-caron,", ",p-martin,")
    (fault,) = load_faults(write_csv_tables(tmp_path, students=students))
    assert (fault.file, fault.field) == ("scenario.yaml", "students[2] (id e3).referent")
    assert fault.message == "enseignant inconnu 'p-martin' (R12)"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_unknown_weekday_lists_the_allowed_days(tmp_path: Path, suffix: str) -> None:
    teachers = TEACHERS_CSV.replace("mardi|jeudi", "mardi|samedi")
    if suffix == ".csv":
        write_csv_tables(tmp_path, teachers=teachers)
    else:
        write_csv_tables(tmp_path)
        (tmp_path / "equipe.xlsx").write_bytes(_xlsx(_csv_rows(teachers)))
    (fault,) = load_faults(scenario_yaml(tmp_path, teachers=f"equipe{suffix}"))
    assert (fault.file, fault.field) == (
        "scenario.yaml",
        "teachers[0] (id p-durand).visit_days[1]",
    )
    assert fault.message == (
        "valeur inconnue 'samedi' (attendu : 'lundi', 'mardi', 'mercredi', 'jeudi' ou 'vendredi')"
    )


def test_a_missing_table_names_the_scenario_field(tmp_path: Path) -> None:
    write_csv_tables(tmp_path)
    (fault,) = load_faults(scenario_yaml(tmp_path, teachers="absente.csv"))
    assert (fault.file, fault.field) == ("scenario.yaml", "teachers.file")
    assert fault.message.startswith("fichier illisible") and "absente.csv" in fault.message


def test_the_bundled_scenario_reads_its_team_and_hosts_tables() -> None:
    scenario = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "default.yaml")
    assert len(scenario.teachers) == 6
    assert all(h.tutor is not None and h.town for h in scenario.hosts)
    maxime = next(s for s in scenario.students if s.id == "e12")
    assert maxime.host_on(D(2027, 6, 1)) == "optique-lumiere"
    assert maxime.host_on(D(2027, 9, 1)) == "electro-center"
    caves = scenario.host("caves-beaujolais")
    assert caves is not None and caves.closures[0].label == "Fermeture annuelle"
