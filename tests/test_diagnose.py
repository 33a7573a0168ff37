"""diagnose(): the students and rules that make a small scenario infeasible."""

from __future__ import annotations

from factories import D_, B, C, D, host, scenario, span, student, weeks_of

from models import Scenario
from planner.calendar import build_calendar
from planner.diagnose import Conflict, diagnose

REDUCED_9 = {"reduced_weeks": 9, "reduction_reason": "positionnement"}


def _diagnose(scn: Scenario) -> tuple[Conflict, ...]:
    return diagnose(scn, build_calendar(scn))


def test_feasible_scenario_has_no_conflict() -> None:
    scn = scenario(
        [student("s1", host="h1"), student("s2", host="h1", route="apprenti")],
        hosts=[host("h1", capacity=1)],
    )
    assert _diagnose(scn) == ()


def test_late_starter_is_named_with_the_duration_rule() -> None:
    # s2 arrives for D only: 7 possible weeks, far from 16.
    scn = scenario([student("s1"), student("s2", earliest_start="2027-05-03")])
    (conflict,) = _diagnose(scn)
    assert conflict.students == ("s2",)
    assert conflict.rules == ("R1",)
    assert conflict.message.startswith("Élève s2 (s2) : R1 (durée de 16 semaines)")
    assert (
        "16 semaines requises, au plus 7 possibles dont 7 semaines complètes" in conflict.message
    )
    assert "arrivée le 2027-05-03" in conflict.message


def test_late_starter_with_a_reduction_is_stopped_by_the_block() -> None:
    # After the arrival: 5 + 5 possible weeks, never 6 in a row.
    runs = [span(D(2027, 9, 6), 5), span(D(2027, 11, 8), 5)]
    scn = scenario(
        [student("s1"), student("s2", earliest_start="2027-09-01", **REDUCED_9)],
        open_ranges=[B, C, D_, *runs],
    )
    (conflict,) = _diagnose(scn)
    assert (conflict.students, conflict.rules) == (("s2",), ("R4",))


def test_host_not_selling_is_named() -> None:
    scn = scenario(
        [student("s1", host="h1"), student("s2", host="h2")],
        hosts=[host("h1"), host("h2", sells_goods_or_services=False)],
    )
    (conflict,) = _diagnose(scn)
    assert (conflict.students, conflict.rules) == (("s2",), ("R10",))
    assert "Entreprise h2 (h2)" in conflict.message
    assert "commercialisation" in conflict.message


def test_two_students_at_a_one_place_host_with_the_same_weeks() -> None:
    # Each alone fits in the 12 weeks of B and C; together they need 18.
    scn = scenario(
        [student("s1", host="h1", **REDUCED_9), student("s2", host="h1", **REDUCED_9)],
        open_ranges=[B, C],
        hosts=[host("h1", capacity=1)],
    )
    (conflict,) = _diagnose(scn)
    assert set(conflict.students) == {"s1", "s2"}
    assert "R10" in conflict.rules
    assert set(conflict.rules) <= {"R2", "R4", "R10"}
    assert conflict.message.startswith("les élèves de Entreprise h1 (h1)")


def test_same_host_with_room_for_both_is_feasible() -> None:
    scn = scenario(
        [student("s1", host="h1", **REDUCED_9), student("s2", host="h1", **REDUCED_9)],
        open_ranges=[B, C],
        hosts=[host("h1", capacity=2)],
    )
    assert _diagnose(scn) == ()


def test_closures_are_mentioned_in_the_details() -> None:
    closure = {"start": "2027-03-01", "end": "2027-04-09", "label": "travaux"}
    scn = scenario([student("s1", host="h1")], hosts=[host("h1", closures=[closure])])
    (conflict,) = _diagnose(scn)
    assert (conflict.students, conflict.rules) == (("s1",), ("R1",))
    assert "au plus 13 possibles dont 13 semaines complètes" in conflict.message
    assert "fermetures de l'entreprise R10" in conflict.message


def test_only_the_students_in_conflict_are_named() -> None:
    # s1 and s3 are fine; s2 is unavailable for most of the open weeks.
    away = {"start": "2027-01-04", "end": "2027-04-09"}
    scn = scenario([student("s1"), student("s2", unavailable=[away]), student("s3")])
    (conflict,) = _diagnose(scn)
    assert conflict.students == ("s2",)
    assert "R1" in conflict.rules
    assert "indisponibilités" in conflict.message


def test_holiday_cap_and_duration_conflict_together() -> None:
    open_ranges = [(D(2027, 1, 4), D(2027, 4, 23))]  # 12 teaching + 4 holiday weeks
    scn = scenario([student("s1")], open_ranges=open_ranges, rules={"max_holiday_days": 5})
    (conflict,) = _diagnose(scn)
    assert conflict.students == ("s1",)
    assert conflict.rules == ("R1", "R8")
    assert "impossibles ensemble" in conflict.message


def test_summer_rest_and_duration_conflict_together() -> None:
    summer = (D(2027, 7, 5), D(2027, 8, 27))
    scn = scenario(
        [student("s1")],
        open_ranges=[span(D(2027, 5, 10), 8), summer],
        rules={"max_holiday_days": 60},
    )
    (conflict,) = _diagnose(scn)
    assert conflict.rules == ("R1", "R9")
    assert len(weeks_of([span(D(2027, 5, 10), 8), summer])) == 16  # all needed


def test_levers_are_checked_before_being_offered() -> None:
    # s2 arrives for D only (7 weeks): a reduction to 9 is not enough alone,
    # arriving earlier is; the capacity conflict offers a capacity of 2.
    scn = scenario([student("s1"), student("s2", earliest_start="2027-05-03")])
    (conflict,) = _diagnose(scn)
    assert not any(lever.startswith("réduction de durée (R2") for lever in conflict.levers)
    assert any("earliest_start" in lever for lever in conflict.levers)
    crowded = scenario(
        [student("s1", host="h1", **REDUCED_9), student("s2", host="h1", **REDUCED_9)],
        open_ranges=[B, C],
        hosts=[host("h1", capacity=1)],
    )
    (conflict,) = _diagnose(crowded)
    assert "augmenter la capacité de Entreprise h1 (h1) à 2 (R10)" in conflict.levers
    assert Conflict(("s1",), ("R1",), "m").levers == ()
