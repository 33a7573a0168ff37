"""The CP-SAT formulation of the internship rules (one module per rule
family). Never imported by the validator."""

from .cpmodel import (
    BOUND_SUBSOLVERS,
    SUBSOLVERS,
    ModelResult,
    Progress,
    StagePlanModel,
    StopHandle,
    configure_solver,
)
from .data import Group, ModelData

__all__ = [
    "BOUND_SUBSOLVERS",
    "SUBSOLVERS",
    "Group",
    "ModelData",
    "ModelResult",
    "Progress",
    "StagePlanModel",
    "StopHandle",
    "configure_solver",
]
