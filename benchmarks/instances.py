"""Synthetic scenarios for the scale benchmark (issue 6), generated from a seed.

``generate(students, seed)`` builds a scenario of ``students`` students in
classes of 35 (``cohort`` "c01", "c02"...), imitating the bundled class
(``scenarios/classe-nrc-2026.csv``): mostly school-route students, a few
apprentices, one in continuing education, one distance learner, one VAE
exemption, two reductions, one repeating student who keeps his earlier
internship, three late starters, two with an unavailable range, two without
a host yet, one host change in year 2 and a few named referents.

Classes are grouped ten by ten into schools. A school has its towns, its
hosts (about one per 1.4 students with a host, capacity 1-3, some closed
for 1-3 weeks) and its teachers (six per class, each teaching two classes
of the school). About 10 % of the students are placed at a host of a
neighbouring school, so schools share hosts too. Every host takes at
least one intern and at most its capacity, except two crowded hosts per
class, as in the bundled class: one place for a student and the repeating
student, two places for three students, the third from the next class of
the school (so R10 capacity couples the classes of a school: a school is
one independent part, an académie of 3,500 is ten). To keep every
instance feasible, crowded hosts never close, and no closure or
unavailability overlaps a mission window (R6 asks a day in nearly every
week of them) or, for closures, the main block window.

Everything comes from one ``random.Random(seed)``: the same arguments give
the same scenario; no file is read. ``write_instance`` dumps a scenario as
YAML for inspection (``stageplan solve`` reads it back).

Run ``.venv/bin/python benchmarks/instances.py 350 --seed 0 --out /tmp/i.yaml``
to write one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from models import Scenario, scenario_from_dict

#: Students per class (the last class of an odd size takes the remainder).
CLASS_SIZE: Final = 35
#: Classes per school: hosts and teachers are shared within a school.
CLASSES_PER_SCHOOL: Final = 10
#: Students with a host per host (one host per 1.4 students).
STUDENTS_PER_HOST: Final = 1.4
#: Share of the students placed at a host of a neighbouring school.
CROSS_SCHOOL_SHARE: Final = 0.10
#: Share of the hosts with closures (never the crowded ones).
CLOSED_HOST_SHARE: Final = 0.10
TEACHERS_PER_CLASS: Final = 6
#: The change of host of year 2 (like e12 of the bundled class).
HOST_CHANGE_DATE: Final = dt.date(2027, 9, 1)

FIRST_DATE: Final = dt.date(2026, 9, 1)
LAST_DATE: Final = dt.date(2028, 6, 30)

#: The progression of ``scenarios/default.yaml``, copied (no file I/O here).
PROGRESSION: Final[dict[str, Any]] = {
    "blocked": [
        {
            "start": "2026-09-01",
            "end": "2026-09-25",
            "label": "Rentrée et intégration de 1re année",
        },
        {"start": "2027-01-18", "end": "2027-01-22", "label": "Partiels du 1er semestre"},
        {"start": "2027-06-28", "end": "2027-07-02", "label": "Partiels de fin de 1re année"},
        {"start": "2027-09-01", "end": "2027-09-17", "label": "Rentrée de 2e année"},
        {"start": "2028-02-07", "end": "2028-02-11", "label": "BTS blanc"},
        {"start": "2028-03-13", "end": "2028-03-24", "label": "CCF E4"},
        {"start": "2028-03-27", "end": "2028-04-07", "label": "CCF E5"},
        {"start": "2028-05-10", "end": "2028-06-30", "label": "Épreuves finales du BTS"},
    ],
    "preferred": [
        {
            "start": "2027-05-03",
            "end": "2027-06-25",
            "label": "Bloc principal de 1re année",
            "weight": 10,
        },
        {
            "start": "2026-12-07",
            "end": "2026-12-18",
            "label": "Stage de découverte (1re année)",
            "weight": 9,
        },
        {
            "start": "2027-11-29",
            "end": "2027-12-10",
            "label": "Stage de novembre-décembre (2e année)",
            "weight": 9,
        },
        {
            "start": "2028-01-10",
            "end": "2028-01-21",
            "label": "Stage de janvier (2e année)",
            "weight": 9,
        },
    ],
    "missions": [
        {
            "id": "missions-1a",
            "label": "Missions de gestion de projet — 1re année",
            "start": "2027-01-25",
            "end": "2027-04-09",
            "days": 5,
            "weekdays": ["mardi", "jeudi"],
            "max_per_week": 1,
        },
        {
            "id": "missions-2a",
            "label": "Missions de gestion de projet — 2e année",
            "start": "2027-09-20",
            "end": "2027-10-22",
            "days": 5,
            "weekdays": ["mardi", "mercredi", "jeudi"],
            "max_per_week": 1,
        },
    ],
}
#: Main preferred window (the block): no host closes there.
MAIN_WINDOW: Final = (dt.date(2027, 5, 3), dt.date(2027, 6, 25))
#: The mission windows: R6 asks one day a week in nearly every week of them,
#: so no unavailability or closure overlaps them (the instance stays feasible).
MISSION_WINDOWS: Final = (
    (dt.date(2027, 1, 25), dt.date(2027, 4, 9)),
    (dt.date(2027, 9, 20), dt.date(2027, 10, 22)),
)

#: Special cases of a class of 35, as in the bundled class.
SPECIALS_PER_CLASS: Final[dict[str, int]] = {
    "apprenti": 2,
    "formation_continue": 1,
    "distance": 1,
    "vae": 1,
    "reduced": 2,
    "repeating": 1,
    "late": 3,
    "unavailable": 2,
    "no_host": 2,
    "host_change": 1,
}
#: Students whose referent teacher is named, per class of 35.
NAMED_REFERENTS_PER_CLASS: Final = 2

TOWNS: Final = (
    "Lyon",
    "Villeurbanne",
    "Vénissieux",
    "Bron",
    "Saint-Priest",
    "Villefranche-sur-Saône",
    "Décines-Charpieu",
    "Vaulx-en-Velin",
    "Caluire-et-Cuire",
    "Oullins",
    "Rillieux-la-Pape",
    "Meyzieu",
    "Givors",
    "Tassin-la-Demi-Lune",
    "Écully",
    "Sainte-Foy-lès-Lyon",
    "Saint-Fons",
    "Craponne",
    "Genas",
    "Mions",
    "Vienne",
    "Bourgoin-Jallieu",
    "Tarare",
    "Belleville-en-Beaujolais",
    "Neuville-sur-Saône",
    "Brignais",
    "Corbas",
    "Chassieu",
    "Francheville",
    "Limonest",
)
TOWNS_PER_SCHOOL: Final = 10

FIRST_NAMES: Final = (
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Nathan",
    "Camille",
    "Enzo",
    "Inès",
    "Théo",
    "Sarah",
    "Maxime",
    "Jade",
    "Louis",
    "Emma",
    "Yanis",
    "Clara",
    "Mathis",
    "Lina",
    "Tom",
    "Zoé",
    "Rayan",
    "Océane",
    "Axel",
    "Anaïs",
    "Kylian",
    "Maëlle",
    "Noah",
    "Lou",
    "Samuel",
    "Mélissa",
    "Adam",
    "Romane",
    "Bastien",
    "Eva",
    "Malik",
)
SURNAMES: Final = (
    "Martin",
    "Bernard",
    "Dubois",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
    "Haddad",
    "Nguyen",
)
#: (id stem, name stem, sector) of the hosts.
SECTORS: Final = (
    ("sport", "Sport Horizon", "Commerce de détail d'articles de sport"),
    ("immo", "Agence immobilière", "Transactions immobilières"),
    ("distri", "Distri-Pro", "Distribution B2B de fournitures"),
    ("caves", "Les Caves", "Commerce de vins (caviste)"),
    ("jardin", "Jardinerie", "Jardinerie"),
    ("meubles", "Meubles", "Ameublement"),
    ("optique", "Optique", "Optique"),
    ("auto", "Garage", "Concession automobile"),
    ("banque", "Banque Coopérative", "Banque de détail"),
    ("assur", "Assur'Plus", "Courtage en assurances"),
    ("bureau", "Bureau Express", "Fournitures de bureau B2B"),
    ("tele", "TéléConnect", "Centre de relation client"),
    ("hotel", "Hôtel", "Hôtellerie et séminaires"),
    ("fournil", "Le Fournil", "Boulangerie en franchise"),
    ("cosmetik", "Cosmétik", "Parfumerie"),
    ("brico", "BricoPro", "Négoce de matériaux"),
    ("voyages", "Voyages", "Agence de voyages"),
    ("agri", "AgriDistri", "Distribution agricole"),
    ("mode", "Mode Urbaine", "Prêt-à-porter"),
    ("info", "Informatique Plus", "Revente informatique B2B"),
    ("imprim", "Imprim'Services", "Imprimerie"),
    ("velo", "Vélo Cité", "Vente et location de cycles"),
    ("electro", "ÉlectroMénager Center", "Électroménager"),
    ("pharma", "Pharma Distrib", "Grossiste pharmaceutique"),
)
TUTOR_FUNCTIONS: Final = (
    "Responsable de magasin",
    "Directeur d'agence",
    "Responsable commerciale",
    "Gérant",
    "Chef des ventes",
    "Responsable de rayon",
    "Responsable grands comptes",
)
SUBJECTS: Final = (
    "Relation client et négociation-vente",
    "Relation client à distance et digitalisation",
    "Relation client et animation de réseaux",
    "Culture économique juridique et managériale",
    "Culture générale et expression",
    "Langue vivante étrangère (anglais)",
)
WEEKDAYS: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
#: A class's weekly visit limits: a balanced draw, so that no class ends up
#: with a team too small for its visits (R12).
VISIT_LIMITS: Final = (2, 3, 3, 3, 4, 4)
REDUCTION_REASONS: Final = (
    "force majeure dûment constatée : raison médicale, certificat du médecin scolaire",
    "décision de positionnement : titulaire d'un titre professionnel de vendeur "
    "conseiller commercial",
    "décision de positionnement : expérience de vente attestée",
)
VAE_REASON: Final = "validation des acquis de l'expérience (jury de juin 2026)"


@dataclass
class _HostDraft:
    id: str
    school: int
    capacity: int
    town: str
    sector: int
    interns: int = 0
    crowded: bool = False
    closures: list[dict[str, str]] = field(default_factory=list)


@dataclass
class _StudentDraft:
    record: dict[str, Any]
    school: int
    cohort_index: int
    kind: str = "plain"


def generate(students: int, seed: int) -> Scenario:
    """A scenario of ``students`` students, the same for the same ``seed``.

    Parameters
    ----------
    students
        Number of students (classes of 35; 350 is ten classes, one school).
    seed
        Seed of the generator (not of the solver).
    """
    return scenario_from_dict(scenario_dict(students, seed), f"<généré {students}/{seed}>")


def scenario_dict(students: int, seed: int) -> dict[str, Any]:
    """The raw scenario of :func:`generate` (as a YAML file would hold it)."""
    if students < 1:
        raise ValueError("at least one student")
    rng = random.Random(f"stageplan-instances/{students}/{seed}")
    sizes = _class_sizes(students)
    width = max(2, len(str(len(sizes))))
    cohorts = [f"c{k + 1:0{width}d}" for k in range(len(sizes))]
    school_of = [k // CLASSES_PER_SCHOOL for k in range(len(sizes))]
    schools = school_of[-1] + 1
    towns = [_school_towns(s) for s in range(schools)]
    teachers = _teachers(rng, cohorts, school_of, towns)
    drafts = _students(rng, sizes, cohorts, school_of, teachers)
    hosts = _assign_hosts(rng, drafts, schools, towns, len(sizes))
    return {
        "name": f"Benchmark {students} élèves (graine {seed})",
        "description": (
            f"Instance synthétique de stageplan : {students} élèves en {len(sizes)} classes "
            f"de BTS NRC, {schools} lycée(s), {len(hosts)} entreprises, "
            f"{len(teachers)} enseignants (benchmarks/instances.py, graine {seed})."
        ),
        "training": {
            "first_date": FIRST_DATE.isoformat(),
            "last_date": LAST_DATE.isoformat(),
            "zone": "A",
        },
        "progression": PROGRESSION,
        "rules": {"name": "bts-nrc"},
        "students": [d.record for d in drafts],
        "hosts": [_host_record(h) for h in hosts],
        "teachers": teachers,
        "school": {
            "name": "Lycée Jean Moulin — section BTS NRC" if schools == 1 else "Académie de Lyon",
            "town": "Lyon",
            "weekly_hours": 35,
        },
        "weights": {
            "preferred": 2,
            "sync": 30,
            "fragmentation": 10,
            "holiday_days": 1,
            "surplus_days": 3,
        },
        "solver": {"time_limit_s": 60, "seed": seed, "workers": 2},
    }


def write_instance(scenario: Scenario, path: Path | str) -> None:
    """Write ``scenario`` as a YAML file that ``stageplan solve`` reads back."""
    raw = scenario.model_dump(mode="json", exclude_defaults=True)
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=100)
    Path(path).write_text(text, encoding="utf-8")


def _class_sizes(students: int) -> list[int]:
    full, rest = divmod(students, CLASS_SIZE)
    return [CLASS_SIZE] * full + ([rest] if rest else [])


def _school_towns(school: int) -> list[str]:
    """Ten towns per school; neighbouring schools share some of them."""
    start = (school * 3) % len(TOWNS)
    return [TOWNS[(start + i) % len(TOWNS)] for i in range(TOWNS_PER_SCHOOL)]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _teachers(
    rng: random.Random, cohorts: list[str], school_of: list[int], towns: list[list[str]]
) -> list[dict[str, Any]]:
    """Six teachers per class; each teaches his class and the next one of
    his school (round the school), so each class has twelve possible referents."""
    teachers: list[dict[str, Any]] = []
    for index, cohort in enumerate(cohorts):
        school = school_of[index]
        mates = [k for k, s in enumerate(school_of) if s == school]
        following = cohorts[mates[(mates.index(index) + 1) % len(mates)]]
        limits = list(VISIT_LIMITS)
        rng.shuffle(limits)
        for j in range(TEACHERS_PER_CLASS):
            days = sorted(rng.sample(range(5), rng.randint(2, 4)))
            title = rng.choice(("Mme", "M."))
            teachers.append(
                {
                    "id": f"p-{cohort}-{j + 1}",
                    "name": f"{title} {rng.choice(SURNAMES)}",
                    "subjects": [SUBJECTS[j % len(SUBJECTS)]],
                    "visit_days": [WEEKDAYS[d] for d in days],
                    "max_visits_per_week": limits[j % len(limits)],
                    "town": rng.choice(towns[school]),
                    "cohorts": sorted({cohort, following}),
                }
            )
    return teachers


def _scaled(count: int, size: int) -> int:
    return count if size == CLASS_SIZE else round(count * size / CLASS_SIZE)


def _mondays(first: dt.date, last: dt.date) -> list[dt.date]:
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    return [monday + dt.timedelta(weeks=k) for k in range((last - monday).days // 7 + 1)]


def _free_range(rng: random.Random, mondays: list[dt.date], weeks: int) -> tuple[dt.date, dt.date]:
    """A range of ``weeks`` weeks (Monday to Friday) that overlaps no mission window."""
    while True:
        start = rng.choice(mondays)
        end = start + dt.timedelta(weeks=weeks, days=-3)
        if all(end < first or last < start for first, last in MISSION_WINDOWS):
            return start, end


def _students(
    rng: random.Random,
    sizes: list[int],
    cohorts: list[str],
    school_of: list[int],
    teachers: list[dict[str, Any]],
) -> list[_StudentDraft]:
    drafts: list[_StudentDraft] = []
    late_mondays = _mondays(dt.date(2026, 11, 2), dt.date(2027, 1, 29))
    unavailable_mondays = _mondays(dt.date(2026, 10, 5), dt.date(2028, 1, 31))
    for index, size in enumerate(sizes):
        cohort = cohorts[index]
        kinds: list[str] = []
        for kind, count in SPECIALS_PER_CLASS.items():
            kinds += [kind] * _scaled(count, size)
        kinds = kinds[:size] + ["plain"] * max(0, size - len(kinds))
        rng.shuffle(kinds)
        eligible = [t["id"] for t in teachers if cohort in t["cohorts"]]
        named = set(rng.sample(range(size), min(size, _scaled(NAMED_REFERENTS_PER_CLASS, size))))
        for position, kind in enumerate(kinds):
            record: dict[str, Any] = {
                "id": f"{cohort}-e{position + 1:02d}",
                "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)[0]}.",
                "cohort": cohort,
            }
            if kind == "apprenti":
                record["route"] = "apprenti"
            elif kind == "formation_continue":
                record["route"] = "formation_continue"
            elif kind == "distance":
                record |= {"route": "distance", "status": "scolaire"}
            elif kind == "vae":
                record["exemption_reason"] = VAE_REASON
            elif kind == "reduced":
                record["reduced_weeks"] = rng.randint(10, 12)
                record["reduction_reason"] = rng.choice(REDUCTION_REASONS)
            elif kind == "repeating":
                record |= {"repeating": True, "new_internship": False}
            elif kind == "late":
                record["earliest_start"] = rng.choice(late_mondays).isoformat()
            elif kind == "unavailable":
                start, end = _free_range(rng, unavailable_mondays, rng.randint(1, 2))
                record["unavailable"] = [{"start": start.isoformat(), "end": end.isoformat()}]
            if position in named and kind not in ("apprenti", "vae"):
                record["referent"] = rng.choice(eligible)
            drafts.append(_StudentDraft(record, school_of[index], index, kind))
    return drafts


def _needs_host(draft: _StudentDraft) -> bool:
    return draft.kind not in ("apprenti", "vae", "no_host")


def _new_hosts(
    rng: random.Random, school: int, count: int, towns: list[str], first: int
) -> list[_HostDraft]:
    """``count`` hosts of ``school``, numbered from ``first`` + 1."""
    return [
        _HostDraft(
            id=f"l{school + 1:02d}-h{first + k + 1:03d}",
            school=school,
            capacity=rng.choices((1, 2, 3), weights=(4, 4, 2))[0],
            town=rng.choice(towns),
            sector=rng.randrange(len(SECTORS)),
        )
        for k in range(count)
    ]


def _assign_hosts(
    rng: random.Random,
    drafts: list[_StudentDraft],
    schools: int,
    towns: list[list[str]],
    classes: int,
) -> list[_HostDraft]:
    """Hosts of every school, and each student's host.

    First the two crowded hosts of each class, as in the bundled class: one
    place for a student and the repeating student (who only does missions),
    and two places for three students, the third from the next class of the
    school (so that capacity couples the classes of a school). Then every
    other host gets one intern, and the students left fill spare places
    (10 % of all at a neighbouring school's host). Closures go last, to
    hosts that are not crowded.
    """
    by_school: list[list[_HostDraft]] = [[] for _ in range(schools)]
    hosted: list[list[_StudentDraft]] = [[] for _ in range(schools)]
    for draft in drafts:
        if _needs_host(draft):
            hosted[draft.school].append(draft)
    plain: list[list[_StudentDraft]] = [[] for _ in range(classes)]
    for draft in drafts:
        if draft.kind == "plain":
            plain[draft.cohort_index].append(draft)
    for students in plain:
        rng.shuffle(students)
    school_of = {d.cohort_index: d.school for d in drafts}
    for index in range(classes):
        school = school_of[index]
        mates = [k for k in range(classes) if school_of[k] == school]
        following = mates[(mates.index(index) + 1) % len(mates)]
        single = [d for d in drafts if d.cohort_index == index and d.kind == "repeating"]
        crowds = (
            (1, [*_take(plain[index], 2 - len(single[:1])), *single[:1]]),
            (2, [*_take(plain[index], 2), *_take(plain[following], 1)]),
        )
        for capacity, students in crowds:
            if len(students) <= capacity:
                continue
            host = _new_hosts(rng, school, 1, towns[school], len(by_school[school]))[0]
            host.capacity, host.crowded = capacity, True
            by_school[school].append(host)
            for draft in students:
                _place(draft, host)
    for school in range(schools):
        rest = [d for d in hosted[school] if "host" not in d.record]
        count = max(1, round(len(hosted[school]) / STUDENTS_PER_HOST)) - len(by_school[school])
        wanted = max(1, count) if rest else 0
        fresh = _new_hosts(rng, school, wanted, towns[school], len(by_school[school]))
        by_school[school] += fresh
        rng.shuffle(rest)
        for host, draft in zip(fresh, rest, strict=False):
            _place(draft, host)
        hosted[school] = rest[len(fresh) :]
    # The students left fill spare places; some of them (10 % of all the
    # students with a host) at a neighbouring school's host.
    extras = [d for students in hosted for d in students]
    cross = CROSS_SCHOOL_SHARE * sum(_needs_host(d) for d in drafts) / max(1, len(extras))
    for draft in extras:
        own = by_school[draft.school]
        pool = own
        if schools > 1 and rng.random() < cross:
            pool = by_school[(draft.school + rng.choice((-1, 1))) % schools]
        spare = [h for h in pool if h.interns < h.capacity] or [
            h for h in own if h.interns < h.capacity
        ]
        if not spare:
            spare = _new_hosts(rng, draft.school, 1, towns[draft.school], len(own))
            own += spare
        _place(draft, rng.choice(spare))
    for draft in drafts:
        if draft.kind == "host_change" and draft.record.get("host"):
            own = by_school[draft.school]
            spare = [h for h in own if h.interns < h.capacity and not h.crowded]
            if spare:
                target = rng.choice(spare)
                target.interns += 1
                draft.record["host_changes"] = [
                    {"start": HOST_CHANGE_DATE.isoformat(), "host": target.id}
                ]
    hosts = [h for school_hosts in by_school for h in school_hosts]
    closure_mondays = [
        m
        for m in _mondays(dt.date(2026, 10, 5), dt.date(2028, 4, 24))
        if not MAIN_WINDOW[0] - dt.timedelta(weeks=3) < m <= MAIN_WINDOW[1]
    ]
    open_hosts = [h for h in hosts if not h.crowded]
    for host in rng.sample(open_hosts, round(CLOSED_HOST_SHARE * len(hosts))):
        start, end = _free_range(rng, closure_mondays, rng.randint(1, 3))
        label = rng.choice(("Fermeture annuelle", "Inventaire", "Travaux"))
        host.closures.append({"start": start.isoformat(), "end": end.isoformat(), "label": label})
    return hosts


def _take(students: list[_StudentDraft], count: int) -> list[_StudentDraft]:
    """Remove and return up to ``count`` students from the end of ``students``."""
    taken = students[len(students) - count :] if count > 0 else []
    del students[len(students) - len(taken) :]
    return taken


def _place(draft: _StudentDraft, host: _HostDraft) -> None:
    draft.record["host"] = host.id
    host.interns += 1


def _host_record(host: _HostDraft) -> dict[str, Any]:
    stem, name, sector = SECTORS[host.sector]
    seeded = random.Random(host.id)  # the tutor depends on the host alone
    record: dict[str, Any] = {
        "id": host.id,
        "name": f"{name} {host.town}",
        "capacity": host.capacity,
        "town": host.town,
        "sector": sector,
        "tutor": {
            "name": _person(seeded),
            "function": seeded.choice(TUTOR_FUNCTIONS),
            "email": f"tuteur@{stem}-{host.id}.example",
        },
    }
    if host.closures:
        record["closures"] = host.closures
    return record


def summary(scenario: Scenario) -> dict[str, int]:
    """Counts of an instance (students, classes, hosts, teachers, crowded hosts)."""
    interns: dict[str, int] = {}
    for student in scenario.students:
        for host in student.hosts:
            interns[host] = interns.get(host, 0) + 1
    return {
        "students": len(scenario.students),
        "classes": len({s.cohort for s in scenario.students}),
        "hosts": len(scenario.hosts),
        "teachers": len(scenario.teachers),
        "crowded_hosts": sum(interns.get(h.id, 0) > h.capacity for h in scenario.hosts),
        "closed_hosts": sum(bool(h.closures) for h in scenario.hosts),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write one generated instance as YAML.")
    parser.add_argument("students", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    scenario = generate(args.students, args.seed)
    write_instance(scenario, args.out)
    print(args.out, summary(scenario))


if __name__ == "__main__":
    main()
