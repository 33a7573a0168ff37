"""DOCX to PDF with the machine's LibreOffice (``soffice --headless``).

Every file goes through ONE soffice call (starting LibreOffice costs more
than converting a page), with a private user profile in a temporary folder:
two runs at once (the CLI and the dashboard, two teachers) would otherwise
fight over the shared profile's lock and one would silently convert
nothing. A time limit ends a hung LibreOffice, and each PDF is checked to
exist. Nothing is downloaded: LibreOffice is the Debian package
``libreoffice-writer-nogui``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from .render import DocumentError

#: Names of the LibreOffice launcher, in order of preference.
SOFFICE_NAMES: Final = ("soffice", "libreoffice")
INSTALL_HINT: Final = (
    "installez-le (Debian/Ubuntu : apt-get install libreoffice-writer-nogui "
    "fonts-liberation2) ou produisez les documents en DOCX seulement "
    "(stageplan documents … --sans-pdf)"
)
#: Time limit of one conversion: LibreOffice's start, then per document.
START_SECONDS: Final = 60.0
SECONDS_PER_FILE: Final = 3.0


class PdfConversionError(DocumentError):
    """LibreOffice is missing, failed or ran out of time (French message)."""


def find_soffice() -> str | None:
    """The path of LibreOffice's ``soffice``, or None when it is not installed."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_soffice() -> str:
    """The path of ``soffice``.

    Raises
    ------
    PdfConversionError
        When LibreOffice is not installed, saying how to install it.
    """
    found = find_soffice()
    if found is None:
        raise PdfConversionError(
            f"LibreOffice (soffice) est introuvable : les PDF ne peuvent pas être produits ; "
            f"{INSTALL_HINT}."
        )
    return found


def convert_to_pdf(
    files: Sequence[Path], out_dir: Path, *, timeout_s: float | None = None
) -> list[Path]:
    """Convert DOCX files to PDF in one LibreOffice call.

    Parameters
    ----------
    files
        The DOCX files; their names (without suffix) must be distinct.
    out_dir
        Where the PDFs go, each named as its DOCX with ``.pdf``.
    timeout_s
        Time limit of the call; by default 60 s plus 3 s per file.

    Returns
    -------
    list[Path]
        The PDFs, in the order of ``files``.

    Raises
    ------
    PdfConversionError
        When soffice is missing, fails, exceeds the time limit, or leaves a
        PDF missing or empty.
    """
    if not files:
        return []
    stems = [Path(f).stem for f in files]
    if len(set(stems)) != len(stems):
        raise ValueError("convert_to_pdf: file names must be distinct")
    soffice = require_soffice()
    limit = timeout_s if timeout_s is not None else START_SECONDS + SECONDS_PER_FILE * len(files)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stageplan-soffice-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *(str(f) for f in files),
        ]
        output = _run(command, limit, len(files))
    expected = [out_dir / f"{stem}.pdf" for stem in stems]
    missing = [p.name for p in expected if not p.is_file() or p.stat().st_size == 0]
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise PdfConversionError(
            f"LibreOffice n'a pas produit {len(missing)} PDF sur {len(files)} ({shown}). "
            f"Sortie de soffice : {_tail(output)}"
        )
    return expected


def _run(command: list[str], limit: float, count: int) -> str:
    # A session of its own, so that a time-out ends soffice.bin too, not
    # only the launcher script.
    env = {**os.environ, "SAL_USE_VCLPLUGIN": "svp"}
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
            text=True,
            errors="replace",
        )
    except OSError as error:
        raise PdfConversionError(
            f"LibreOffice (soffice) ne démarre pas ({error.strerror}) ; {INSTALL_HINT}."
        ) from None
    try:
        output, _ = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise PdfConversionError(
            f"LibreOffice n'a pas converti les {count} document(s) en {limit:.0f} s : "
            "conversion arrêtée, aucun document écrit. Réessayez, ou produisez les "
            "documents en DOCX seulement (--sans-pdf)."
        ) from None
    if process.returncode != 0:
        raise PdfConversionError(
            f"LibreOffice a échoué (code {process.returncode}) : {_tail(output)}"
        )
    return output


def _kill_group(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def _tail(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return " | ".join(lines[-3:]) or "(rien)"
