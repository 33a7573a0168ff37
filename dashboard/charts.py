"""Plotly figures of a plan, as pure functions (no streamlit here).

Every figure is built from small pure pieces: the calendar's shaded ranges
(school holidays, public holidays, blocked dates, merged into ranges), the
rows (one per student), and one bar trace per period kind, so that a class
of 200 students stays a handful of traces and shapes. Text is French.

Plotly reads HTML tags in every text it draws (titles, tick labels, hover
texts, legends): each user-provided text (names, towns, labels, scenario
labels) goes in through :func:`esc`, so that it shows as written.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models import (
    Calendar,
    DayKind,
    Host,
    Period,
    PeriodKind,
    Plan,
    Scenario,
    Student,
    Teacher,
    Visit,
    monday_of,
    requirement_of,
)
from planner.counting import full_weeks

DAY = dt.timedelta(days=1)
_MS_PER_DAY = 86_400_000

#: Legend names of the period kinds (periods.csv ``kind``), in legend order.
KIND_LABELS: dict[PeriodKind, str] = {
    PeriodKind.BLOCK: "Bloc",
    PeriodKind.PERIOD: "Période",
    PeriodKind.DAYS: "Journées",
    PeriodKind.MISSIONS: "Missions",
}
KIND_COLOURS: dict[PeriodKind, str] = {
    PeriodKind.BLOCK: "#1f4e9c",
    PeriodKind.PERIOD: "#3fa7d6",
    PeriodKind.DAYS: "#e07b00",
    PeriodKind.MISSIONS: "#8e3fb0",
}

#: Shaded calendar ranges: key -> (legend name, fill colour), drawn in this order.
SHADING: dict[str, tuple[str, str]] = {
    "school": ("Vacances scolaires", "#fff0a6"),
    "public": ("Jours fériés", "#f7b6b6"),
    "blocked": ("Dates bloquées (R7)", "#cfd4da"),
}

_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
_ROW_PX = 20
_FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 12}

DateSpan = tuple[dt.date, dt.date]


def esc(text: object) -> str:
    """A user-provided text for a plotly figure: ``&``, ``<`` and ``>`` as
    HTML entities (plotly shows them as the characters, and takes no tag
    from the text)."""
    return html.escape(str(text), quote=False)


# --- dates and calendar ranges ---


def fr_date(day: dt.date) -> str:
    """A date as French teachers write it: ``03/05/2027``."""
    return day.strftime("%d/%m/%Y")


def fr_weeks(weeks: float) -> str:
    """``8 semaines``, ``1 semaine``, ``2,4 semaines``."""
    text = f"{weeks:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} semaine" + ("" if weeks <= 1 else "s")


def date_ranges(
    dates: Iterable[dt.date], bridge: Callable[[dt.date], bool] | None = None
) -> list[DateSpan]:
    """Merge dates into inclusive ranges.

    Two dates join one range when every date between them satisfies
    ``bridge`` (e.g. a weekend between two blocked weeks).
    """
    ranges: list[list[dt.date]] = []
    for day in sorted(set(dates)):
        if ranges:
            last = ranges[-1][1]
            gap = (last + DAY + DAY * i for i in range((day - last).days - 1))
            if day - last == DAY or (bridge is not None and all(bridge(g) for g in gap)):
                ranges[-1][1] = day
                continue
        ranges.append([day, day])
    return [(start, end) for start, end in ranges]


def calendar_shading(calendar: Calendar) -> dict[str, list[DateSpan]]:
    """The calendar's school holidays, public holidays and blocked dates as ranges."""
    school = [d.date for d in calendar.days if d.school_holidays]
    public = [d.date for d in calendar.days if d.kind is DayKind.PUBLIC_HOLIDAY]
    blocked = [d.date for d in calendar.days if d.kind is DayKind.BLOCKED]

    def closed(day: dt.date) -> bool:
        return day in calendar and not calendar.day(day).is_working_day

    return {
        "school": date_ranges(school),
        "public": date_ranges(public),
        "blocked": date_ranges(blocked, bridge=closed),
    }


def shading_shapes(
    shading: Mapping[str, Sequence[DateSpan]],
    *,
    xref: str = "x",
    yref: str = "paper",
    legend: bool = True,
) -> list[dict[str, Any]]:
    """One rectangle per range, below the bars, covering whole days.

    The first rectangle of each kind carries the legend entry.
    """
    shapes = []
    for key, (name, colour) in SHADING.items():
        for index, (start, end) in enumerate(shading.get(key, ())):
            shapes.append(
                {
                    "type": "rect",
                    "xref": xref,
                    "yref": yref,
                    "x0": start.isoformat(),
                    "x1": (end + DAY).isoformat(),
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": colour,
                    "opacity": 0.8,
                    "line": {"width": 0},
                    "layer": "below",
                    "name": name,
                    "legendgroup": key,
                    "showlegend": legend and index == 0,
                }
            )
    return shapes


def month_ticks(first: dt.date, last: dt.date) -> tuple[list[str], list[str]]:
    """Tick positions (first of each month) and French labels; the year shows
    on January and on the first tick."""
    values: list[str] = []
    texts: list[str] = []
    month = dt.date(first.year, first.month, 1)
    while month <= last:
        label = _MONTHS[month.month - 1]
        if month.month == 1 or not values:
            label += f"<br>{month.year}"
        values.append(month.isoformat())
        texts.append(label)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return values, texts


def _xaxis(calendar: Calendar) -> dict[str, Any]:
    return _xaxis_span(calendar.first_date, calendar.last_date)


def _xaxis_span(first: dt.date, last: dt.date) -> dict[str, Any]:
    values, texts = month_ticks(first, last)
    return {
        "type": "date",
        "range": [first.isoformat(), (last + DAY).isoformat()],
        "tickmode": "array",
        "tickvals": values,
        "ticktext": texts,
        "showgrid": True,
        "gridcolor": "#e6e6e6",
    }


# --- rows ---


def gantt_students(
    scenario: Scenario, students: Sequence[str] | None = None, *, include_exempt: bool = False
) -> list[Student]:
    """The students shown as rows, in the given order (the scenario's when None).

    Exempt students (R3 and exempt routes) are left out unless asked for;
    unknown ids are ignored.
    """
    by_id = {s.id: s for s in scenario.students}
    ids = list(dict.fromkeys(students)) if students is not None else list(by_id)
    chosen = [by_id[i] for i in ids if i in by_id]
    if include_exempt:
        return chosen
    return [s for s in chosen if not requirement_of(s, scenario.rules).exempt]


def row_labels(students: Sequence[Student]) -> dict[str, str]:
    """Row label per student id: the name, with the id when names repeat
    (escaped, :func:`esc`: the labels are the figure's tick texts)."""
    counts: dict[str, int] = defaultdict(int)
    for s in students:
        counts[s.name] += 1
    return {s.id: esc(s.name if counts[s.name] == 1 else f"{s.name} ({s.id})") for s in students}


def exempt_count(scenario: Scenario) -> int:
    return sum(requirement_of(s, scenario.rules).exempt for s in scenario.students)


# --- bars ---


@dataclass
class _Bars:
    y: list[str] = field(default_factory=list)
    base: list[str] = field(default_factory=list)
    x: list[int] = field(default_factory=list)
    hover: list[str] = field(default_factory=list)


def period_segments(period: Period, dates: Sequence[dt.date]) -> list[DateSpan]:
    """The stretches a period's bar covers.

    A block, a period of weeks or a run of days is drawn start to end; the
    mission days of a window lie weeks apart and are drawn one by one.
    """
    if period.kind is PeriodKind.MISSIONS and dates:
        return [(d, d) for d in sorted(dates)]
    return [(period.start, period.end)]


def period_hover(period: Period, label: str, host_name: str) -> str:
    """Hover text of a period: who, kind, dates, weeks, host, holiday days.

    ``label`` is a row label (:func:`row_labels`, escaped already);
    ``host_name`` is escaped here.
    """
    kind = KIND_LABELS[period.kind]
    days = f"{period.days_in_company} jour" + ("s" if period.days_in_company > 1 else "")
    return (
        f"<b>{label}</b><br>{kind} du {fr_date(period.start)} au {fr_date(period.end)}<br>"
        f"{fr_weeks(period.weeks)} · {days} en entreprise<br>"
        f"Entreprise : {esc(host_name)}<br>Jours en vacances : {period.holiday_days}"
    )


def host_names(scenario: Scenario) -> dict[str | None, str]:
    names: dict[str | None, str] = {h.id: h.name for h in scenario.hosts}
    names[None] = "non attribuée"
    return names


def period_bars(
    plan: Plan, scenario: Scenario, labels: Mapping[str, str]
) -> dict[PeriodKind, _Bars]:
    """Bar data per period kind for the students of ``labels``."""
    dates_of: dict[str, list[dt.date]] = defaultdict(list)
    for day in plan.days:
        if day.student_id in labels:
            dates_of[day.period_id].append(day.date)
    hosts = host_names(scenario)
    bars: dict[PeriodKind, _Bars] = {kind: _Bars() for kind in KIND_LABELS}
    for period in plan.periods:
        label = labels.get(period.student_id)
        if label is None:
            continue
        into = bars[period.kind]
        hover = period_hover(period, label, hosts.get(period.host_id, period.host_id or ""))
        for start, end in period_segments(period, dates_of[period.period_id]):
            into.y.append(label)
            into.base.append(start.isoformat())
            into.x.append(((end - start).days + 1) * _MS_PER_DAY)
            into.hover.append(hover)
    return bars


def _kind_traces(
    bars: Mapping[PeriodKind, _Bars],
    *,
    showlegend: bool = True,
    axes: tuple[str, str] = ("x", "y"),
) -> list[Any]:
    return [
        go.Bar(
            name=KIND_LABELS[kind],
            orientation="h",
            y=data.y,
            base=data.base,
            x=data.x,
            hovertext=data.hover,
            hoverinfo="text",
            marker={
                "color": KIND_COLOURS[kind],
                "line": {"color": KIND_COLOURS[kind], "width": 1},
            },
            legendgroup=kind.value,
            showlegend=showlegend,
            xaxis=axes[0],
            yaxis=axes[1],
        )
        for kind, data in bars.items()
    ]


def _rows_trace(labels: Sequence[str], first: dt.date, axes: tuple[str, str] = ("x", "y")) -> Any:
    """An invisible point per row, so that a student without any day keeps his row."""
    return go.Scatter(
        x=[first.isoformat()] * len(labels),
        y=list(labels),
        mode="markers",
        marker={"opacity": 0},
        hoverinfo="skip",
        showlegend=False,
        name="élèves",
        xaxis=axes[0],
        yaxis=axes[1],
    )


def _yaxis(labels: Sequence[str]) -> dict[str, Any]:
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": list(labels),
        "range": [len(labels) - 0.5, -0.5],
        "automargin": True,
        "tickfont": {"size": 11},
        "fixedrange": True,
    }


def _layout(title: str, height: int) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "barmode": "overlay",
        "bargap": 0.3,
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 90, "b": 40},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
        "hovermode": "closest",
        "plot_bgcolor": "white",
        "font": _FONT,
    }


def _gantt(
    plan: Plan, scenario: Scenario, calendar: Calendar, rows: Sequence[Student], title: str
) -> Any:
    labels = row_labels(rows)
    ordered = [labels[s.id] for s in rows]
    traces = [
        *_kind_traces(period_bars(plan, scenario, labels)),
        _rows_trace(ordered, calendar.first_date),
    ]
    figure = go.Figure(data=traces)
    figure.update_layout(
        **_layout(title, max(260, 140 + _ROW_PX * len(ordered))),
        xaxis=_xaxis(calendar),
        yaxis=_yaxis(ordered),
        shapes=shading_shapes(calendar_shading(calendar)),
    )
    return figure


def class_gantt(
    plan: Plan,
    scenario: Scenario,
    calendar: Calendar,
    *,
    students: Sequence[str] | None = None,
) -> Any:
    """The class plan: one row per non-exempt student over the whole training.

    Parameters
    ----------
    plan, scenario, calendar
        A plan of the scenario and its calendar.
    students
        Ids of the rows, in order (sorted, filtered); every student when None.
        Exempt students are never rows.
    """
    rows = gantt_students(scenario, students)
    exempt = exempt_count(scenario)
    title = f"Plan de la classe — {len(rows)} élève" + ("s" if len(rows) > 1 else "")
    if exempt:
        title += f" (dispensés non affichés : {exempt})"
    return _gantt(plan, scenario, calendar, rows, title)


def student_gantt(plan: Plan, scenario: Scenario, calendar: Calendar, student_id: str) -> Any:
    """One student's periods over the training (shown even when exempt)."""
    rows = gantt_students(scenario, [student_id], include_exempt=True)
    if not rows:
        raise KeyError(f"élève inconnu : {student_id}")
    figure = _gantt(plan, scenario, calendar, rows, f"Périodes de {esc(rows[0].name)}")
    figure.update_layout(height=250, bargap=0.45)
    return figure


def stacked_gantts(plans: Mapping[str, tuple[Plan, Scenario, Calendar]]) -> Any:
    """Several class plans one under the other, on the same time axis."""
    if not plans:
        return go.Figure()
    items = list(plans.items())
    rows_of = [gantt_students(scenario, None) for _, (_, scenario, _) in items]
    heights = [max(3, len(rows)) for rows in rows_of]
    figure = make_subplots(
        rows=len(items),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.08, 0.3 / len(items)),
        row_heights=[h / sum(heights) for h in heights],
        subplot_titles=[esc(label) for label, _ in items],
    )
    shapes: list[dict[str, Any]] = []
    first = min(calendar.first_date for _, (_, _, calendar) in items)
    last = max(calendar.last_date for _, (_, _, calendar) in items)
    for index, ((_, (plan, scenario, calendar)), rows) in enumerate(
        zip(items, rows_of, strict=True)
    ):
        suffix = "" if index == 0 else str(index + 1)
        axes = (f"x{suffix}", f"y{suffix}")
        labels = row_labels(rows)
        ordered = [labels[s.id] for s in rows]
        for trace in _kind_traces(
            period_bars(plan, scenario, labels), showlegend=index == 0, axes=axes
        ):
            figure.add_trace(trace, row=index + 1, col=1)
        figure.add_trace(_rows_trace(ordered, calendar.first_date, axes), row=index + 1, col=1)
        figure.update_layout({f"yaxis{suffix}": _yaxis(ordered)})
        shapes += shading_shapes(
            calendar_shading(calendar),
            xref=f"x{suffix}",
            yref=f"y{suffix} domain",
            legend=index == 0,
        )
    figure.update_xaxes(**_xaxis_span(first, last))
    height = 160 + sum(_ROW_PX * h + 40 for h in heights)
    layout = _layout("", height)  # the page titles the figure; each plan has its own title
    layout["legend"] |= {"yref": "container", "y": 1 - 8 / height, "yanchor": "top"}
    layout["margin"] = {"l": 10, "r": 10, "t": 80, "b": 40}
    figure.update_layout(**layout, shapes=shapes)
    figure.update_annotations(font={"size": 14, "color": "#31333f"}, x=0, xanchor="left")
    return figure


# --- weekly strip ---


def weekly_presence(plan: Plan, calendar: Calendar) -> tuple[list[dt.date], list[int], list[int]]:
    """Per week of the training: students in company the whole week, and
    students in company some days of it."""
    dates: dict[str, set[dt.date]] = defaultdict(set)
    for day in plan.days:
        dates[day.student_id].add(day.date)
    full: dict[dt.date, int] = defaultdict(int)
    some: dict[dt.date, int] = defaultdict(int)
    for student_dates in dates.values():
        whole = set(full_weeks(calendar, student_dates))
        for monday in {calendar.day(d).week_start for d in student_dates if d in calendar}:
            if monday in whole:
                full[monday] += 1
            else:
                some[monday] += 1
    mondays = list(calendar.weeks)
    return mondays, [full[m] for m in mondays], [some[m] for m in mondays]


def weekly_strip(plan: Plan, scenario: Scenario, calendar: Calendar) -> Any:
    """Students in company, week by week (whole week, or some days)."""
    mondays, full, some = weekly_presence(plan, calendar)
    base = [m.isoformat() for m in mondays]
    width = [6 * _MS_PER_DAY] * len(mondays)

    def hover(what: str, counts: list[int]) -> list[str]:
        return [
            f"Semaine du {fr_date(m)}<br>{n} élève{'s' if n > 1 else ''} {what}"
            for m, n in zip(mondays, counts, strict=True)
        ]

    traces = [
        go.Bar(
            name="Semaine complète en entreprise",
            x=base,
            y=full,
            width=width,
            offset=0,
            marker={"color": KIND_COLOURS[PeriodKind.BLOCK]},
            hovertext=hover("en entreprise toute la semaine", full),
            hoverinfo="text",
        ),
        go.Bar(
            name="Quelques jours en entreprise",
            x=base,
            y=some,
            width=width,
            offset=0,
            marker={"color": KIND_COLOURS[PeriodKind.DAYS]},
            hovertext=hover("en entreprise quelques jours", some),
            hoverinfo="text",
        ),
    ]
    figure = go.Figure(data=traces)
    layout = _layout(f"Élèves en entreprise par semaine ({len(scenario.students)} élèves)", 300)
    layout["barmode"] = "stack"
    figure.update_layout(
        **layout,
        xaxis=_xaxis(calendar),
        yaxis={"title": {"text": "élèves"}, "rangemode": "tozero", "gridcolor": "#e6e6e6"},
        shapes=shading_shapes(calendar_shading(calendar)),
    )
    return figure


# --- the progression of a scenario (Scénario page) ---


def progression_timeline(scenario: Scenario, calendar: Calendar | None = None) -> Any:
    """Blocked dates, preferred windows and mission windows over the training.

    With the calendar, school holidays and public holidays are shaded too.
    """
    progression = scenario.progression
    rows: list[tuple[str, str, Sequence[Any]]] = [
        ("Dates bloquées (R7)", "#7f8c8d", progression.blocked),
        ("Fenêtres préférées (R7)", "#27ae60", progression.preferred),
        ("Missions (R6)", KIND_COLOURS[PeriodKind.MISSIONS], progression.missions),
    ]
    traces = []
    for name, colour, ranges in rows:
        traces.append(
            go.Bar(
                name=name,
                orientation="h",
                y=[name] * len(ranges),
                base=[r.start.isoformat() for r in ranges],
                x=[((r.end - r.start).days + 1) * _MS_PER_DAY for r in ranges],
                hovertext=[
                    f"<b>{esc(r.label or name)}</b><br>du {fr_date(r.start)} au {fr_date(r.end)}"
                    + (f"<br>poids {r.weight}" if hasattr(r, "weight") else "")
                    for r in ranges
                ],
                hoverinfo="text",
                marker={"color": colour},
                showlegend=False,
            )
        )
    labels = [name for name, _, _ in rows]
    traces.append(_rows_trace(labels, scenario.training.first_date))
    figure = go.Figure(data=traces)
    layout = _layout("Calendrier de la progression", 300)
    layout["margin"] = {"l": 10, "r": 10, "t": 70, "b": 40}
    shapes: list[dict[str, Any]] = []
    if calendar is not None:
        shading = calendar_shading(calendar)
        shapes = shading_shapes({k: v for k, v in shading.items() if k != "blocked"})
    figure.update_layout(
        **layout,
        xaxis=_xaxis_span(scenario.training.first_date, scenario.training.last_date),
        yaxis=_yaxis(labels),
        shapes=shapes,
    )
    return figure


# --- teachers' visits (R12, Visites page) ---

#: Colours of the visit figures: a week's visits, a week above the teacher's
#: maximum (never in a valid plan), the maximum itself, a visit marker.
VISIT_COLOUR = "#2a9d8f"
OVER_COLOUR = "#d62828"
CAPACITY_COLOUR = "#495057"
MARKER_COLOUR = "#e63946"
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def fr_weekday_date(day: dt.date) -> str:
    """``mardi 07/12/2026``."""
    return f"{_WEEKDAYS[day.weekday()]} {fr_date(day)}"


def weekly_visit_load(plan: Plan) -> dict[tuple[str, dt.date], int]:
    """Visits per (teacher id, week Monday), for the weeks with at least one."""
    load: dict[tuple[str, dt.date], int] = defaultdict(int)
    for visit in plan.visits:
        load[visit.teacher_id, monday_of(visit.date)] += 1
    return dict(load)


def teacher_names(scenario: Scenario) -> dict[str, str]:
    """Teacher id -> name, with the id when names repeat."""
    counts: dict[str, int] = defaultdict(int)
    for t in scenario.teachers:
        counts[t.name] += 1
    return {
        t.id: t.name if counts[t.name] == 1 else f"{t.name} ({t.id})" for t in scenario.teachers
    }


def referent_of(plan: Plan, student: Student) -> str | None:
    """R12: the student's referent teacher: the plan's, else the scenario's."""
    return plan.referent_of(student.id) or student.referent


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("s" if count > 1 else "")


def _load_bars(
    teacher: Teacher, load: Mapping[tuple[str, dt.date], int], axes: tuple[str, str]
) -> Any:
    """A teacher's visits week by week: one bar per week with visits, red
    above his maximum."""
    weeks = sorted(monday for teacher_id, monday in load if teacher_id == teacher.id)
    counts = [load[teacher.id, monday] for monday in weeks]
    limit = teacher.max_visits_per_week
    return go.Bar(
        name=esc(teacher.name),
        x=[monday.isoformat() for monday in weeks],
        y=counts,
        width=[5 * _MS_PER_DAY] * len(weeks),
        offset=0,
        marker={"color": [OVER_COLOUR if n > limit else VISIT_COLOUR for n in counts]},
        hovertext=[
            f"<b>{esc(teacher.name)}</b><br>Semaine du {fr_date(monday)}<br>"
            f"{_plural(n, 'visite')} (au plus {limit} par semaine)"
            for monday, n in zip(weeks, counts, strict=True)
        ],
        hoverinfo="text",
        showlegend=False,
        xaxis=axes[0],
        yaxis=axes[1],
    )


def _capacity_line(
    teacher: Teacher, first: dt.date, last: dt.date, axes: tuple[str, str], *, legend: bool
) -> Any:
    """The teacher's ``max_visits_per_week`` as a dashed line over the training."""
    return go.Scatter(
        name="Maximum de visites par semaine",
        x=[first.isoformat(), (last + DAY).isoformat()],
        y=[teacher.max_visits_per_week] * 2,
        mode="lines",
        line={"color": CAPACITY_COLOUR, "dash": "dash", "width": 1.5},
        hovertext=(
            f"{esc(teacher.name)} : au plus {teacher.max_visits_per_week} visites par semaine"
        ),
        hoverinfo="text",
        legendgroup="capacity",
        showlegend=legend,
        xaxis=axes[0],
        yaxis=axes[1],
    )


def teacher_load_chart(plan: Plan, scenario: Scenario, calendar: Calendar) -> Any:
    """R12: each teacher's visits week by week, one panel per teacher.

    Each panel holds a bar per week with visits (red when above the
    teacher's ``max_visits_per_week``) and that maximum as a dashed line;
    school holidays are shaded. Its title gives the teacher's total.

    Parameters
    ----------
    plan, scenario, calendar
        A plan with its visits (``plan.visits``), its scenario and calendar.
    """
    teachers = scenario.teachers
    if not teachers:
        return go.Figure(layout=_layout("Aucun enseignant dans le scénario", 200))
    load = weekly_visit_load(plan)
    totals: dict[str, int] = defaultdict(int)
    for visit in plan.visits:
        totals[visit.teacher_id] += 1
    names = teacher_names(scenario)
    figure = make_subplots(
        rows=len(teachers),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.06, 0.4 / len(teachers)),
        subplot_titles=[
            f"{esc(names[t.id])} — {_plural(totals[t.id], 'visite')}, "
            f"au plus {t.max_visits_per_week} par semaine"
            for t in teachers
        ],
    )
    school = {"school": calendar_shading(calendar)["school"]}
    shapes: list[dict[str, Any]] = []
    for index, teacher in enumerate(teachers):
        suffix = "" if index == 0 else str(index + 1)
        axes = (f"x{suffix}", f"y{suffix}")
        figure.add_trace(_load_bars(teacher, load, axes), row=index + 1, col=1)
        figure.add_trace(
            _capacity_line(
                teacher, calendar.first_date, calendar.last_date, axes, legend=index == 0
            ),
            row=index + 1,
            col=1,
        )
        peak = max(
            [teacher.max_visits_per_week, *(n for (t, _), n in load.items() if t == teacher.id)]
        )
        figure.update_layout(
            {
                f"yaxis{suffix}": {
                    "range": [0, peak + 0.6],
                    "dtick": 1,
                    "gridcolor": "#e6e6e6",
                    "fixedrange": True,
                }
            }
        )
        shapes += shading_shapes(
            school, xref=f"x{suffix}", yref=f"y{suffix} domain", legend=index == 0
        )
    figure.update_xaxes(**_xaxis(calendar))
    height = 150 + 120 * len(teachers)
    layout = _layout("Visites par enseignant et par semaine", height)
    # title, then legend, then the first teacher's title: stacked in the top margin
    layout["title"] |= {"yref": "container", "y": 1 - 12 / height, "yanchor": "top"}
    layout["legend"] |= {"yref": "container", "y": 1 - 44 / height, "yanchor": "top"}
    layout["margin"] = {"l": 10, "r": 10, "t": 110, "b": 40}
    figure.update_layout(**layout, shapes=shapes)
    figure.update_annotations(font={"size": 13, "color": "#31333f"}, x=0, xanchor="left")
    return figure


def teacher_students(plan: Plan, scenario: Scenario, teacher_id: str) -> list[Student]:
    """The students a teacher follows in the plan, in the scenario's order:
    his referent students who have a period, and any student he visits."""
    visited = {v.student_id for v in plan.visits if v.teacher_id == teacher_id}
    placed = {p.student_id for p in plan.periods}
    return [
        s
        for s in scenario.students
        if s.id in visited or (s.id in placed and referent_of(plan, s) == teacher_id)
    ]


def visit_hover(visit: Visit, label: str, host: Host | None) -> str:
    """Hover text of a visit: who, when, where (the host), the tutor.

    ``label`` is a row label (:func:`row_labels`, escaped already); the
    host's texts are escaped here.
    """
    text = f"<b>Visite — {label}</b><br>{fr_weekday_date(visit.date)}"
    if host is not None:
        place = ", ".join(p for p in (host.address, host.town) if p)
        text += f"<br>{esc(host.name)}<br>{esc(place)}"
        if host.tutor is not None:
            text += f"<br>Tuteur : {esc(host.tutor.name)}"
    elif visit.town:
        text += f"<br>{esc(visit.town)}"
    return text


def visit_markers(
    plan: Plan,
    scenario: Scenario,
    labels: Mapping[str, str],
    teacher_id: str,
    axes: tuple[str, str] = ("x", "y"),
) -> Any:
    """The teacher's visits as markers on his students' rows (at midday of the date)."""
    hosts = {h.id: h for h in scenario.hosts}
    visits = sorted(
        (v for v in plan.visits if v.teacher_id == teacher_id and v.student_id in labels),
        key=lambda v: (v.date, v.student_id),
    )
    return go.Scatter(
        name="Visite",
        x=[f"{v.date.isoformat()}T12:00:00" for v in visits],
        y=[labels[v.student_id] for v in visits],
        mode="markers",
        marker={
            "symbol": "diamond",
            "size": 12,
            "color": MARKER_COLOUR,
            "line": {"color": "white", "width": 1.5},
        },
        hovertext=[
            visit_hover(v, labels[v.student_id], hosts.get(v.host_id or "")) for v in visits
        ],
        hoverinfo="text",
        xaxis=axes[0],
        yaxis=axes[1],
    )


def teacher_gantt(plan: Plan, scenario: Scenario, calendar: Calendar, teacher_id: str) -> Any:
    """One teacher's follow-up: a row per student he follows, their periods
    as bars (coloured by kind) and his visits as markers.

    Raises
    ------
    KeyError
        When ``teacher_id`` is not a teacher of the scenario.
    """
    name = esc(teacher_names(scenario)[teacher_id])
    rows = teacher_students(plan, scenario, teacher_id)
    labels = row_labels(rows)
    markers = visit_markers(plan, scenario, labels, teacher_id)
    title = (
        f"Visites de {name} — {_plural(len(markers.x), 'visite')}, "
        f"{_plural(len(rows), 'élève')} suivi" + ("s" if len(rows) > 1 else "")
    )
    figure = _gantt(plan, scenario, calendar, rows, title)
    figure.add_trace(markers)
    figure.update_layout(height=max(300, 160 + 28 * len(rows)))
    return figure
