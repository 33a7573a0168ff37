"""dashboard.scenario_edit: tables round-trip, uploads and "save as"."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
import yaml
from page_support import DEFAULT, ROOT

from dashboard import scenario_edit as edit
from models import ScenarioError, load_scenario, scenario_from_dict


def test_tables_round_trip_to_the_same_scenario() -> None:
    scenario = load_scenario(DEFAULT)
    raw = edit.editable(scenario)
    progression = raw["progression"]
    edited = edit.apply_edits(
        raw,
        preferred=edit.ranges_frame(progression["preferred"], weight=True),
        blocked=edit.ranges_frame(progression["blocked"]),
        students=edit.students_frame(raw["students"]),
        rules={},
        weights={},
    )
    assert scenario_from_dict(edited) == scenario


def test_blank_rows_are_dropped_and_a_reduction_needs_its_reason() -> None:
    scenario = load_scenario(DEFAULT)
    raw = edit.editable(scenario)
    blocked = edit.ranges_frame(raw["progression"]["blocked"])
    blocked.loc[len(blocked)] = [None, None, ""]
    students = edit.students_frame(raw["students"])
    students.loc[0, "reduced_weeks"] = 12
    with pytest.raises(ScenarioError) as error:
        scenario_from_dict(edit.apply_edits(raw, blocked=blocked, students=students))
    (fault,) = error.value.faults
    assert fault.field.startswith("students[0] (id e01)")
    assert "R2" in fault.message


def test_class_list_from_csv_and_xlsx_replace_the_students() -> None:
    scenario = load_scenario(DEFAULT)
    data = (ROOT / "scenarios" / "classe-nrc-2026.csv").read_bytes()
    from_csv = edit.read_class_list("classe.csv", data)
    buffer = io.BytesIO()
    pd.read_csv(io.BytesIO(data), dtype=str).to_excel(buffer, index=False)
    from_xlsx = edit.read_class_list("classe.xlsx", buffer.getvalue())
    assert edit.with_students(scenario, from_csv, "classe.csv") == scenario
    assert edit.with_students(scenario, from_xlsx, "classe.xlsx") == scenario
    with pytest.raises(ScenarioError):
        edit.read_class_list("classe.pdf", b"%PDF")


def test_uploaded_yaml_with_a_separate_class_list_is_refused() -> None:
    data = DEFAULT.read_bytes()
    with pytest.raises(ScenarioError) as error:
        edit.scenario_from_yaml("default.yaml", data)
    assert error.value.faults[0].field == "students.file"


def test_save_refuses_bad_names_and_existing_files(tmp_path: Path) -> None:
    scenario = load_scenario(DEFAULT)
    path = edit.save_scenario(scenario, "copie", tmp_path)
    assert load_scenario(path) == scenario
    with pytest.raises(FileExistsError):
        edit.save_scenario(scenario, "copie", tmp_path)
    with pytest.raises(ValueError, match="nom invalide"):
        edit.save_scenario(scenario, "../ailleurs", tmp_path)


def test_host_and_team_lists_replace_theirs_and_cross_references_are_checked() -> None:
    scenario = load_scenario(DEFAULT)
    team = "id;name;visit_days;max_visits_per_week\nt1;Mme Une;mardi|jeudi;2\n".encode("cp1252")
    unnamed = [s.model_copy(update={"referent": None}) for s in scenario.students]
    base = scenario.model_copy(update={"students": tuple(unnamed)})
    changed = edit.with_table(
        base, "teachers", edit.read_list("equipe.csv", team, "teachers"), "x"
    )
    assert [(t.id, [d.value for d in t.visit_days]) for t in changed.teachers] == [
        ("t1", ["mardi", "jeudi"])
    ]
    hosts = b"id,name,town,tutor_name\nsport-horizon,Sport Horizon,Villeurbanne,N. Benali\n"
    with pytest.raises(ScenarioError) as raised:
        edit.with_table(scenario, "hosts", edit.read_list("ent.csv", hosts, "hosts"), "ent.csv")
    fields = {f.field for f in raised.value.faults}
    assert "students[4] (id e05).host" in fields  # distripro is no longer listed (R10)
    assert all(f.file == "ent.csv" for f in raised.value.faults)


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("training", "holiday_calendar"),
        ("school", "convention_template"),
        ("school", "attestation_template"),
    ],
)
def test_an_uploaded_scenario_may_not_name_a_file_of_the_server(section: str, key: str) -> None:
    raw = edit.editable(load_scenario(DEFAULT))
    raw.setdefault(section, {})[key] = "/dev/zero"
    data = yaml.safe_dump(raw, allow_unicode=True).encode("utf-8")
    with pytest.raises(ScenarioError) as caught:
        edit.scenario_from_yaml("envoi.yaml", data)
    (fault,) = [f for f in caught.value.faults if f.field == f"{section}.{key}"]
    assert fault.file == "envoi.yaml" and "fichier du serveur" in fault.message
