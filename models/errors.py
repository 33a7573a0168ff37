"""Faults of a scenario: where (file and field) and what, in French."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """One thing wrong in a scenario: where (file and field) and what."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where} : {self.message}"


class ScenarioError(Exception):
    """A scenario that cannot be read; carries every fault found."""

    def __init__(self, faults: Sequence[Fault]):
        self.faults = tuple(faults)
        super().__init__("\n".join(str(f) for f in self.faults))
