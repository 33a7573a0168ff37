"""What the rules ask of one student, by route (rules.md "Candidates by
route") and by his R2/R3 data, under the default profile and overrides."""

from __future__ import annotations

from models import Requirement, RuleProfile, Student, requirement_of

DEFAULT = RuleProfile()


def student(**fields) -> Student:
    return Student(id="s1", name="Léa Dupré", **fields)


def requirement(**fields) -> Requirement:
    return requirement_of(student(**fields), DEFAULT)


def full_internship(weeks: int = 16) -> Requirement:
    return Requirement(required_weeks=weeks, exempt_reason=None, needs_block=True, missions=True)


# --- routes ------------------------------------------------------------------


def test_scolaire_owes_16_weeks_with_block_and_missions():
    assert requirement(route="scolaire") == full_internship(16)


def test_scolaire_counts_80_units_of_one_day():
    assert requirement(route="scolaire").required_units == 80


def test_apprenti_is_exempt_because_of_the_work_contract():
    result = requirement(route="apprenti")

    assert (result.exempt, result.required_weeks) == (True, 0)
    assert "apprenti" in result.exempt_reason


def test_exempt_student_has_no_block_and_no_missions():
    result = requirement(route="apprenti")

    assert (result.needs_block, result.missions) == (False, False)


def test_formation_continue_owes_16_weeks():
    assert requirement(route="formation_continue") == full_internship(16)


def test_formation_continue_under_contract_is_exempt():
    result = requirement(route="formation_continue_contrat")

    assert (result.exempt, result.required_weeks) == (True, 0)
    assert "contrat de travail" in result.exempt_reason


def test_perfectionnement_with_six_months_full_time_is_exempt():
    result = requirement(route="perfectionnement", full_time_months=6)

    assert (result.exempt, result.required_weeks) == (True, 0)
    assert "6 mois à temps plein" in result.exempt_reason


def test_perfectionnement_just_below_both_figures_owes_16_weeks():
    result = requirement(route="perfectionnement", full_time_months=5, part_time_months=11)

    assert result == full_internship(16)


def test_perfectionnement_with_twelve_months_part_time_is_exempt():
    result = requirement(route="perfectionnement", part_time_months=12)

    assert (result.exempt, result.required_weeks) == (True, 0)
    assert "12 mois à temps partiel" in result.exempt_reason


def test_distance_learner_with_apprentice_status_is_exempt():
    result = requirement(route="distance", status="apprenti")

    assert (result.exempt, result.required_weeks) == (True, 0)
    assert "apprenti" in result.exempt_reason


def test_distance_learner_with_school_status_owes_16_weeks():
    assert requirement(route="distance", status="scolaire") == full_internship(16)


def test_experience_candidate_is_exempt_by_work_certificates():
    result = requirement(route="experience")

    assert (result.exempt, result.required_weeks) == (True, 0)
    assert "expérience professionnelle" in result.exempt_reason


# --- R3, R2, repeating students ---------------------------------------------------


def test_unit_6_dispensed_is_exempt_citing_r3_and_the_reason():
    result = requirement(exemption_reason="VAE obtenue en 2026")

    assert (result.exempt, result.required_weeks) == (True, 0)
    assert "R3" in result.exempt_reason
    assert "VAE obtenue en 2026" in result.exempt_reason


def test_dispensed_unit_6_wins_over_a_new_internship_of_a_repeating_student():
    result = requirement(exemption_reason="VAE", repeating=True, new_internship=True)

    assert (result.exempt, result.missions) == (True, False)


def test_reduced_duration_owes_its_own_figure():
    result = requirement(reduced_weeks=10, reduction_reason="force majeure")

    assert result == full_internship(10)


def test_reduced_duration_counts_its_units():
    result = requirement(reduced_weeks=10, reduction_reason="force majeure")

    assert result.required_units == 50


def test_repeating_student_without_new_internship_owes_only_the_missions():
    result = requirement(repeating=True, new_internship=False)

    assert (result.required_weeks, result.needs_block, result.missions) == (0, False, True)
    assert "redoublant" in result.exempt_reason


def test_repeating_student_with_new_internship_owes_16_weeks():
    assert requirement(repeating=True, new_internship=True) == full_internship(16)


# --- rule profile --------------------------------------------------------------


def test_profile_override_changes_the_required_weeks():
    result = requirement_of(student(route="scolaire"), RuleProfile(required_weeks=14))

    assert (result.required_weeks, result.required_units) == (14, 70)


def test_profile_override_of_perfectionnement_figure_changes_the_verdict():
    profile = RuleProfile(perfectionnement_full_time_months=8)

    result = requirement_of(student(route="perfectionnement", full_time_months=6), profile)

    assert result == full_internship(16)


def test_overrides_list_only_the_changed_parameters():
    assert RuleProfile(required_weeks=14).overrides() == {"required_weeks": 14}


def test_default_profile_has_no_overrides():
    assert RuleProfile().overrides() == {}
