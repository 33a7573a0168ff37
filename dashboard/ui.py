"""Small streamlit helpers shared by the pages (messages, faults), and the
two safety rules of the dashboard's text.

Escaping
    Every text a user provided (names of students, hosts, tutors and
    teachers, towns, notes, labels, scenario and file names, and the
    messages that quote them) goes into Markdown through :func:`plain`, so
    that it shows as written: no emphasis, link, image, HTML or Streamlit
    directive is ever taken from it. ``unsafe_allow_html`` is never used.
    Plotly text is escaped in :mod:`dashboard.charts`; tables
    (``st.dataframe``) and the options of lists show text as it is.
Logs
    Importing this module installs :func:`redact_exception_logs`: an
    uncaught error of a page is logged by Streamlit without its message
    (which may quote a name), so that no personal data reaches the server's
    console (RGPD).
"""

from __future__ import annotations

import html
import logging
import os
import re
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import streamlit as st

from dashboard import state
from models import Fault, Plan, Scenario
from planner.solve import SolveResult
from planner.validate import Verdict

#: Characters that Markdown may read as syntax anywhere in a line: emphasis
#: and strikethrough, code, links and images (and Streamlit's ``:color[...]``
#: directives, which need ``[``), ``$`` maths, table cells, and the escape
#: character itself. Other punctuation (``.``, ``:``, ``(``) means nothing
#: without these and is left as written, so that sentences stay readable.
_MARKDOWN: Final = re.compile(r"([\\`*_~\[\]$|])")
#: What makes a line a heading, a list item or a rule when it starts it.
_LINE_START: Final = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))")
_NEWLINES: Final = re.compile(r"\s*[\r\n]+\s*")


def plain(text: object) -> str:
    """``text`` as plain text inside Markdown: shown exactly as written.

    Markdown's inline syntax is backslash-escaped (``* _ ~ ` [ ] $ |`` and
    ``\\``), a heading, list or rule mark at its start too, ``&``, ``<`` and
    ``>`` become HTML entities and line breaks become spaces: a student named
    ``**Léa**`` or ``<img src=x>`` is shown so, never formatted and never
    taken as HTML, a link, an image or a Streamlit directive.

    Parameters
    ----------
    text
        Any value (``str()`` is taken); a user-provided text.

    Returns
    -------
    str
        The Markdown source to insert (in a sentence, a list item, a title,
        a caption or a widget's label).
    """
    escaped = _MARKDOWN.sub(r"\\\1", _NEWLINES.sub(" ", str(text)))
    escaped = _LINE_START.sub(_escape_start, escaped, count=1)
    return html.escape(escaped, quote=False)


def _escape_start(match: re.Match[str]) -> str:
    indent, mark = match.group(1), match.group(2)
    if mark.isdigit():  # « 1. » or « 1) » : an ordered list
        return f"{indent}{mark}\\"
    return f"{indent}\\{mark}"


def show_notice() -> None:
    """The message left by the previous run (end of a solve, a saved file...).

    Notices are plain sentences quoting labels and file names: shown escaped.
    """
    notice = state.pop_notice()
    if notice is None:
        return
    kind, text = notice
    {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}.get(
        kind, st.info
    )(plain(text))


def show_faults(faults: Sequence[Fault], title: str = "") -> None:
    """Faults of a scenario, one line each: field, then the French message
    (both may quote what the user wrote: escaped)."""
    if not faults:
        return
    lines = [f"- **{plain(f.field or f.file)}** : {plain(f.message)}" for f in faults]
    st.error("\n".join([title, *lines]) if title else "\n".join(lines), icon=":material/error:")


def no_plan_hint() -> None:
    """What to do when the current scenario has no plan yet."""
    st.info(
        "Aucun plan n'a encore été calculé pour le scénario courant. "
        "Allez à la page « Calcul » et cliquez sur « Calculer »."
    )
    st.page_link("pages/calcul.py", label="Aller à la page Calcul", icon=":material/calculate:")


def solved_or_hint() -> tuple[Scenario, SolveResult, Plan, Verdict] | None:
    """The current scenario with its plan and verdict; None (after saying
    how to get one) when it has not been solved yet."""
    result = state.current_result()
    if result is None or result.plan is None or result.verdict is None:
        no_plan_hint()
        return None
    return state.current_scenario(), result, result.plan, result.verdict


# --- logs (RGPD) ---


class RedactedExceptions(logging.Filter):
    """Drops the message of a logged exception, keeping its kind and place.

    An error's message may quote a value of the scenario (a student's name,
    a tutor's e-mail); the record keeps ``TypeName in file.py, line N,
    function()`` instead of the traceback, so the console shows where it
    broke and names no one.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            frames = traceback.extract_tb(error.__traceback__)
            where = ""
            if frames:
                last = frames[-1]
                where = f" in {Path(last.filename).name}, line {last.lineno}, {last.name}()"
            record.msg = f"{record.getMessage()}: {type(error).__name__}{where} (message withheld)"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def redact_exception_logs() -> None:
    """Install :class:`RedactedExceptions` on every Streamlit logger (once each).

    Streamlit's loggers do not propagate (each has its own handler): the
    filter goes on each of them, and on the ``stageplan`` logger. With
    ``STAGEPLAN_DEBUG=1`` in the environment nothing is installed (a
    developer's own console gets the whole tracebacks).
    """
    if os.environ.get("STAGEPLAN_DEBUG"):
        return
    names = [
        name
        for name in list(logging.Logger.manager.loggerDict)
        if name == "streamlit" or name.startswith("streamlit.")
    ]
    for name in ["stageplan", *names]:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactedExceptions) for f in logger.filters):
            logger.addFilter(RedactedExceptions())


redact_exception_logs()
