"""stageplan's computations over the domain model: calendar building, the
CP-SAT formulation, the independent validator, solve, CLI and exports."""
