"""The fixed French wording of the conventions (R11) and attestations (R13).

What the pedagogical annex must say (regulation §3.1) but that the plan
does not decide: the objectives and activities expected of a BTS NRC intern
for each kind of period, what the host undertakes to provide, the tutoring
and exchange arrangements. A school that wants other words writes its own
template (``docs/documents.md``); these texts are the bundled defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from models import PeriodKind, Route

#: What a period is called in a document.
KIND_LABELS: Final[Mapping[PeriodKind, str]] = {
    PeriodKind.BLOCK: "Bloc de stage",
    PeriodKind.PERIOD: "Période de stage",
    PeriodKind.DAYS: "Journées de stage",
    PeriodKind.MISSIONS: "Missions de gestion de projet",
}

#: How a document names the candidate's route (§3).
ROUTE_LABELS: Final[Mapping[Route, str]] = {
    Route.SCOLAIRE: "voie scolaire",
    Route.APPRENTI: "apprentissage",
    Route.FORMATION_CONTINUE: "formation continue",
    Route.FORMATION_CONTINUE_CONTRAT: "formation continue sous contrat de travail",
    Route.PERFECTIONNEMENT: "formation continue (perfectionnement)",
    Route.DISTANCE: "formation à distance",
    Route.EXPERIENCE: "candidat au titre de l'expérience professionnelle",
}

#: Shown where a period has no host yet (R10: a student may be planned without one).
HOST_TO_FIND: Final = "entreprise à trouver"
#: Shown where the host names no tutor, or the plan no referent teacher.
TO_APPOINT: Final = "à désigner"

#: §1 and §3.1: objectives common to every period, then those of its kind.
COMMON_OBJECTIVES: Final = (
    "Appréhender la réalité des situations professionnelles commerciales de référence",
    "Acquérir et approfondir les compétences décrites dans le référentiel de certification "
    "du BTS Négociation et relation client",
)
KIND_OBJECTIVES: Final[Mapping[PeriodKind, tuple[str, ...]]] = {
    PeriodKind.BLOCK: (
        "Construire et mettre en œuvre tout ou partie d'un projet commercial pour l'organisme "
        "d'accueil",
        "Conduire des entretiens de négociation-vente avec une autonomie croissante",
    ),
    PeriodKind.PERIOD: (
        "Découvrir l'organisation commerciale de l'organisme d'accueil, son offre et sa clientèle",
        "Participer à la démarche commerciale active de l'équipe de vente",
    ),
    PeriodKind.DAYS: (
        "Réaliser des actions commerciales ponctuelles en lien avec la progression pédagogique",
    ),
    PeriodKind.MISSIONS: (
        "Préparer et conduire les missions de l'enseignement de gestion de projet",
    ),
}

#: §3.1 "responsabilités et missions confiées au stagiaire", by kind of period.
KIND_ACTIVITIES: Final[Mapping[PeriodKind, tuple[str, ...]]] = {
    PeriodKind.BLOCK: (
        "Prospection et développement d'une clientèle de particuliers ou de professionnels",
        "Préparation, conduite et suivi d'entretiens de négociation-vente",
        "Conduite d'un projet commercial pour l'organisme d'accueil (diagnostic, plan "
        "d'action, mise en œuvre, bilan)",
        "Suivi de la relation client et des outils commerciaux (fichier clients, tableaux "
        "de bord)",
    ),
    PeriodKind.PERIOD: (
        "Découverte de l'organisme d'accueil, de son marché, de son offre et de sa clientèle",
        "Participation à la prospection et aux actions commerciales de l'équipe de vente",
        "Accompagnement des commerciaux en rendez-vous et en entretien de vente",
    ),
    PeriodKind.DAYS: (
        "Participation à des actions commerciales ponctuelles (opérations promotionnelles, "
        "salons, relances de clients)",
        "Collecte d'informations commerciales utiles aux enseignements",
    ),
    PeriodKind.MISSIONS: (
        "Missions préparatoires en entreprise de l'enseignement de gestion de projet",
        "Collecte et analyse d'informations pour le projet commercial",
        "Préparation, mise en œuvre et suivi d'une action commerciale du projet",
    ),
}

#: R13: the types of activities an attestation lists, by kind of period.
ATTESTATION_ACTIVITIES: Final[Mapping[PeriodKind, tuple[str, ...]]] = {
    PeriodKind.BLOCK: (
        "Prospection, négociation-vente et suivi de la clientèle",
        "Conduite d'un projet commercial pour l'organisme d'accueil",
    ),
    PeriodKind.PERIOD: (
        "Découverte de l'organisation commerciale et participation aux actions de l'équipe "
        "de vente",
    ),
    PeriodKind.DAYS: ("Actions commerciales ponctuelles",),
    PeriodKind.MISSIONS: (),  # one line per mission window instead (its label)
}

#: §3.1 "les informations que l'entreprise s'engage à fournir".
HOST_COMMITMENTS: Final = (
    "Une présentation de l'organisme d'accueil, de son offre, de sa clientèle et de son "
    "organisation commerciale",
    "Les informations, fichiers et outils nécessaires aux missions confiées, dans le respect "
    "de la confidentialité",
    "Les consignes de sécurité et le règlement intérieur applicables au stagiaire",
)

#: §3.1 "conditions d'utilisation du matériel mis à disposition".
EQUIPMENT: Final = (
    "Le stagiaire utilise le matériel mis à sa disposition par l'organisme d'accueil pour "
    "les seuls besoins de ses missions, selon les consignes du tuteur."
)

#: §3.1 "modalités de suivi du stagiaire par ce tuteur".
TUTORING: Final = (
    "Le tuteur accueille et guide le stagiaire, lui confie ses missions, fait le point avec "
    "lui chaque semaine et participe à l'évaluation conjointe de la période."
)

#: §3.1 "procédures d'échanges d'informations en cas de difficultés".
EXCHANGES: Final = (
    "En cas de difficulté, le tuteur ou le stagiaire prévient sans délai le professeur "
    "référent, qui organise un échange avec l'organisme d'accueil. Le tuteur peut joindre "
    "l'établissement à tout moment de la période."
)

#: §3.1 "l'étudiant a obligatoirement la qualité d'étudiant-stagiaire".
STATUS_NOTE: Final = (
    "Pendant le stage, l'étudiant a la qualité d'étudiant-stagiaire et non de salarié."
)

#: Message of a convention record whose dates match no period of the plan (R11).
STALE_LABEL: Final = "ne correspond plus au plan"

WEEKDAY_NAMES: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
