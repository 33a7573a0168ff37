"""Conventions (R11) and attestations (R13) of a plan, in DOCX and PDF.

- :mod:`.context`: what each document says, as pure data (no I/O);
- :mod:`.render`: filling the DOCX templates (docxtpl), checking them first;
- :mod:`.pdf`: DOCX to PDF with the machine's LibreOffice;
- :mod:`.status`: where each convention stands (à envoyer, envoyée, signée);
- :mod:`.generate`: the documents folder, written atomically, and its ZIP.

``docs/documents.md`` lists the variables a school's own template may use.
"""

from .context import (
    AnnexContext,
    AttestationContext,
    annex_context,
    annex_contexts,
    attestation_context,
    attestation_contexts,
    attestation_students,
    french_date,
    french_weeks,
    template_variables,
)
from .generate import (
    DocumentReport,
    DocumentWriteError,
    PlanRejectedError,
    documents_zip,
    format_report,
    generate_documents,
    plan_dir_documents,
)
from .pdf import PdfConversionError, convert_to_pdf, find_soffice
from .render import (
    BUNDLED_ANNEX_TEMPLATE,
    BUNDLED_ATTESTATION_TEMPLATE,
    DocumentError,
    DocumentTemplate,
    DocumentTemplateError,
    load_template,
    scenario_templates,
)
from .status import (
    ConventionLine,
    convention_statuses,
    records_with_status,
    scenario_with_status,
)

__all__ = [
    "BUNDLED_ANNEX_TEMPLATE",
    "BUNDLED_ATTESTATION_TEMPLATE",
    "AnnexContext",
    "AttestationContext",
    "ConventionLine",
    "DocumentError",
    "DocumentReport",
    "DocumentTemplate",
    "DocumentTemplateError",
    "DocumentWriteError",
    "PdfConversionError",
    "PlanRejectedError",
    "annex_context",
    "annex_contexts",
    "attestation_context",
    "attestation_contexts",
    "attestation_students",
    "convention_statuses",
    "convert_to_pdf",
    "documents_zip",
    "find_soffice",
    "format_report",
    "french_date",
    "french_weeks",
    "generate_documents",
    "load_template",
    "plan_dir_documents",
    "records_with_status",
    "scenario_templates",
    "scenario_with_status",
    "template_variables",
]
