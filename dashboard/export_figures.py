"""The class Gantt as files: a self-contained HTML page and a PNG image.

Nothing is downloaded at run time. The HTML embeds plotly.js. The PNG is
drawn by kaleido, which drives the machine's Chromium (``/usr/bin/chromium``
on Debian, or ``BROWSER_PATH``); kaleido never fetches a browser by itself.
If kaleido cannot draw (not installed, no browser it can start), the HTML is
rendered in the same Chromium through playwright and screenshotted.
"""

from __future__ import annotations

import os
import shutil
from html import escape
from typing import Any, Final

import plotly.graph_objects as go

#: Where Debian installs Chromium (``apt-get install chromium``).
SYSTEM_CHROMIUM: Final = "/usr/bin/chromium"
#: Chromium switches for headless use as root in a container, without any
#: call home (updates, sync, background fetches).
CHROMIUM_ARGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
#: Size of the PNG when the figure does not set its own.
DEFAULT_WIDTH: Final = 1600
DEFAULT_HEIGHT: Final = 900

_HTML_CONFIG: Final[dict[str, Any]] = {"displaylogo": False, "responsive": True}


class FigureExportError(Exception):
    """The figure could not be drawn as an image; the message is French."""


def chromium_path() -> str | None:
    """The Chromium to drive: ``BROWSER_PATH``, else the system one, else None."""
    configured = os.environ.get("BROWSER_PATH")
    if configured and os.path.exists(configured):
        return configured
    if os.path.exists(SYSTEM_CHROMIUM):
        return SYSTEM_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


def gantt_html(fig: go.Figure) -> str:
    """A whole HTML page of the figure, plotly.js inlined (works offline)."""
    html: str = fig.to_html(
        include_plotlyjs=True, include_mathjax=False, full_html=True, config=_HTML_CONFIG
    )
    title = escape(str(fig.layout.title.text or "stageplan"))
    return html.replace("<head>", f"<head>\n    <title>{title}</title>", 1)


def gantt_png(fig: go.Figure, width: int | None = None, height: int | None = None) -> bytes:
    """The figure as a PNG image.

    Parameters
    ----------
    fig
        The figure (its layout's width and height are used when set).
    width, height
        Size in pixels; the figure's own, else 1600 x 900.

    Raises
    ------
    FigureExportError
        Neither kaleido nor playwright could drive a Chromium.
    """
    width = width or fig.layout.width or DEFAULT_WIDTH
    height = height or fig.layout.height or DEFAULT_HEIGHT
    browser = chromium_path()
    if browser is None:
        raise FigureExportError(
            "image PNG impossible : Chromium est introuvable (apt-get install chromium)"
        )
    try:
        return _png_with_kaleido(fig, width, height, browser)
    except Exception as kaleido_error:  # kaleido missing or its browser failed
        try:
            return _png_with_playwright(fig, width, height, browser)
        except Exception as error:
            raise FigureExportError(
                f"image PNG impossible (kaleido : {kaleido_error} ; playwright : {error})"
            ) from error


def _png_with_kaleido(fig: go.Figure, width: int, height: int, browser: str) -> bytes:
    # choreographer (kaleido's browser driver) reads BROWSER_PATH when it
    # starts Chromium; without it, it searches the PATH and the folder of a
    # browser fetched by `kaleido_get_chrome`, which nobody runs here.
    os.environ.setdefault("BROWSER_PATH", browser)
    data: bytes = fig.to_image(format="png", width=width, height=height)
    if not data.startswith(b"\x89PNG"):
        raise FigureExportError("kaleido n'a pas rendu une image PNG")
    return data


def _png_with_playwright(fig: go.Figure, width: int, height: int, browser: str) -> bytes:
    from playwright.sync_api import sync_playwright

    page_html = fig.to_html(
        include_plotlyjs=True,
        full_html=True,
        default_width=f"{width}px",
        default_height=f"{height}px",
        config={"displayModeBar": False, "staticPlot": True},
    )
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=browser, args=list(CHROMIUM_ARGS))
        try:
            page = chromium.new_page(viewport={"width": width + 40, "height": height + 40})
            page.set_content(page_html, wait_until="load")
            page.wait_for_selector(".main-svg", timeout=30_000)
            data: bytes = page.locator(".plotly-graph-div").screenshot(type="png")
        finally:
            chromium.close()
    return data
