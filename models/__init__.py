"""The domain data model of stageplan: scenario, students, hosts, rule
profile, calendar days and plan. Typed and validated; no solver here."""

from .calendar import Calendar, CalendarDay, DayKind
from .dates import DateRange, monday_of, school_year_of
from .loading import Fault, ScenarioError, load_scenario, read_students_csv, scenario_from_dict
from .plan import Period, PeriodKind, PlacedDay, Plan, PlanStatus, Visit
from .requirements import Requirement, requirement_of
from .rules import RULE_TITLES, RuleProfile
from .scenario import (
    ConventionRecord,
    ConventionStatus,
    Host,
    HostChange,
    MissionWindow,
    PreferredWindow,
    Progression,
    Route,
    Scenario,
    SchoolInfo,
    SolverSettings,
    Student,
    Teacher,
    Training,
    Tutor,
    Weekday,
    Weights,
)

__all__ = [
    "RULE_TITLES",
    "Calendar",
    "CalendarDay",
    "ConventionRecord",
    "ConventionStatus",
    "DateRange",
    "DayKind",
    "Fault",
    "Host",
    "HostChange",
    "MissionWindow",
    "Period",
    "PeriodKind",
    "PlacedDay",
    "Plan",
    "PlanStatus",
    "PreferredWindow",
    "Progression",
    "Requirement",
    "Route",
    "RuleProfile",
    "Scenario",
    "ScenarioError",
    "SchoolInfo",
    "SolverSettings",
    "Student",
    "Teacher",
    "Training",
    "Tutor",
    "Visit",
    "Weekday",
    "Weights",
    "load_scenario",
    "monday_of",
    "read_students_csv",
    "requirement_of",
    "scenario_from_dict",
    "school_year_of",
]
