"""The calendar grid against the official dates of 2026-2028 (zone A unless
said), the precedence of kinds (plan-output.md) and a scenario's own CSV."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from models import Calendar, DayKind, load_scenario, scenario_from_dict
from planner.calendar import CalendarError, build_calendar

D = dt.date.fromisoformat


def scenario(
    first: str = "2026-09-01",
    last: str = "2028-06-30",
    zone: str = "A",
    public_holidays: str = "france",
    blocked: tuple[dict, ...] = (),
    holiday_calendar: str | None = None,
):
    training = {
        "first_date": first,
        "last_date": last,
        "zone": zone,
        "public_holidays": public_holidays,
    }
    if holiday_calendar is not None:
        training["holiday_calendar"] = holiday_calendar
    return scenario_from_dict(
        {
            "name": "calendrier",
            "training": training,
            "progression": {"blocked": list(blocked)},
            "students": [{"id": "s1", "name": "Léa Dupré"}],
        }
    )


@pytest.fixture(scope="module")
def zone_a() -> Calendar:
    return build_calendar(scenario())


@pytest.fixture(scope="module")
def alsace() -> Calendar:
    return build_calendar(scenario(public_holidays="alsace-moselle"))


@pytest.fixture(scope="module")
def with_ccf() -> Calendar:
    # Blocks the week of Ascension (public holiday on Thursday, bridge on
    # Friday) and the weekend after it.
    ccf = {"start": "2027-05-03", "end": "2027-05-09", "label": "CCF E4"}
    return build_calendar(scenario(blocked=(ccf,)))


CSV_CALENDAR = """\
start,end,label
2029-10-20,2029-11-04,Vacances de la Toussaint
2029-12-22,2030-01-06,Vacances de Noël
2030-07-06,2030-09-01,Vacances d'été 2030
"""


def csv_calendar(tmp_path: Path) -> Path:
    path = tmp_path / "vacances.csv"
    path.write_text(CSV_CALENDAR, encoding="utf-8")
    return path


# --- official school holidays, zone A 2026-2027 -----------------------------


@pytest.mark.parametrize(
    ("date", "in_holidays"),
    [
        ("2026-10-16", False),  # last school day before Toussaint
        ("2026-10-17", True),
        ("2026-11-01", True),
        ("2026-11-02", False),
        ("2026-12-18", False),
        ("2026-12-19", True),
        ("2027-01-03", True),
        ("2027-01-04", False),
        ("2027-02-12", False),
        ("2027-02-13", True),
        ("2027-02-28", True),
        ("2027-03-01", False),
        ("2027-04-09", False),
        ("2027-04-10", True),
        ("2027-04-25", True),
        ("2027-04-26", False),
        ("2027-07-02", False),
        ("2027-07-03", True),
    ],
)
def test_zone_a_holiday_bounds_2026_2027(zone_a, date, in_holidays):
    assert zone_a.day(D(date)).school_holidays is in_holidays


def test_weekday_in_toussaint_is_school_holiday_with_its_name(zone_a):
    day = zone_a.day(D("2026-10-19"))

    assert (day.kind, day.label) == (DayKind.SCHOOL_HOLIDAY, "Vacances de la Toussaint")


def test_ordinary_weekday_is_teaching_without_label(zone_a):
    day = zone_a.day(D("2026-09-07"))

    assert (day.kind, day.school_holidays, day.label) == (DayKind.TEACHING, False, "")


def test_winter_2027_monday_is_holiday_in_zone_a_not_in_zone_b(zone_a):
    zone_b = build_calendar(scenario(zone="B"))

    assert zone_a.day(D("2027-02-15")).kind is DayKind.SCHOOL_HOLIDAY
    assert zone_b.day(D("2027-02-15")).kind is DayKind.TEACHING


def test_winter_2027_monday_is_holiday_in_zone_c_not_in_zone_a(zone_a):
    zone_c = build_calendar(scenario(zone="C"))

    assert zone_c.day(D("2027-02-08")).kind is DayKind.SCHOOL_HOLIDAY
    assert zone_a.day(D("2027-02-08")).kind is DayKind.TEACHING


# --- public holidays ---------------------------------------------------------


def test_ascension_2027_is_public_holiday(zone_a):
    day = zone_a.day(D("2027-05-06"))

    assert day.kind is DayKind.PUBLIC_HOLIDAY
    assert "Ascension" in day.label


def test_ascension_bridge_2027_is_school_holiday(zone_a):
    day = zone_a.day(D("2027-05-07"))

    assert (day.kind, day.school_holidays) == (DayKind.SCHOOL_HOLIDAY, True)
    assert "Ascension" in day.label


def test_easter_monday_2027_is_public_holiday(zone_a):
    day = zone_a.day(D("2027-03-29"))

    assert (day.kind, day.label) == (DayKind.PUBLIC_HOLIDAY, "Lundi de Pâques")


def test_armistice_2026_is_public_holiday(zone_a):
    day = zone_a.day(D("2026-11-11"))

    assert (day.kind, day.label) == (DayKind.PUBLIC_HOLIDAY, "Armistice")


def test_public_holiday_is_not_a_working_day(zone_a):
    assert zone_a.day(D("2026-11-11")).is_working_day is False
    assert zone_a.day(D("2026-11-10")).is_working_day is True


@pytest.mark.parametrize("date", ["2027-03-26", "2028-04-14"])
def test_good_friday_is_teaching_in_france(zone_a, date):
    assert zone_a.day(D(date)).kind is DayKind.TEACHING


@pytest.mark.parametrize("date", ["2027-03-26", "2028-04-14"])
def test_good_friday_is_public_holiday_in_alsace_moselle(alsace, date):
    day = alsace.day(D(date))

    assert (day.kind, day.label) == (DayKind.PUBLIC_HOLIDAY, "Vendredi saint")


def test_saint_etienne_on_a_sunday_stays_weekend_in_alsace_moselle(alsace):
    assert alsace.day(D("2027-12-26")).kind is DayKind.WEEKEND


# --- precedence: weekend > public_holiday > blocked > school_holiday > teaching


def test_blocked_teaching_day_is_blocked_with_its_label(with_ccf):
    day = with_ccf.day(D("2027-05-03"))

    assert (day.kind, day.label) == (DayKind.BLOCKED, "CCF E4")


def test_public_holiday_wins_over_blocked(with_ccf):
    day = with_ccf.day(D("2027-05-06"))

    assert (day.kind, day.label) == (DayKind.PUBLIC_HOLIDAY, "Ascension")


def test_blocked_wins_over_school_holiday_but_keeps_the_holiday_flag(with_ccf):
    day = with_ccf.day(D("2027-05-07"))

    assert (day.kind, day.school_holidays, day.label) == (DayKind.BLOCKED, True, "CCF E4")


def test_weekend_wins_over_public_holiday_and_blocked(with_ccf):
    # 2027-05-08 is a Saturday, Victoire 1945, inside the blocked range.
    assert with_ccf.day(D("2027-05-08")).kind is DayKind.WEEKEND


def test_blocked_day_is_working_but_closed_to_internship(with_ccf):
    day = with_ccf.day(D("2027-05-04"))

    assert (day.is_working_day, day.open_to_internship) == (True, False)


def test_weekend_inside_holidays_keeps_the_holiday_flag(zone_a):
    day = zone_a.day(D("2026-10-24"))

    assert (day.kind, day.school_holidays) == (DayKind.WEEKEND, True)


def test_weekend_outside_holidays_has_no_holiday_flag(zone_a):
    day = zone_a.day(D("2026-09-05"))

    assert (day.kind, day.school_holidays) == (DayKind.WEEKEND, False)


# --- school year, weeks, span ----------------------------------------------


@pytest.mark.parametrize(
    ("date", "school_year"),
    [("2026-09-01", "2026-2027"), ("2027-08-31", "2026-2027"), ("2027-09-01", "2027-2028")],
)
def test_school_year_turns_on_the_first_of_september(zone_a, date, school_year):
    assert zone_a.day(D(date)).school_year == school_year


@pytest.mark.parametrize("date", ["2027-05-03", "2027-05-06", "2027-05-09"])
def test_week_start_is_the_monday(zone_a, date):
    assert zone_a.day(D(date)).week_start == D("2027-05-03")


def test_one_entry_per_date_first_to_last(zone_a):
    dates = [day.date for day in zone_a.days]

    assert len(dates) == 669
    assert (dates[0], dates[-1]) == (D("2026-09-01"), D("2028-06-30"))
    assert all((b - a).days == 1 for a, b in itertools.pairwise(dates))


def test_summer_2027_is_the_only_summer_inside_the_training(zone_a):
    assert [(s.start, s.end) for s in zone_a.summers] == [(D("2027-07-03"), D("2027-08-31"))]


def test_first_week_cut_by_the_start_is_not_whole(zone_a):
    assert zone_a.is_whole_week(D("2026-08-31")) is False


def test_week_inside_the_training_is_whole(zone_a):
    assert zone_a.is_whole_week(D("2026-09-07")) is True


def test_last_week_ending_on_the_last_friday_is_whole(zone_a):
    assert zone_a.is_whole_week(D("2028-06-26")) is True


def test_weeks_hold_working_days_only(zone_a):
    # Armistice week: Wednesday 2026-11-11 is a public holiday.
    week = zone_a.weeks[D("2026-11-09")]

    assert [d.date for d in week] == [
        D("2026-11-09"),
        D("2026-11-10"),
        D("2026-11-12"),
        D("2026-11-13"),
    ]


def test_source_names_the_zone(zone_a):
    assert zone_a.source == "zone A"


# --- beyond the bundled data, and a scenario's own CSV ----------------------


def test_training_after_the_bundled_data_asks_for_a_holiday_calendar():
    late = scenario(first="2029-09-01", last="2031-06-30")

    with pytest.raises(CalendarError, match="holiday_calendar"):
        build_calendar(late)


def test_csv_calendar_marks_its_ranges_with_their_labels(tmp_path):
    calendar = build_calendar(
        scenario(
            first="2029-09-01", last="2031-06-30", holiday_calendar=str(csv_calendar(tmp_path))
        )
    )

    day = calendar.day(D("2029-10-22"))
    assert (day.kind, day.school_holidays, day.label) == (
        DayKind.SCHOOL_HOLIDAY,
        True,
        "Vacances de la Toussaint",
    )
    assert calendar.day(D("2029-10-19")).kind is DayKind.TEACHING


def test_csv_calendar_detects_its_summer(tmp_path):
    calendar = build_calendar(
        scenario(
            first="2029-09-01", last="2031-06-30", holiday_calendar=str(csv_calendar(tmp_path))
        )
    )

    assert [(s.start, s.end) for s in calendar.summers] == [(D("2030-07-06"), D("2030-09-01"))]


def test_csv_calendar_keeps_public_holidays_from_the_holidays_package(tmp_path):
    calendar = build_calendar(
        scenario(
            first="2029-09-01", last="2031-06-30", holiday_calendar=str(csv_calendar(tmp_path))
        )
    )

    # Toussaint 2029 is a Thursday inside the CSV's Toussaint holidays.
    day = calendar.day(D("2029-11-01"))
    assert (day.kind, day.school_holidays, day.label) == (
        DayKind.PUBLIC_HOLIDAY,
        True,
        "Toussaint",
    )


def test_csv_calendar_replaces_the_zone_as_source(tmp_path):
    calendar = build_calendar(
        scenario(
            first="2029-09-01", last="2031-06-30", holiday_calendar=str(csv_calendar(tmp_path))
        )
    )

    assert calendar.source == "calendrier vacances.csv"


def test_csv_calendar_path_is_relative_to_the_scenario_file(tmp_path):
    (tmp_path / "data").mkdir()
    csv_calendar(tmp_path / "data")
    path = tmp_path / "scenario.yaml"
    path.write_text(
        "name: classe\n"
        "training:\n"
        "  first_date: 2029-09-01\n"
        "  last_date: 2031-06-30\n"
        "  holiday_calendar: data/vacances.csv\n"
        "students: [{id: s1, name: Léa Dupré}]\n",
        encoding="utf-8",
    )

    calendar = build_calendar(load_scenario(path))

    assert calendar.day(D("2029-12-24")).kind is DayKind.SCHOOL_HOLIDAY


def test_csv_calendar_with_a_bad_range_names_the_line(tmp_path):
    path = tmp_path / "vacances.csv"
    path.write_text(
        "start,end,label\n2029-10-20,2029-11-04,Toussaint\n2030-01-06,2029-12-22,Noël\n"
    )

    with pytest.raises(CalendarError, match=r"vacances\.csv: ligne 3"):
        build_calendar(scenario(first="2029-09-01", last="2031-06-30", holiday_calendar=str(path)))


def test_csv_calendar_in_cp1252_detects_the_accented_summer(tmp_path):
    path = tmp_path / "vacances.csv"
    path.write_bytes(CSV_CALENDAR.encode("cp1252"))

    calendar = build_calendar(
        scenario(first="2029-09-01", last="2031-06-30", holiday_calendar=str(path))
    )

    assert [s.start for s in calendar.summers] == [D("2030-07-06")]
    assert calendar.day(D("2029-12-24")).label == "Vacances de Noël"


def test_csv_calendar_semicolon_separated(tmp_path):
    path = tmp_path / "vacances.csv"
    path.write_text(CSV_CALENDAR.replace(",", ";"), encoding="utf-8-sig")

    calendar = build_calendar(
        scenario(first="2029-09-01", last="2031-06-30", holiday_calendar=str(path))
    )

    assert calendar.day(D("2029-10-22")).label == "Vacances de la Toussaint"


def test_missing_csv_calendar_is_a_calendar_error(tmp_path):
    absent = str(tmp_path / "absent.csv")

    with pytest.raises(CalendarError, match=r"absent\.csv : fichier illisible"):
        build_calendar(scenario(first="2029-09-01", last="2031-06-30", holiday_calendar=absent))


def test_a_holiday_calendar_that_is_a_device_is_refused_not_read(tmp_path):
    device = scenario(first="2029-09-01", last="2031-06-30", holiday_calendar="/dev/zero")

    with pytest.raises(CalendarError, match="fichier ordinaire"):
        build_calendar(device)


def test_a_holiday_range_of_centuries_is_read_near_the_training_only(tmp_path):
    path = tmp_path / "siecles.csv"
    path.write_text(CSV_CALENDAR + "1000-01-01,2999-12-31,Vacances d'été\n", encoding="utf-8")
    calendar = build_calendar(
        scenario(first="2029-09-01", last="2031-06-30", holiday_calendar=str(path))
    )
    # Every day of the training is now a holiday, and nothing beyond its
    # margin was walked (a million days would take seconds).
    assert calendar.day(D("2030-03-04")).kind is DayKind.SCHOOL_HOLIDAY
    (summer,) = calendar.summers
    assert D("2029-05-01") <= summer.start and summer.end <= D("2031-11-01")


def test_working_positions_rank_the_working_days_without_gaps():
    calendar = build_calendar(scenario())
    positions = calendar.working_positions
    working = [day.date for day in calendar.days if day.is_working_day]
    assert list(positions) == working
    assert list(positions.values()) == list(range(len(working)))
    # A Friday and the Monday after are consecutive; Christmas Day is not ranked.
    assert positions[D("2026-11-16")] == positions[D("2026-11-13")] + 1
    assert D("2026-12-25") not in positions
