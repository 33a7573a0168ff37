"""Reading scenario files (YAML) and class lists (CSV) into a Scenario, and
the French faults that name the file, the field and what is wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models import Route, ScenarioError, load_scenario, scenario_from_dict

MINIMAL_YAML = """\
name: BTS NRC 2026-2028
training:
  first_date: 2026-09-01
  last_date: 2028-06-30
  zone: A
students:
  - id: s1
    name: Léa Dupré
hosts:
  - id: h1
    name: Boulangerie Martin
"""

ALLOWED_ROUTES = (
    "scolaire",
    "apprenti",
    "formation_continue",
    "formation_continue_contrat",
    "perfectionnement",
    "distance",
    "experience",
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def minimal_dict() -> dict:
    return {
        "name": "BTS NRC 2026-2028",
        "training": {"first_date": "2026-09-01", "last_date": "2028-06-30", "zone": "A"},
        "students": [{"id": "s1", "name": "Léa Dupré"}],
        "hosts": [{"id": "h1", "name": "Boulangerie Martin"}],
    }


def faults_of(raw: dict, source: str = "scenario.yaml") -> tuple:
    with pytest.raises(ScenarioError) as excinfo:
        scenario_from_dict(raw, source=source)
    return excinfo.value.faults


def load_faults(path: Path) -> tuple:
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(path)
    return excinfo.value.faults


def class_list_scenario(tmp_path: Path, csv_text: str, encoding: str) -> Path:
    write(tmp_path / "eleves.csv", csv_text, encoding)
    return write(
        tmp_path / "scenario.yaml",
        "name: classe\n"
        "training: {first_date: 2026-09-01, last_date: 2028-06-30, zone: A}\n"
        "students: {file: eleves.csv}\n",
    )


# --- valid scenarios -------------------------------------------------------


def test_minimal_scenario_loads_its_training(tmp_path):
    scenario = load_scenario(write(tmp_path / "scenario.yaml", MINIMAL_YAML))

    assert scenario.training.first_date == dt.date(2026, 9, 1)
    assert scenario.training.last_date == dt.date(2028, 6, 30)
    assert scenario.training.zone == "A"


def test_minimal_scenario_loads_one_student_and_one_host(tmp_path):
    scenario = load_scenario(write(tmp_path / "scenario.yaml", MINIMAL_YAML))

    assert [(s.id, s.name, s.route) for s in scenario.students] == [
        ("s1", "Léa Dupré", Route.SCOLAIRE)
    ]
    assert [(h.id, h.name, h.capacity) for h in scenario.hosts] == [
        ("h1", "Boulangerie Martin", 1)
    ]


def test_scenario_from_dict_equals_the_same_scenario_read_from_yaml(tmp_path):
    from_file = load_scenario(write(tmp_path / "scenario.yaml", MINIMAL_YAML))

    assert scenario_from_dict(minimal_dict()) == from_file


def test_class_list_csv_comma_separated(tmp_path):
    path = class_list_scenario(
        tmp_path, "id,name,route\ns1,Léa Dupré,scolaire\ns2,Noé Roux,apprenti\n", "utf-8"
    )

    students = load_scenario(path).students

    assert [(s.id, s.name, s.route) for s in students] == [
        ("s1", "Léa Dupré", Route.SCOLAIRE),
        ("s2", "Noé Roux", Route.APPRENTI),
    ]


def test_class_list_csv_semicolon_separated(tmp_path):
    path = class_list_scenario(
        tmp_path, "id;name;route\ns1;Léa Dupré;scolaire\ns2;Noé Roux;apprenti\n", "utf-8"
    )

    students = load_scenario(path).students

    assert [(s.id, s.name, s.route) for s in students] == [
        ("s1", "Léa Dupré", Route.SCOLAIRE),
        ("s2", "Noé Roux", Route.APPRENTI),
    ]


def test_class_list_utf8_with_bom_keeps_accents_and_first_column(tmp_path):
    path = class_list_scenario(tmp_path, "id;name\ns1;Léa Dupré\ns2;Zoé Hébert\n", "utf-8-sig")

    students = load_scenario(path).students

    assert [(s.id, s.name) for s in students] == [("s1", "Léa Dupré"), ("s2", "Zoé Hébert")]


def test_class_list_cp1252_keeps_accents(tmp_path):
    path = class_list_scenario(tmp_path, "id;name\ns1;Léa Dupré\ns2;François Nœl\n", "cp1252")

    students = load_scenario(path).students

    assert [(s.id, s.name) for s in students] == [("s1", "Léa Dupré"), ("s2", "François Nœl")]


def test_class_list_unavailable_cell_holds_ranges(tmp_path):
    path = class_list_scenario(
        tmp_path,
        "id;name;unavailable\ns1;Léa Dupré;2027-01-04..2027-01-15|2027-03-01\n",
        "utf-8",
    )

    student = load_scenario(path).students[0]

    assert [(r.start, r.end) for r in student.unavailable] == [
        (dt.date(2027, 1, 4), dt.date(2027, 1, 15)),
        (dt.date(2027, 3, 1), dt.date(2027, 3, 1)),
    ]


# --- faults ----------------------------------------------------------------


def test_student_without_name_names_file_field_and_fault(tmp_path):
    path = write(tmp_path / "classe.yaml", MINIMAL_YAML.replace("    name: Léa Dupré\n", ""))

    (fault,) = load_faults(path)

    assert fault.file == "classe.yaml"
    assert "students[0]" in fault.field
    assert fault.field.endswith("name")
    assert fault.message == "champ obligatoire manquant"


def test_capacity_that_is_not_a_number_is_a_type_fault():
    raw = minimal_dict()
    raw["hosts"][0]["capacity"] = "beaucoup"

    (fault,) = faults_of(raw)

    assert fault.file == "scenario.yaml"
    assert fault.field == "hosts[0] (id h1).capacity"
    assert fault.message == "nombre entier attendu"


def test_unknown_route_lists_allowed_values():
    raw = minimal_dict()
    raw["students"][0]["route"] = "alternance"

    (fault,) = faults_of(raw)

    assert fault.field == "students[0] (id s1).route"
    assert "'alternance'" in fault.message
    for route in ALLOWED_ROUTES:
        assert f"'{route}'" in fault.message


def test_allowed_values_are_joined_in_french():
    raw = minimal_dict()
    raw["students"][0]["route"] = "alternance"

    (fault,) = faults_of(raw)

    assert fault.message.startswith("valeur inconnue 'alternance' (attendu : ")
    assert " ou 'experience'" in fault.message
    assert " or " not in fault.message


def test_reduced_duration_below_nine_weeks_is_an_r2_fault():
    raw = minimal_dict()
    raw["students"][0].update(reduced_weeks=8, reduction_reason="force majeure")

    (fault,) = faults_of(raw)

    assert fault.field == "students[0] (id s1).reduced_weeks"
    assert "R2" in fault.message
    assert "8 semaines" in fault.message


def test_earliest_start_after_the_training_is_out_of_range():
    raw = minimal_dict()
    raw["students"][0]["earliest_start"] = "2028-07-01"

    (fault,) = faults_of(raw)

    assert str(fault) == (
        "scenario.yaml: students[0] (id s1).earliest_start : 2028-07-01 "
        "hors de la formation (2026-09-01 – 2028-06-30)"
    )


def test_mission_window_outside_the_training_is_an_r6_fault():
    raw = minimal_dict()
    raw["progression"] = {
        "missions": [{"id": "m1", "start": "2029-01-08", "end": "2029-02-02", "days": 3}]
    }

    (fault,) = faults_of(raw)

    assert fault.field == "progression.missions[0] (id m1)"
    assert "hors de la formation" in fault.message
    assert "R6" in fault.message


def test_unknown_host_is_an_r10_fault():
    raw = minimal_dict()
    raw["students"][0]["host"] = "h9"

    (fault,) = faults_of(raw)

    assert fault.field == "students[0] (id s1).host"
    assert fault.message == "entreprise inconnue 'h9' (R10)"


def test_duplicated_student_id_is_refused():
    raw = minimal_dict()
    raw["students"].append({"id": "s1", "name": "Noé Roux"})

    (fault,) = faults_of(raw)

    assert fault.field == "students[1].id"
    assert fault.message == "identifiant en double 's1'"


def test_every_cross_reference_fault_is_reported():
    raw = minimal_dict()
    raw["students"][0]["host"] = "h9"
    raw["students"].append({"id": "s2", "name": "Noé Roux", "earliest_start": "2030-01-01"})

    fields = [fault.field for fault in faults_of(raw)]

    assert fields == ["students[0] (id s1).host", "students[1] (id s2).earliest_start"]


def test_invalid_yaml_syntax_gives_the_line(tmp_path):
    text = MINIMAL_YAML.replace("  zone: A\n", "  zone: A: B\n")
    path = write(tmp_path / "scenario.yaml", text)

    (fault,) = load_faults(path)

    assert (fault.file, fault.field) == ("scenario.yaml", "ligne 5")
    assert fault.message.startswith("YAML invalide : syntaxe")


def test_missing_file_is_a_scenario_error(tmp_path):
    (fault,) = load_faults(tmp_path / "absent.yaml")

    assert fault.file == "absent.yaml"
    assert fault.message.startswith("fichier illisible")


def test_missing_class_list_names_the_scenario_and_students_file(tmp_path):
    path = write(
        tmp_path / "scenario.yaml",
        "name: classe\n"
        "training: {first_date: 2026-09-01, last_date: 2028-06-30}\n"
        "students: {file: absent.csv}\n",
    )

    (fault,) = load_faults(path)

    assert (fault.file, fault.field) == ("scenario.yaml", "students.file")
    assert "fichier illisible" in fault.message


def test_yaml_list_instead_of_mapping_is_refused(tmp_path):
    path = write(tmp_path / "scenario.yaml", "- s1\n- s2\n")

    (fault,) = load_faults(path)

    assert fault.message == "le scénario doit être un dictionnaire YAML"


def test_blocked_range_ending_before_its_start_is_refused():
    raw = minimal_dict()
    raw["progression"] = {
        "blocked": [{"start": "2027-01-15", "end": "2027-01-04", "label": "CCF E4"}]
    }

    (fault,) = faults_of(raw)

    assert fault.field == "progression.blocked[0]"
    assert fault.message == "la fin (2027-01-04) précède le début (2027-01-15)"


def test_every_fault_of_a_file_is_reported():
    raw = minimal_dict()
    raw["students"] = [
        {"id": "s1", "name": "Léa Dupré", "route": "alternance"},
        {"id": "s2", "name": "Noé Roux", "route": "stage"},
    ]

    faults = faults_of(raw)

    assert [f.field for f in faults] == ["students[0] (id s1).route", "students[1] (id s2).route"]


def test_error_text_lists_every_fault_one_per_line():
    raw = minimal_dict()
    raw["students"] = [{"id": "s1"}, {"id": "s2"}]

    with pytest.raises(ScenarioError) as excinfo:
        scenario_from_dict(raw, source="classe.yaml")

    assert str(excinfo.value).splitlines() == [
        "classe.yaml: students[0] (id s1).name : champ obligatoire manquant",
        "classe.yaml: students[1] (id s2).name : champ obligatoire manquant",
    ]


def test_bad_date_message_is_french():
    raw = minimal_dict()
    raw["training"]["first_date"] = "1er septembre"

    (fault,) = faults_of(raw)

    assert fault.field == "training.first_date"
    assert fault.message == "date invalide (attendu AAAA-MM-JJ)"


def test_python_object_tag_is_refused_not_executed(tmp_path):
    marker = tmp_path / "executed"
    path = write(
        tmp_path / "scenario.yaml",
        f"!!python/object/apply:os.system ['touch {marker}']\n",
    )

    (fault,) = load_faults(path)

    assert fault.field == "ligne 1"
    assert fault.message.startswith("YAML invalide : étiquette « tag:yaml.org,2002:python/object")
    assert "refusée" in fault.message
    assert not marker.exists()
