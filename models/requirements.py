"""What the rules ask of one student, from his route (``docs/rules.md``,
"Candidates by route") and his R2/R3 data."""

from __future__ import annotations

from dataclasses import dataclass

from .rules import RuleProfile
from .scenario import Route, Student


@dataclass(frozen=True)
class Requirement:
    """The internship a student owes.

    Attributes
    ----------
    required_weeks
        Weeks of internship (R1, or R2's reduced figure); 0 when exempt.
    exempt_reason
        Why no internship is owed (R3 and routes), in French; None otherwise.
    needs_block
        Whether R4 (a block of consecutive full weeks) applies.
    missions
        Whether the student takes part in the project-management missions (R6).
    """

    required_weeks: int
    exempt_reason: str | None
    needs_block: bool
    missions: bool

    @property
    def exempt(self) -> bool:
        return self.exempt_reason is not None

    @property
    def required_units(self) -> int:
        """Required weeks in fifths of a week (one unit = one single day)."""
        return 5 * self.required_weeks


_ROUTE_EXEMPTIONS: dict[Route, str] = {
    Route.APPRENTI: "apprenti : le contrat de travail tient lieu de stage (§3.2)",
    Route.FORMATION_CONTINUE_CONTRAT: (
        "formation continue sous contrat de travail de type particulier : "
        "stage inclus dans la période en entreprise (§3.3a)"
    ),
    Route.EXPERIENCE: (
        "candidat au titre de l'expérience professionnelle : certificats de travail (§3.5)"
    ),
}


def requirement_of(student: Student, profile: RuleProfile) -> Requirement:
    """Derive what the rules ask of ``student`` under ``profile``.

    The order follows the regulation: a dispensed unit 6 (R3) first, then
    the route (§3), then the repeating student's choice (§5), then R2.
    """
    route = student.effective_route
    if student.exemption_reason:
        return _exempt(f"R3 dispense de l'unité 6 : {student.exemption_reason}")
    if route in _ROUTE_EXEMPTIONS:
        return _exempt(_ROUTE_EXEMPTIONS[route])
    if route is Route.PERFECTIONNEMENT and _certificates_suffice(student, profile):
        return _exempt(
            "perfectionnement : certificats de travail "
            f"({student.full_time_months} mois à temps plein, "
            f"{student.part_time_months} mois à temps partiel) (§3.3b)"
        )
    if student.repeating and not student.new_internship:
        # §5: keeps the benefit of the earlier internship but must take part
        # in what the school organises, i.e. the missions.
        return Requirement(
            required_weeks=0,
            exempt_reason="redoublant : bénéfice du stage antérieur conservé (§5)",
            needs_block=False,
            missions=True,
        )
    weeks = student.reduced_weeks if student.reduced_weeks is not None else profile.required_weeks
    return Requirement(required_weeks=weeks, exempt_reason=None, needs_block=True, missions=True)


def _certificates_suffice(student: Student, profile: RuleProfile) -> bool:
    return (
        student.full_time_months >= profile.perfectionnement_full_time_months
        or student.part_time_months >= profile.perfectionnement_part_time_months
    )


def _exempt(reason: str) -> Requirement:
    return Requirement(required_weeks=0, exempt_reason=reason, needs_block=False, missions=False)
