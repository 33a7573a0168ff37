"""The CP-SAT formulation of the internship rules (one module per rule
family). Never imported by the validator."""

from .cpmodel import ModelResult, Progress, StagePlanModel
from .data import Group, ModelData

__all__ = ["Group", "ModelData", "ModelResult", "Progress", "StagePlanModel"]
