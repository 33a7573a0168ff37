"""No lost data: a writer process is killed (SIGKILL) at random moments
while it saves a scenario (planner.store), writes a plan folder
(planner.plan_io.write_plan) and saves copies under new names, over and
over. After every kill, every file is checked: the scenario parses and is
one of the versions written (the last one finished, or the one in flight),
each kept version and each copy is whole, and the plan folder holds all
the files of one version (never a mix), or is absent only if no plan was
ever finished. Half the trials swap folders by ``renameat2`` exchange, the
other half by the two-rename fallback, whose crash window
:func:`planner.atomic.recover_folder` closes.

The figures (trials, files checked, files corrupted) are printed and
written to ``/tmp/stageplan-kill-save.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from models import Scenario, scenario_from_dict
from planner import atomic, store
from planner.calendar import build_calendar
from planner.plan_io import read_plan

ROOT = Path(__file__).resolve().parent.parent
TRIALS = 36
SEED = 20260507
REPORT = Path("/tmp/stageplan-kill-save.json")

#: The writer: saves version 0, 1, 0, 1… of the scenario and of the plan
#: and a new copy each round, printing each step once it is finished.
WRITER = r"""
import datetime as dt, json, sys
from pathlib import Path
from models import scenario_from_dict
from planner import atomic, store
from planner.calendar import build_calendar
from planner.counting import build_plan
from planner.plan_io import write_plan
from planner.validate import validate_plan

work, mode = Path(sys.argv[1]), sys.argv[2]
if mode == "renames":
    import os, time
    atomic._renameat2 = None  # the fallback: move aside, then in
    real_replace = os.replace

    def slow_replace(src, dst):  # widen the crash window between the two renames
        real_replace(src, dst)
        if Path(src).name == "plan":
            time.sleep(0.02)

    os.replace = slow_replace
spec = json.loads((work / "spec.json").read_text(encoding="utf-8"))
texts = spec["texts"]
scenarios = [scenario_from_dict(yaml_raw) for yaml_raw in spec["raws"]]
plans = []
for k, scenario in enumerate(scenarios):
    calendar = build_calendar(scenario)
    days = [dt.date.fromisoformat(d) for d in spec["days"][k]]
    plan = build_plan(scenario, calendar, {"s1": days})
    verdict = validate_plan(scenario, calendar, plan)
    assert verdict.ok
    plans.append((scenario, calendar, plan, verdict, {"status": "OPTIMAL", "version": k}))
folder = work / "scenarios"
path = folder / "classe.yaml"
print("ready", flush=True)
i = 0
while True:
    k = i % 2
    store.save(path, texts[k], store.version_of(path))
    print(f"scenario {k}", flush=True)
    write_plan(work / "plan", *plans[k])
    print(f"plan {k}", flush=True)
    store.save_new(folder / f"copie-{spec['trial']}-{i}.yaml", texts[k])
    print(f"copy {k}", flush=True)
    i += 1
"""


def _raw(version: int) -> dict[str, Any]:
    return {
        "name": f"Classe NRC 1 — version {version}",
        "training": {"first_date": "2026-09-01", "last_date": "2028-06-30", "zone": "A"},
        "rules": {"max_holiday_days": 15},
        "students": [
            {"id": "s1", "name": "Alice Martin", "host": "h1"},
            {"id": "s2", "name": "Chloé Roux", "route": "apprenti"},
        ],
        "hosts": [{"id": "h1", "name": "Boutique Lumière"}],
        "weights": {"sync": 10 + version},
    }


def _days(version: int) -> list[str]:
    """Student s1's days: 16 weeks (version 0) or 17 (version 1), and one day."""
    calendar = build_calendar(scenario_from_dict(_raw(version)))
    starts = [(dt.date(2027, 1, 4), 6), (dt.date(2027, 5, 24), 6), (dt.date(2027, 9, 6), 4)]
    starts[-1] = (starts[-1][0], 4 + version)
    days = [
        d.date
        for monday, weeks in starts
        for i in range(weeks)
        for d in calendar.weeks[monday + dt.timedelta(weeks=i)]
    ]
    return [d.isoformat() for d in [*days, dt.date(2027, 3, 2)]]


def _reference_plans(work: Path, raws: list[dict[str, Any]], days: list[list[str]]) -> list:
    """Each plan version written once, undisturbed: what a whole folder holds."""
    spec = {"texts": ["", ""], "raws": raws, "days": days, "trial": "ref"}
    (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    code = WRITER.split('folder = work / "scenarios"')[0] + (
        "for k in range(2):\n    write_plan(work / f'ref-{k}', *plans[k])\n"
    )
    subprocess.run([sys.executable, "-c", code, str(work), "exchange"], check=True, env=_env())
    return [_snapshot(work / f"ref-{k}") for k in range(2)]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _load(path: Path) -> Scenario | None:
    """The scenario of a saved file; None if it does not parse whole."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return scenario_from_dict(raw)
    except Exception:
        return None


def test_a_killed_writer_never_leaves_a_broken_or_mixed_file(tmp_path: Path) -> None:
    started = time.monotonic()
    raws = [_raw(0), _raw(1)]
    days = [_days(0), _days(1)]
    versions = [scenario_from_dict(raw) for raw in raws]
    texts = [f"# version {k}\n" + yaml.safe_dump(raws[k], allow_unicode=True) for k in range(2)]
    references = _reference_plans(tmp_path, raws, days)
    assert references[0] != references[1]
    assert references[0]["days.csv"] != references[1]["days.csv"]

    folder = tmp_path / "scenarios"
    folder.mkdir()
    scenario_file = folder / "classe.yaml"
    plan_dir = tmp_path / "plan"
    rng = random.Random(SEED)
    figures: dict[str, Any] = {
        "trials": 0,
        "files_checked": 0,
        "files_corrupted": 0,
        "plan_folders_recovered": 0,
        "steps_finished": 0,
        "problems": [],
    }
    last_scenario: int | None = None
    last_plan: int | None = None

    for trial in range(TRIALS):
        mode = "exchange" if trial % 2 == 0 else "renames"
        spec = {"texts": texts, "raws": raws, "days": days, "trial": trial}
        (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), mode],
            stdout=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.3))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        assert writer.returncode == -signal.SIGKILL  # killed, not ended on its own
        steps = writer.stdout.read().split("\n")
        writer.stdout.close()
        figures["trials"] += 1
        for step in filter(None, steps):
            what, version = step.split()
            figures["steps_finished"] += 1
            if what == "scenario":
                last_scenario = int(version)
            elif what == "plan":
                last_plan = int(version)

        def bad(path: Path, why: str, trial: int = trial) -> None:
            figures["files_corrupted"] += 1
            figures["problems"].append(f"essai {trial} : {path.name} : {why}")

        # the scenario: one of the versions, the last finished or the next one
        if last_scenario is not None:
            figures["files_checked"] += 1
            found = _load(scenario_file) if scenario_file.exists() else None
            allowed = {last_scenario, 1 - last_scenario}
            if found is None or found not in [versions[k] for k in allowed]:
                bad(scenario_file, "absent, illisible ou d'une version inconnue")
        # every version kept and every copy: whole
        kept = store.backups(scenario_file)
        for path in [*kept, *folder.glob("copie-*.yaml")]:
            figures["files_checked"] += 1
            if _load(path) not in versions:
                bad(path, "copie ou version gardée incomplète")
        # the plan folder: one version whole, or (fallback) put back by recovery
        if not plan_dir.exists() and atomic.recover_folder(plan_dir):
            figures["plan_folders_recovered"] += 1
        if last_plan is not None or plan_dir.exists():
            figures["files_checked"] += len(references[0])
            if not plan_dir.is_dir():
                bad(plan_dir, "dossier de plan absent alors qu'un plan a été écrit")
            elif _snapshot(plan_dir) not in references:
                bad(plan_dir, "fichiers de plan mélangés ou incomplets")
            else:
                read_plan(plan_dir)  # and it reads back

    # the next load after all the kills: a normal save and write work, and
    # clean what the killed writers left
    store.save(scenario_file, texts[0], store.version_of(scenario_file))
    assert not list(folder.glob(".classe.yaml.tmp-*"))
    assert sorted(p.name for p in folder.glob("*.yaml") if not p.name.startswith("copie-")) == [
        "classe.yaml"
    ]
    leftovers = atomic.remove_leftovers(plan_dir, older_than_s=0)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".plan")) == []
    figures["leftover_staging_folders_removed"] = leftovers
    figures["copies"] = len(list(folder.glob("copie-*.yaml")))
    figures["versions_kept"] = len(store.backups(scenario_file))
    figures["seconds"] = round(time.monotonic() - started, 1)
    REPORT.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nkill-during-save: {json.dumps(figures, ensure_ascii=False)}")
    assert figures["trials"] == TRIALS
    assert figures["steps_finished"] >= TRIALS // 2  # the kills fell among real saves
    assert figures["files_corrupted"] == 0, figures["problems"]
