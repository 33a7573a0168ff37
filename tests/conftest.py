"""Suite-wide pytest hooks.

In CI (the environment variable ``CI`` is set, as ``.ci/run`` does), a
skipped test fails the run: a skip there means a missing dependency or
data file, and the suite would pass without checking what it claims to.
Expected failures (``xfail``) are not skips and do not count.
"""

from __future__ import annotations

import os

import pytest

_SKIPPED: list[str] = []
_MESSAGE_KEY = pytest.StashKey[str]()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _skip_reason(report: pytest.CollectReport | pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "")


def pytest_sessionstart(session: pytest.Session) -> None:
    _SKIPPED.clear()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(f"{report.nodeid}: {_skip_reason(report)}")


def pytest_collectreport(report: pytest.CollectReport) -> None:
    # A module skipped at import (pytest.importorskip, allow_module_level).
    if report.skipped:
        _SKIPPED.append(f"{report.nodeid}: {_skip_reason(report)}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not (_in_ci() and _SKIPPED):
        return
    lines = [f"CI: {len(_SKIPPED)} skipped test(s); CI fails when a test is skipped:"]
    lines.extend(f"  SKIPPED {entry}" for entry in _SKIPPED)
    session.config.stash[_MESSAGE_KEY] = "\n".join(lines)
    if exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    message = terminalreporter.config.stash.get(_MESSAGE_KEY, None)
    if message:
        terminalreporter.write_sep("=", "skipped tests fail in CI", red=True, bold=True)
        terminalreporter.write_line(message)
