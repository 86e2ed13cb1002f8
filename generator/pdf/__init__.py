"""The PDF renderer: ReportLab lays a bound form out with live AcroForm fields and writes the file in one pass."""

from __future__ import annotations

from ..dates import build_datetime
from ..formdefs import FormDef
from ..identity import Identity
from ..model import Program
from ..sources import Sources
from .document import build
from .postprocess import Meta


def render_pdf(program: Program, form: FormDef, sources: Sources) -> bytes:
    """One fillable PDF, byte-identical for the same inputs."""
    info = program.program
    logo = sources.root / info.logo if info.logo else None
    meta = Meta(
        title=form.title,
        author=info.agency,
        subject=f"{info.name}: {form.description}",
        keywords=f"{form.id}, {info.short_name}, mentoring, form",
        language=info.language,
        date=build_datetime(program),
        identity=Identity(form.id, form.version, info.short_name, info.language),
    )
    return build(program, form, logo, meta)
