"""The PDF renderer: ReportLab lays a bound form out with live AcroForm fields, pypdf finishes the file."""

from __future__ import annotations

import datetime as dt
import os

from ..formdefs import FormDef
from ..model import Program
from ..sources import Sources
from .document import build
from .postprocess import Meta


def build_date(program: Program) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the program's start: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime.combine(program.schedule.start, dt.time(), tzinfo=dt.timezone.utc)


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
        date=build_date(program),
    )
    return build(program, form, logo, meta)
