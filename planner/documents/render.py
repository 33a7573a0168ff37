"""Filling the DOCX templates of the conventions (R11) and attestations (R13).

A template is a Word file with Jinja2 tags (``docxtpl``): ``{{ student.name }}``,
``{%p for item in objectives %}``, ``{%tr for visit in visits %}``. The
bundled ones are in ``templates/`` (made by ``make_templates.py``); a school
may name its own in its scenario (``school.convention_template``,
``school.attestation_template``). A template is checked once, before any
document is written: the file must be a Word document, its tags well formed
and every variable one of the context's (``docs/documents.md``). Rendering
uses a strict Jinja environment, so a misspelt attribute fails too. Every
fault is a :class:`DocumentTemplateError` whose French message names the
template file.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Final

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from models import SchoolInfo

from .context import AnnexContext, AttestationContext

TEMPLATE_DIR: Final = Path(__file__).with_name("templates")
BUNDLED_ANNEX_TEMPLATE: Final = TEMPLATE_DIR / "annexe-pedagogique.docx"
BUNDLED_ATTESTATION_TEMPLATE: Final = TEMPLATE_DIR / "attestation.docx"

#: The top-level variables each kind of template may use.
ANNEX_VARIABLES: Final = frozenset(f.name for f in fields(AnnexContext))
ATTESTATION_VARIABLES: Final = frozenset(f.name for f in fields(AttestationContext))

#: A Word template is a few hundred kB at most; this only guards against a wrong file.
MAX_TEMPLATE_BYTES: Final = 20_000_000


class DocumentError(Exception):
    """A document that cannot be produced; the message is French, for teachers."""


class DocumentTemplateError(DocumentError):
    """A template that cannot be used (missing, not a Word file, bad tags,
    unknown variable); the message names the template file."""


class _CompilingOnce(SandboxedEnvironment):
    """A sandboxed Jinja environment that compiles each source once.

    docxtpl compiles the document's XML for every document it renders; a
    class's 200 documents share a handful of sources, and compiling them
    was half of the rendering time. Sandboxed, because a template is a file
    from outside the code: its tags may read the context, never reach
    Python internals (``''.__class__.__mro__``...).
    """

    _MAX_SOURCES: Final = 64

    def __init__(self) -> None:
        # Strict: a variable or attribute the context lacks is an error, not
        # a blank in a signed document. Autoescape: "&" or "<" in a name must
        # not break the document's XML.
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(
        self, source: str | jinja2.nodes.Template, globals: Any = None, template_class: Any = None
    ) -> jinja2.Template:
        if not isinstance(source, str) or globals or template_class:
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= self._MAX_SOURCES:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


@functools.cache
def _environment() -> jinja2.Environment:
    return _CompilingOnce()


@dataclass(frozen=True)
class DocumentTemplate:
    """A checked DOCX template, read once, rendered many times.

    Attributes
    ----------
    path
        Where the template was read (shown in every error).
    role
        French name of the document ("annexe pédagogique", "attestation").
    data
        The template file's bytes.
    """

    path: Path
    role: str
    data: bytes

    def render(self, variables: Mapping[str, Any]) -> bytes:
        """The document filled with ``variables``, as DOCX bytes.

        Raises
        ------
        DocumentTemplateError
            When the template uses something the variables lack, or its
            tags fail at rendering.
        """
        document = DocxTemplate(io.BytesIO(self.data))
        try:
            document.render(dict(variables), _environment(), autoescape=True)
        except jinja2.TemplateError as error:
            raise self._fault(
                _jinja_problem(error, getattr(error, "docx_context", None))
            ) from None
        except (etree.XMLSyntaxError, ValueError, TypeError, KeyError) as error:
            # The tags produced a document Word cannot read (a tag cut across
            # table cells, a filter misused...).
            raise self._fault(f"le modèle n'a pas pu être rempli ({error})") from None
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    def _fault(self, problem: str) -> DocumentTemplateError:
        return template_error(self.role, self.path, problem)


def template_error(role: str, path: Path, problem: str) -> DocumentTemplateError:
    """The French error of a template: which one, which file, what is wrong."""
    return DocumentTemplateError(
        f"Modèle d'{role} {path} : {problem}. Corrigez le modèle ou retirez-le du scénario "
        "(school) pour utiliser celui de stageplan ; les variables disponibles sont "
        "décrites dans docs/documents.md."
    )


def load_template(path: Path, role: str, variables: Collection[str]) -> DocumentTemplate:
    """Read and check a DOCX template before anything is rendered with it.

    Parameters
    ----------
    path
        The template file.
    role
        French name of the document, for the messages.
    variables
        The top-level variables the template may use.

    Raises
    ------
    DocumentTemplateError
        When the file is missing or unreadable, is not a Word document, has
        a malformed Jinja tag, or uses a variable outside ``variables``.
    """
    path = Path(path)
    data = _read(path, role)
    if not _is_docx(data):
        raise template_error(role, path, "ce n'est pas un document Word (.docx)")
    document = DocxTemplate(io.BytesIO(data))
    _check_syntax(document, role, path)
    try:
        used = document.get_undeclared_template_variables(_environment())
    except jinja2.TemplateSyntaxError as error:  # in a header or footer
        raise template_error(role, path, _jinja_problem(error, None)) from None
    unknown = sorted(set(used) - set(variables))
    if unknown:
        names = ", ".join(f"« {name} »" for name in unknown)
        raise template_error(role, path, f"variable(s) inconnue(s) {names}")
    return DocumentTemplate(path=path, role=role, data=data)


def _read(path: Path, role: str) -> bytes:
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise template_error(role, path, "fichier trop volumineux (20 Mo au plus)")
        return path.read_bytes()
    except FileNotFoundError:
        raise template_error(role, path, "fichier introuvable") from None
    except IsADirectoryError:
        raise template_error(role, path, "c'est un dossier, pas un fichier .docx") from None
    except OSError as error:
        raise template_error(role, path, f"fichier illisible ({error.strerror})") from None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _check_syntax(document: DocxTemplate, role: str, path: Path) -> None:
    """Parse the body as docxtpl will, to name the paragraph of a bad tag."""
    document.init_docx()
    source = document.patch_xml(document.get_xml())
    # docxtpl puts each paragraph on its own line before parsing: the error's
    # line number then points at the paragraph.
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
    try:
        _environment().parse(source)
    except jinja2.TemplateSyntaxError as error:
        lines = source.splitlines()
        near = lines[error.lineno - 1 : error.lineno] if 0 < error.lineno <= len(lines) else []
        raise template_error(role, path, _jinja_problem(error, near)) from None


def _jinja_problem(error: jinja2.TemplateError, near: Any) -> str:
    """A French description of a Jinja error, with the text around it."""
    detail = (error.message or "").rstrip(".")
    if isinstance(error, jinja2.UndefinedError):
        problem = _undefined_problem(detail)
    elif isinstance(error, jinja2.TemplateSyntaxError):
        problem = (
            "balise Jinja mal formée (vérifiez les {{ }} et {% %} : chaque balise ouverte "
            f"doit être fermée, chaque for et if avoir sa fin) — détail : {detail}"
        )
    else:
        problem = f"erreur à l'exécution d'une balise Jinja — détail : {detail}"
    text = " ".join(re.sub(r"<[^>]+>", "", line).strip() for line in near or ())
    text = re.sub(r"\s+", " ", text).strip()
    return f"{problem}, près de « {text[:120]} »" if text else problem


def _undefined_problem(message: str) -> str:
    attribute = re.search(r"has no attribute '([^']+)'", message)
    if attribute:
        return f"attribut inconnu « {attribute.group(1)} »"
    variable = re.search(r"'([^']+)' is undefined", message)
    if variable:
        return f"variable inconnue « {variable.group(1)} »"
    return f"valeur inconnue — détail : {message}"


def scenario_templates(school: SchoolInfo) -> tuple[DocumentTemplate, DocumentTemplate]:
    """R11/R13: the annex and attestation templates a scenario uses, checked.

    The school's own (``convention_template``, ``attestation_template``)
    where it names one, else the bundled ones.

    Raises
    ------
    DocumentTemplateError
        See :func:`load_template`.
    """
    annex = Path(school.convention_template or BUNDLED_ANNEX_TEMPLATE)
    attestation = Path(school.attestation_template or BUNDLED_ATTESTATION_TEMPLATE)
    return (
        load_template(annex, "annexe pédagogique", ANNEX_VARIABLES),
        load_template(attestation, "attestation", ATTESTATION_VARIABLES),
    )
