"""Build the bundled DOCX templates of the conventions (R11) and attestations (R13).

Run ``python -m planner.documents.make_templates`` after changing this file:
it rewrites ``templates/annexe-pedagogique.docx`` and
``templates/attestation.docx`` byte for byte the same on every run (fixed
document properties and ZIP dates), so that the committed files always
match this script (a test checks it).

The templates are plain Word files with docxtpl tags: ``{{ … }}`` for a
value, ``{%p … %}`` for a paragraph-level loop or condition, ``{%tr … %}``
for a table-row loop. A school may copy one, restyle it in Word and name it
in its scenario (``docs/documents.md``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.styles.style import CharacterStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

TEMPLATE_DIR: Final = Path(__file__).with_name("templates")
ANNEX_FILE: Final = "annexe-pedagogique.docx"
ATTESTATION_FILE: Final = "attestation.docx"

FONT: Final = "Arial"  # LibreOffice draws it with the metric-compatible Liberation Sans
ACCENT: Final = RGBColor(0x1F, 0x4E, 0x79)
GREY: Final = RGBColor(0x59, 0x59, 0x59)
LABEL_FILL: Final = "EEF2F7"
BOX_FILL: Final = "DCE6F2"
BORDER: Final = "9FB1C8"
TEXT_WIDTH: Final = Cm(17)  # A4 less two 2-cm margins
LABEL_WIDTH: Final = Cm(5)
#: Fixed document dates: the same bytes on every run.
FIXED_TIME: Final = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ZIP_TIME: Final = (2026, 1, 1, 0, 0, 0)

ADDRESS: Final = (
    "{{ school.address }}{% if school.address and school.town %}, {% endif %}{{ school.town }}"
)


# --------------------------------------------------------------------------
# Page, styles and building blocks
# --------------------------------------------------------------------------


def _new_document(title: str, footer: str) -> DocumentObject:
    """An A4 portrait document with the house styles and a footer."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(1.6), Cm(1.6)
    section.footer_distance = Cm(0.8)
    _styles(document)
    _footer(document, footer)
    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = "stageplan"
    properties.comments = ""
    properties.language = "fr-FR"
    properties.created = properties.modified = FIXED_TIME
    properties.revision = 1
    return document


def _set_font(style: CharacterStyle, size: float, *, bold: bool = False) -> None:
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(key), None)  # a theme font would override Arial
    fonts.set(qn("w:eastAsia"), FONT)
    fonts.set(qn("w:cs"), FONT)


def _styles(document: DocumentObject) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, 10)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.1
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")  # French spelling in Word
    normal.element.get_or_add_rPr().append(language)
    heading = styles["Heading 1"]
    _set_font(heading, 11.5, bold=True)
    heading.font.color.rgb = ACCENT
    heading_format = heading.paragraph_format
    heading_format.space_before, heading_format.space_after = Pt(9), Pt(3)
    heading_format.keep_with_next = True
    title = styles.add_style("Titre du document", WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    _set_font(title, 17, bold=True)
    title.font.color.rgb = ACCENT
    title.paragraph_format.space_before, title.paragraph_format.space_after = Pt(6), Pt(0)
    subtitle = styles.add_style("Sous-titre du document", WD_STYLE_TYPE.PARAGRAPH)
    subtitle.base_style = normal
    _set_font(subtitle, 10.5)
    subtitle.font.color.rgb = GREY
    subtitle.paragraph_format.space_after = Pt(8)
    bullet = styles["List Bullet"]
    bullet.paragraph_format.space_after = Pt(1)


def _footer(document: DocumentObject, text: str) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in (f"{text} — page ", "PAGE", " sur ", "NUMPAGES"):
        if part in ("PAGE", "NUMPAGES"):
            _field(paragraph, part)
        else:
            _small(paragraph.add_run(part))


def _field(paragraph: Paragraph, code: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "15")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "595959")
    properties.extend([colour, size])
    text = OxmlElement("w:t")
    text.text = "1"
    run.extend([properties, text])
    field.append(run)
    paragraph._p.append(field)


def _small(run: object, size: float = 7.5) -> None:
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.color.rgb = GREY  # type: ignore[attr-defined]


def _heading(document: DocumentObject, text: str, *, new_page: bool = False) -> None:
    paragraph = document.add_paragraph(text, style="Heading 1")
    paragraph.paragraph_format.page_break_before = new_page


def _tag(container: DocumentObject | _Cell, tag: str) -> None:
    """A docxtpl paragraph tag (``{%p … %}``): the paragraph goes at rendering."""
    container.add_paragraph(tag)


def _bullets(document: DocumentObject, variable: str) -> None:
    """One bullet per item of the list ``variable``."""
    _tag(document, f"{{%p for item in {variable} %}}")
    document.add_paragraph("{{ item }}", style="List Bullet")
    _tag(document, "{%p endfor %}")


def _school_header(document: DocumentObject) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run("{{ school.name }}")
    run.bold = True
    run.font.color.rgb = ACCENT
    address = document.add_paragraph()
    _small(address.add_run(ADDRESS), 8.5)


def _title(document: DocumentObject, title: str, subtitle: str) -> None:
    document.add_paragraph(title, style="Titre du document")
    document.add_paragraph(subtitle, style="Sous-titre du document")


# --- tables ---


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _borders(table: Table, colour: str = BORDER) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), colour)
        borders.append(line)
    table._tbl.tblPr.append(borders)


def _table(document: DocumentObject, rows: int, widths: Sequence[int]) -> Table:
    table: Table = document.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    for index, width in enumerate(widths):
        table.columns[index].width = width
        for cell in table.columns[index].cells:
            cell.width = width
    return table


def _write(cell: _Cell, text: str, *, bold: bool = False, size: float | None = None) -> Paragraph:
    """Put ``text`` in the cell's first paragraph (compact spacing)."""
    paragraph: Paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(1)
    run = paragraph.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    return paragraph


def _cell_paragraph(cell: _Cell, text: str) -> Paragraph:
    paragraph: Paragraph = cell.add_paragraph(text)
    paragraph.paragraph_format.space_after = Pt(1)
    return paragraph


Row = tuple[str, str | Callable[[_Cell], None]]


def _labels_table(document: DocumentObject, rows: Sequence[Row]) -> Table:
    """Two columns: a shaded label, then a value (text, or a cell filler).

    A row whose label is a ``{%tr … %}`` tag is a docxtpl row tag.
    """
    table = _table(document, len(rows), (LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH))
    for row, (label, value) in zip(table.rows, rows, strict=True):
        label_cell, value_cell = row.cells
        if label.startswith("{%tr"):
            _write(label_cell, label)
            continue
        _shade(label_cell, LABEL_FILL)
        _write(label_cell, label, bold=True)
        if callable(value):
            value(value_cell)
        else:
            _write(value_cell, value)
    document.add_paragraph().paragraph_format.space_after = Pt(0)
    return table


def _grid_table(
    document: DocumentObject,
    header: Sequence[str],
    loop: str,
    cells: Sequence[str],
    widths: Sequence[int],
    *,
    row_height: Length | None = None,
) -> Table:
    """A header row, then one row per item of a docxtpl ``{%tr for %}`` loop."""
    table = _table(document, 4, widths)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _shade(cell, LABEL_FILL)
        _write(cell, text, bold=True)
    _mark_header(table)
    _write(table.rows[1].cells[0], loop)
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        _write(cell, text)
    if row_height is not None:
        _row_height(table, 2, row_height)
    _write(table.rows[3].cells[0], "{%tr endfor %}")
    return table


def _mark_header(table: Table) -> None:
    """Repeat the first row on every page; never split a row across pages."""
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _row_height(table: Table, index: int, height: Length) -> None:
    row = table.rows[index]
    row.height = height


def _boxed(document: DocumentObject, lines: Sequence[tuple[str, bool]]) -> None:
    """A shaded one-cell box (the period at a glance)."""
    table = _table(document, 1, (TEXT_WIDTH,))
    cell = table.rows[0].cells[0]
    _shade(cell, BOX_FILL)
    first, *rest = lines
    paragraph = _write(cell, first[0], bold=first[1], size=11)
    paragraph.paragraph_format.space_before = Pt(3)
    for text, bold in rest:
        run = _cell_paragraph(cell, "").add_run(text)
        run.bold = bold
    cell.paragraphs[-1].paragraph_format.space_after = Pt(4)
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def _signatures(document: DocumentObject, boxes: Sequence[tuple[str, str]]) -> None:
    """Signature boxes side by side: role, name, then room to sign."""
    place = document.add_paragraph("Fait à {{ signature.place }}, le {{ signature.date }}")
    place.paragraph_format.space_before = Pt(8)
    place.paragraph_format.keep_with_next = True
    width = TEXT_WIDTH // len(boxes)
    table = _table(document, 3, [width] * len(boxes))
    for column, (role, name) in enumerate(boxes):
        _shade(table.rows[0].cells[column], LABEL_FILL)
        _write(table.rows[0].cells[column], role, bold=True, size=9)
        _write(table.rows[1].cells[column], name, size=9)
        hint = _write(table.rows[2].cells[column], "Date et signature", size=7.5)
        hint.runs[0].font.color.rgb = GREY
    _row_height(table, 2, Cm(2.2))
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        row.cells[0].paragraphs[0].paragraph_format.keep_with_next = True


# --------------------------------------------------------------------------
# The two templates
# --------------------------------------------------------------------------


def annex_template() -> DocumentObject:
    """R11: the pedagogical annex of one period's convention (§3.1), two pages."""
    document = _new_document(
        "Annexe pédagogique à la convention de stage",
        "{{ school.name }} — annexe pédagogique, {{ student.name }}",
    )
    _school_header(document)
    _title(
        document,
        "Annexe pédagogique à la convention de stage",
        "BTS Négociation et relation client — stage en milieu professionnel",
    )
    _boxed(
        document,
        [
            ("{{ student.name }} — {{ period.kind_label }}", True),
            (
                "du {{ period.start }} au {{ period.end }} : {{ period.weeks_text }} de stage "
                "(période {{ period.number }} sur {{ period.count }})",
                False,
            ),
            (
                "{% if host.found %}chez {{ host.name }}{% else %}organisme d'accueil : "
                "{{ host.name }}{% endif %}",
                False,
            ),
        ],
    )
    _heading(document, "1. Les parties")
    _labels_table(
        document,
        [
            ("Établissement de formation", _school_cell),
            ("Représenté par", "{{ school.head }}"),
            (
                "Stagiaire",
                "{{ student.name }}, étudiant(e) en BTS NRC ({{ student.route_label }})",
            ),
            ("Organisme d'accueil", _host_cell),
            ("Secteur d'activité", "{{ host.sector }}"),
        ],
    )
    _heading(document, "2. Dates et durée de la période")
    _labels_table(
        document,
        [
            ("Nature de la période", "{{ period.kind_label }}"),
            ("Dates", "du {{ period.start }} au {{ period.end }}"),
            ("{%tr if period.dates %}", ""),
            ("Journées en entreprise", "{{ period.dates_text }}"),
            ("{%tr endif %}", ""),
            (
                "Durée",
                "{{ period.weeks_text }} de stage, {{ period.days_in_company }} "
                "jour{% if period.days_in_company > 1 %}s{% endif %} en "
                "entreprise{% if period.holiday_days %}, dont {{ period.holiday_days }} pendant "
                "les vacances scolaires{% endif %}",
            ),
        ],
    )
    _heading(document, "3. Conditions matérielles")
    _labels_table(
        document,
        [
            ("Lieu du stage", "{{ host.place }}"),
            ("Horaires", "{{ hours.weekly }} heures par semaine ; {{ hours.daily }}"),
            ("Volume horaire de la période", "{{ hours.total }} heures"),
            ("Matériel", "{{ equipment }}"),
        ],
    )
    note = document.add_paragraph()
    note.add_run("{{ status_note }}").italic = True
    _heading(document, "4. Tutorat et suivi par l'équipe pédagogique")
    _labels_table(
        document,
        [
            ("Tuteur", "{{ tutor.name }}"),
            ("Fonction", "{{ tutor.function }}"),
            ("Courriel", "{{ tutor.email }}"),
            ("Suivi du stagiaire par le tuteur", "{{ tutoring }}"),
            ("Professeur référent", "{{ referent.name }}"),
        ],
    )
    _visits(document)
    _annex_second_page(document)
    return document


def _school_cell(cell: _Cell) -> None:
    _write(cell, "{{ school.name }}")
    _cell_paragraph(cell, ADDRESS)


def _host_cell(cell: _Cell) -> None:
    _write(cell, "{{ host.name }}")
    _cell_paragraph(cell, "{%p if host.found %}")
    _cell_paragraph(cell, "{{ host.place }}")
    _cell_paragraph(cell, "{%p endif %}")


def _visits(document: DocumentObject) -> None:
    """R12 in the annex: the dates of the referent's visits (§3.1)."""
    visits = document.add_paragraph()
    visits.add_run("Visites prévues au sein de l'organisme d'accueil :").bold = True
    visits.paragraph_format.keep_with_next = True
    _tag(document, "{%p if visits %}")
    _grid_table(
        document,
        ("Date de la visite", "Jour", "Professeur"),
        "{%tr for visit in visits %}",
        ("{{ visit.date }}", "{{ visit.weekday }}", "{{ visit.teacher }}"),
        (Cm(4.5), Cm(3.5), Cm(9)),
    )
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if not visits %}")
    document.add_paragraph(
        "Les dates des visites seront fixées avec le tuteur et communiquées à l'organisme "
        "d'accueil avant le début de la période."
    )
    _tag(document, "{%p endif %}")


def _annex_second_page(document: DocumentObject) -> None:
    _heading(document, "5. Objectifs poursuivis", new_page=True)
    _tag(document, "{%p if progression %}")
    document.add_paragraph(
        "Place dans la progression pédagogique : {{ progression | join(' ; ') }}."
    )
    _tag(document, "{%p endif %}")
    document.add_paragraph("Compétences à acquérir ou à approfondir :")
    _bullets(document, "objectives")
    _heading(document, "6. Missions et responsabilités confiées au stagiaire")
    _bullets(document, "activities")
    _heading(document, "7. Informations fournies par l'organisme d'accueil")
    _bullets(document, "commitments")
    _heading(document, "8. Échanges avec l'équipe pédagogique")
    document.add_paragraph("{{ exchanges }}")
    _heading(document, "9. Évaluation conjointe")
    document.add_paragraph("{{ evaluation }}")
    _signatures(
        document,
        [
            ("Le chef d'établissement", "{{ school.head }}"),
            ("Pour l'organisme d'accueil", "{{ host.name }}"),
            ("Le tuteur", "{{ tutor.name }}"),
            ("Le stagiaire", "{{ student.name }}"),
        ],
    )


def attestation_template() -> DocumentObject:
    """R13: the attestation of a student's internship (§3.1), one page."""
    document = _new_document(
        "Attestation de stage", "{{ school.name }} — attestation de stage, {{ student.name }}"
    )
    _school_header(document)
    _title(
        document,
        "Attestation de stage",
        "BTS Négociation et relation client — stage en milieu professionnel",
    )
    intro = document.add_paragraph()
    intro.paragraph_format.space_after = Pt(8)
    intro.add_run("Il est attesté que ")
    intro.add_run("{{ student.name }}").bold = True
    intro.add_run(
        ", étudiant(e) en BTS Négociation et relation client ({{ student.route_label }}) à "
        "{{ school.name }}, a effectué les périodes de stage en milieu professionnel "
        "suivantes, chacune certifiée par le cachet et la signature de son organisme "
        "d'accueil :"
    )
    _grid_table(
        document,
        ("Période", "Dates", "Durée", "Organisme d'accueil", "Cachet et signature"),
        "{%tr for p in periods %}",
        (
            "{{ p.kind_label }}",
            "du {{ p.start }}\nau {{ p.end }}",
            "{{ p.weeks_text }}\n({{ p.days_in_company }} jour"
            "{% if p.days_in_company > 1 %}s{% endif %})",
            "{{ p.host.name }}{% if p.host.found %}, {{ p.host.town }}{% endif %}",
            "",
        ),
        (Cm(3.4), Cm(3.2), Cm(2.6), Cm(4.3), Cm(3.5)),
        row_height=Cm(1.5),
    )
    total = document.add_paragraph()
    total.paragraph_format.space_before = Pt(8)
    total.add_run("Durée totale du stage : ").bold = True
    total.add_run("{{ total_weeks_text }}").bold = True
    total.add_run(" ({{ total_days }} jours en entreprise).")
    _heading(document, "Types d'activités réalisées")
    _bullets(document, "activities")
    _signatures(
        document,
        [
            ("Visa de l'établissement de formation", "{{ school.head }}"),
            ("Le stagiaire", "{{ student.name }}"),
        ],
    )
    return document


# --------------------------------------------------------------------------
# Writing them, reproducibly
# --------------------------------------------------------------------------


def _stable_bytes(document: DocumentObject) -> bytes:
    """The document's DOCX bytes with fixed ZIP dates (python-docx stamps
    each entry with the current time)."""
    raw = io.BytesIO()
    document.save(raw)
    stable = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return stable.getvalue()


def build_templates() -> dict[str, bytes]:
    """The bundled templates, by file name, as bytes (the same on every run)."""
    return {
        ANNEX_FILE: _stable_bytes(annex_template()),
        ATTESTATION_FILE: _stable_bytes(attestation_template()),
    }


def main(directory: Path = TEMPLATE_DIR) -> None:
    """Write the bundled templates into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in build_templates().items():
        (directory / name).write_bytes(data)
        print(f"Écrit : {directory / name}")


if __name__ == "__main__":
    main()
