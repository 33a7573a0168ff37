"""Rule switches: optional enforcement literals, one per rule and group.

In a normal solve every rule is simply added. To explain an infeasible
scenario, each rule of each group is made conditional on a literal that the
solver takes as an assumption, so that an infeasible core names the rules
(and students) in conflict.
"""

from __future__ import annotations

from ortools.sat.python.cp_model import Constraint, CpModel, IntVar


class RuleSwitches:
    """Enforcement literals keyed by (rule id, owner).

    The owner is a group (``"g3"``) for per-student rules, or a host
    (``"host:h1"``) for the capacity rule R10 that several students share.
    """

    def __init__(self, model: CpModel | None = None):
        self._model = model
        self.literals: dict[tuple[str, str], IntVar] = {}

    @property
    def active(self) -> bool:
        return self._model is not None

    def enforce(self, constraint: Constraint, rule: str, owner: str) -> Constraint:
        """Make ``constraint`` conditional on the switch of (rule, owner), if switching."""
        if self._model is None:
            return constraint
        key = (rule, owner)
        if key not in self.literals:
            self.literals[key] = self._model.new_bool_var(f"switch_{rule}_{owner}")
        return constraint.only_enforce_if(self.literals[key])
