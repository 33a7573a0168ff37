"""Limits on what a user may load or upload (issue 7: never a hang).

Every input (scenario YAML, class/host/team tables, dashboard uploads) is
held to these bounds before it is validated, so that a wrong or hostile
file is refused fast with a French message instead of hanging the
dashboard or feeding the solver a monster. The README's "limits" section
states them for teachers.
"""

from __future__ import annotations

#: A CSV or XLSX table (class list, hosts, team): a class of 35 is ~5 kB.
MAX_FILE_BYTES = 5_000_000
#: A scenario YAML file (a few kB; a big class belongs in a CSV table).
MAX_YAML_BYTES = 2_000_000
#: The sheets of an XLSX workbook once unzipped (a "zip bomb" is refused).
MAX_XLSX_UNZIPPED_BYTES = 20_000_000
#: Nodes of a YAML document once its aliases are expanded ("billion laughs").
MAX_YAML_NODES = 150_000
#: Nesting depth of a YAML document (a scenario is about 6 levels deep).
MAX_YAML_DEPTH = 40
#: Columns of a table (a class list has 16).
MAX_COLUMNS = 200

#: Entities of a scenario, and rows of the table that holds them.
MAX_STUDENTS = 5_000
MAX_HOSTS = 5_000
MAX_TEACHERS = 1_000
#: Any other list of a scenario: blocked dates, windows, missions, closures,
#: unavailability, host changes (per student or host).
MAX_LIST_ITEMS = 1_000
#: Locked periods and convention records (a few per student).
MAX_RECORDS = 20_000
#: Characters of an identifier (student, host, teacher, mission).
MAX_ID_CHARS = 100
#: The training lies within these years (the calendar data and the
#: planner's date arithmetic stay far from the ends of the date type).
FIRST_YEAR = 2000
LAST_YEAR = 2100

#: Counts per table kind (rows of a CSV/XLSX table).
MAX_ROWS = {"students": MAX_STUDENTS, "hosts": MAX_HOSTS, "teachers": MAX_TEACHERS}


def french_number(value: int) -> str:
    """``5000`` as ``5 000`` (French thousands separator)."""
    return f"{value:,}".replace(",", " ")
