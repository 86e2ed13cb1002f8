"""The PDF renderer: ReportLab lays a bound form out with live AcroForm fields and writes the file in one pass."""

from __future__ import annotations

from collections.abc import Mapping

from ..dates import build_datetime
from ..formdefs import FormDef
from ..forms import RenderedPdf
from ..i18n import _
from ..identity import Identity
from ..model import Program
from ..sources import Sources
from .document import build
from .postprocess import Meta


def render_pdf(
    program: Program, form: FormDef, sources: Sources, values: Mapping[str, str] | None = None
) -> RenderedPdf:
    """One fillable PDF, byte-identical for the same inputs.

    `values` pre-fills fields by full name, still editable: text as it is, "1" ticks a checkbox, a
    choice or rating takes its option id. Each field is drawn with its value (checked and selected
    buttons in their own on-state), so every reader shows and prints it without regenerating looks.
    A name not given keeps the form's default.
    """
    info = program.program
    logo = sources.root / info.logo if info.logo else None
    meta = Meta(
        title=form.title,
        author=info.agency,
        subject=f"{info.name}: {form.description}",
        # TRANSLATORS: "mentoring" and "form" are search keywords of the PDF's document properties.
        keywords=", ".join((form.id, info.short_name, _("mentoring"), _("form"))),
        language=info.language,
        date=build_datetime(program),
        identity=Identity(form.id, form.version, info.short_name, info.language),
    )
    return build(program, form, logo, meta, values or {})
