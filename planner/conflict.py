"""A conflict: students and rules that cannot hold together, with the
changes (levers) that would lift it. Shared by the diagnosis, the levers
and the lock checks."""

from __future__ import annotations

from dataclasses import dataclass

from models import Student


@dataclass(frozen=True)
class Conflict:
    """A set of students and rules that cannot hold together."""

    students: tuple[str, ...]
    rules: tuple[str, ...]
    message: str
    levers: tuple[str, ...] = ()
    """Changes of the scenario, each checked to lift this conflict, in French."""

    def as_dict(self) -> dict[str, object]:
        """The conflict as written to ``explanation.json``."""
        return {
            "students": list(self.students),
            "rules": list(self.rules),
            "message": self.message,
            "levers": list(self.levers),
        }


def student_label(student: Student) -> str:
    """How messages name a student: ``Léa M. (e01)``."""
    return f"{student.name} ({student.id})"
