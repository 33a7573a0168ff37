"""The « Scénario » page (Streamlit AppTest): choose, edit, validate, save."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from page_support import ROOT, app_on
from streamlit.testing.v1 import AppTest

from dashboard import state
from models import Scenario, load_scenario
from planner import store


def _scenario(app: AppTest) -> Scenario:
    scenario: Scenario = app.session_state[state.K_SCENARIO]
    return scenario


def _by_label(elements: object, label: str) -> object:
    return next(e for e in elements if e.label == label)  # type: ignore[attr-defined]


def test_first_load_shows_the_default_scenario_and_its_editors() -> None:
    app = app_on(None)
    assert app.title[0].value == "Scénario"
    assert app.session_state[state.K_LABEL] == "default"
    assert _scenario(app).name.startswith("BTS NRC 2026-2028")
    assert "default.yaml" in app.selectbox[0].options
    labels = {b.label for b in app.button}
    assert {"Charger ce scénario", "Importer le fichier", "Appliquer", "Enregistrer"} <= labels
    assert len(app.dataframe) == 3  # preferred, blocked, students
    assert len(app.get("plotly_chart")) == 1  # the progression timeline
    captions = " ".join(c.value for c in app.caption)
    assert "défaut bts-nrc : 16" in captions and "défaut bts-nrc : 28" in captions


def test_picking_a_bundled_scenario_makes_it_current() -> None:
    app = app_on(None)
    app.selectbox[0].select(Path(state.SCENARIOS_DIR / "bloc-novembre-annee2.yaml"))
    _by_label(app.button, "Charger ce scénario").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert app.session_state[state.K_LABEL] == "bloc-novembre-annee2"
    expected = load_scenario(ROOT / "scenarios" / "bloc-novembre-annee2.yaml")
    assert _scenario(app) == expected
    assert any("chargé" in s.value for s in app.success)


def test_invalid_rule_override_is_refused_and_the_field_named() -> None:
    app = app_on(None)
    before = _scenario(app)
    _by_label(app.number_input, "R4 bloc minimal (semaines consécutives)").set_value(17)  # type: ignore[attr-defined]
    _by_label(app.button, "Appliquer").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert _scenario(app) == before  # the previous valid scenario stays
    errors = " ".join(e.value for e in app.error)
    assert "Modifications refusées" in errors
    # Markdown-escaped (user text is never read as markup): shows as block_min_weeks
    assert "**rules** : R4 : block\\_min\\_weeks dépasse required\\_weeks" in errors


def test_applying_a_weight_revalidates_under_a_new_label() -> None:
    app = app_on(None)
    _by_label(app.slider, "Semaine d'enseignement où la classe est scindée").set_value(40)  # type: ignore[attr-defined]
    _by_label(app.button, "Appliquer").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert _scenario(app).weights.sync == 40
    assert app.session_state[state.K_LABEL] == "default v2"
    assert any("Modifications appliquées" in s.value for s in app.success)


def test_save_as_never_overwrites_an_existing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = tmp_path / "default.yaml"
    existing.write_text("# ne pas écraser\n", encoding="utf-8")
    monkeypatch.setattr(state, "SCENARIOS_DIR", tmp_path)
    app = app_on(None)
    _by_label(app.text_input, "Nom du fichier (sans .yaml)").input("default")  # type: ignore[attr-defined]
    _by_label(app.button, "Enregistrer").click().run()  # type: ignore[attr-defined]
    assert "existe déjà" in app.error[0].value
    assert existing.read_text(encoding="utf-8") == "# ne pas écraser\n"

    _by_label(app.text_input, "Nom du fichier (sans .yaml)").input("variante-1")  # type: ignore[attr-defined]
    _by_label(app.button, "Enregistrer").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    saved = tmp_path / "variante-1.yaml"
    assert saved.is_file() and "variante-1.yaml" in app.success[-1].value
    assert load_scenario(saved) == _scenario(app)  # the YAML reads back the same scenario
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["name"] == _scenario(app).name


def _save_as(app: AppTest, name: str) -> None:
    _by_label(app.text_input, "Nom du fichier (sans .yaml)").input(name)  # type: ignore[attr-defined]
    _by_label(app.button, "Enregistrer").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception


def _set_sync_weight(app: AppTest, value: int) -> None:
    _by_label(app.slider, "Semaine d'enseignement où la classe est scindée").set_value(value)  # type: ignore[attr-defined]
    _by_label(app.button, "Appliquer").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception


def test_enregistrer_is_offered_only_for_a_file_the_dashboard_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state, "SCENARIOS_DIR", tmp_path)
    app = app_on(None)  # the bundled default: never replaced, « Enregistrer sous… » only
    assert state.K_ORIGIN not in app.session_state or app.session_state[state.K_ORIGIN] is None
    assert not [b for b in app.button if b.label.startswith("Enregistrer dans")]
    _save_as(app, "variante-1")
    assert "Scénario enregistré sous « variante-1.yaml »." in [s.value for s in app.success]
    assert _by_label(app.button, "Enregistrer dans variante-1.yaml")
    origin = app.session_state[state.K_ORIGIN]
    assert origin.path == tmp_path / "variante-1.yaml"
    assert origin.version == store.version_of(tmp_path / "variante-1.yaml")


def test_enregistrer_replaces_the_file_and_keeps_the_version_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state, "SCENARIOS_DIR", tmp_path)
    app = app_on(None)
    _save_as(app, "variante-1")
    path = tmp_path / "variante-1.yaml"
    before = path.read_text(encoding="utf-8")
    _set_sync_weight(app, 40)  # an edit keeps the file « Enregistrer » writes to
    _by_label(app.button, "Enregistrer dans variante-1.yaml").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert any("enregistré dans « variante-1.yaml »" in s.value for s in app.success)
    assert load_scenario(path).weights.sync == 40
    assert [p.read_text(encoding="utf-8") for p in store.backups(path)] == [before]
    assert app.session_state[state.K_ORIGIN].version == store.version_of(path)


def test_a_file_changed_since_loading_is_not_overwritten_without_asking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state, "SCENARIOS_DIR", tmp_path)
    app = app_on(None)
    _save_as(app, "variante-1")
    path = tmp_path / "variante-1.yaml"
    # another teacher saves the file meanwhile
    theirs = path.read_text(encoding="utf-8").replace("sync: 30", "sync: 77")
    assert theirs != path.read_text(encoding="utf-8")
    store.save(path, theirs, store.version_of(path))
    _set_sync_weight(app, 40)
    _by_label(app.button, "Enregistrer dans variante-1.yaml").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert path.read_text(encoding="utf-8") == theirs  # not overwritten
    warning = " ".join(w.value for w in app.warning)
    assert "« variante-1.yaml » a été modifié le" in warning
    assert "Écrasez-la quand même" in warning
    # « Enregistrer sous… » is offered with a free name
    assert _by_label(app.text_input, "Nom du fichier (sans .yaml)").value == "variante-1-2"  # type: ignore[attr-defined]
    _by_label(app.button, "Écraser quand même").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert load_scenario(path).weights.sync == 40
    assert theirs in [p.read_text(encoding="utf-8") for p in store.backups(path)]  # kept
    assert not app.warning


def test_a_bundled_file_is_never_offered_for_replacement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = app_on(None)
    app.selectbox[0].select(Path(state.SCENARIOS_DIR / "bloc-novembre-annee2.yaml"))
    _by_label(app.button, "Charger ce scénario").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert app.session_state[state.K_ORIGIN] is None
    assert not [b for b in app.button if b.label.startswith("Enregistrer dans")]
