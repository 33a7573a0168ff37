"""The rule profile: every number of ``docs/rules.md`` as a parameter.

The default profile ``bts-nrc`` holds the product's reading of the
regulation; a scenario may override any field, and every output shows the
overrides (see :meth:`RuleProfile.overrides`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: Short French titles of the rules, used in every message and in the UI.
RULE_TITLES: dict[str, str] = {
    "R1": "durée de 16 semaines",
    "R2": "durée réduite (jamais moins de 9 semaines)",
    "R3": "dispense de stage",
    "R4": "bloc de 6 semaines consécutives",
    "R5": "fractionnement en semaines ou en journées",
    "R6": "missions de gestion de projet",
    "R7": "intégration dans la progression (dates bloquées)",
    "R8": "4 semaines au plus pendant les vacances scolaires",
    "R9": "4 semaines consécutives de repos l'été",
    "R10": "entreprise d'accueil éligible, ouverte, dans sa capacité",
    "R11": "convention et annexe pédagogique pour chaque période",
    "R12": "suivi par l'équipe pédagogique (visites)",
    "R13": "attestation de stage",
}


class RuleProfile(BaseModel):
    """Numbers of the rules R1-R10 (see ``docs/rules.md``).

    Attributes
    ----------
    required_weeks
        R1: weeks of internship of a student without reduction.
    min_reduced_weeks
        R2: a reduced duration may not go below this figure.
    block_min_weeks
        R4: length of the mandatory run of consecutive full weeks.
    allow_single_days
        R5: whether days outside full weeks (other than mission days) are allowed.
    max_holiday_days
        R8: days in company on school-holiday dates over the whole training.
    summer_rest_days
        R9: consecutive calendar days without company in each summer holiday.
    perfectionnement_full_time_months, perfectionnement_part_time_months
        §3.3b: work certificates that replace the internship.
    visit_min_weeks
        R12: a period of full weeks at least this long gets visits.
    visits_per_period, visits_per_block
        R12: visits of such a period, and of the main block (R4).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "bts-nrc"
    required_weeks: int = Field(16, ge=1, le=52)
    min_reduced_weeks: int = Field(9, ge=1, le=52)
    block_min_weeks: int = Field(6, ge=1, le=52)
    allow_single_days: bool = True
    max_holiday_days: int = Field(20, ge=0, le=400)
    summer_rest_days: int = Field(28, ge=0, le=62)
    perfectionnement_full_time_months: int = Field(6, ge=0, le=60)
    perfectionnement_part_time_months: int = Field(12, ge=0, le=60)
    visit_min_weeks: int = Field(1, ge=1, le=52)
    visits_per_period: int = Field(1, ge=0, le=10)
    visits_per_block: int = Field(2, ge=0, le=10)

    @model_validator(mode="after")
    def _consistent(self) -> RuleProfile:
        if self.min_reduced_weeks > self.required_weeks:
            raise ValueError("R2 : min_reduced_weeks dépasse required_weeks")
        if self.block_min_weeks > self.required_weeks:
            raise ValueError("R4 : block_min_weeks dépasse required_weeks")
        return self

    def overrides(self) -> dict[str, Any]:
        """The parameters that differ from the default ``bts-nrc`` profile."""
        default = RuleProfile()
        return {
            key: value
            for key, value in self.model_dump().items()
            if key != "name" and value != getattr(default, key)
        }
