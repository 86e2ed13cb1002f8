"""Pages no coordinator writes: the forms catalogue and the timeline, generated from the program and the PDFs.

They are Markdown like the content pages, so MkDocs, `handbook export` and any other engine treat them alike.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from pypdf import PdfReader

from .model import Program
from .pages import FormLink, MilestoneView, date_formatter, milestone_views, template_environment

FORMS_PAGE = """\
# Forms

Every form {{ program.short_name }} uses, ready to download. Each one is a fillable PDF: type your answers in any
PDF reader and save the file, or print it blank and fill it in by hand. Print forms that need signatures once
they are filled in, then sign them.

Using a keyboard or a screen reader? See
[how to fill these forms with a keyboard or screen reader](#keyboard-and-screen-reader).

{% if program.privacy_statement %}
!!! info "How your answers are used"

    {{ program.privacy_statement }}

{% endif %}
{% for entry in entries %}
## {{ entry.form.title }} { #{{ entry.form.id }} }

{{ entry.form.description }}

- **Who fills it in:** {{ entry.form.who }}
- **When:** {% for m in entry.milestones %}{{ m.title }}, {{ m.date_text }}{{ "; " if not loop.last }}\
{% else %}whenever you need it{% endfor %}

[Download the {{ entry.form.title }} (PDF, {{ entry.size }}, {{ entry.pages }})]({{ entry.form.url }}){ .md-button }

{% endfor %}
## Returning your forms { #returning }

{% if program.return_to %}
{{ program.return_to }}
{% else %}
Send each filled form, saved as a PDF, to {{ program.contact.name }} ({{ program.contact.title }}) at
[{{ program.contact.email }}](mailto:{{ program.contact.email }}).
{% endif %}

Send the PDF file you filled in and saved, not a scan or a photo of it: the program reads your answers straight
from the file's fields, so nothing you typed has to be copied out by hand. Forms with signatures may also be
printed, signed and handed over on paper. Keep a copy for yourself.

## How to fill these forms with a keyboard or screen reader { #keyboard-and-screen-reader }

Every field in these forms has a name that screen readers announce, and <kbd>Tab</kbd> moves through the fields
in the order you read the page.

- **Open the form in a PDF reader that can fill forms.** Free ones: Adobe Acrobat Reader (Windows, Mac, phones),
  which works best with screen readers; the viewer built into Firefox, Chrome or Edge; Preview on a Mac. Download
  the form and save it to your computer first, so you keep what you type.
- **Move between fields** with <kbd>Tab</kbd>, and back with <kbd>Shift</kbd>+<kbd>Tab</kbd>.
- **Tick or clear a checkbox** with <kbd>Space</kbd>.
- **Choose one option** in a group (yes or no, a rating): <kbd>Tab</kbd> into the group, move between its options
  with the arrow keys, and press <kbd>Space</kbd> to choose one.
- **Type in a box** as usual. In a large box, <kbd>Enter</kbd> starts a new line; in a one-line box,
  <kbd>Tab</kbd> moves on.
- **With a screen reader** (JAWS, NVDA, VoiceOver, Narrator), each field says what to enter when it gets focus.
  In Acrobat Reader, JAWS and NVDA switch to forms mode by themselves; if a field is read without its name,
  switch to forms mode and move with <kbd>Tab</kbd>.
- **Save** with <kbd>Ctrl</kbd>+<kbd>S</kbd> (<kbd>Cmd</kbd>+<kbd>S</kbd> on a Mac), often, and open the saved
  copy once to check your answers are in it before you send it.
- **Print** with <kbd>Ctrl</kbd>+<kbd>P</kbd> (<kbd>Cmd</kbd>+<kbd>P</kbd> on a Mac), filled in or blank.
- **Sign** the printed form by hand, or, if your agency accepts electronic signatures, with your reader's
  signature tool (in Acrobat Reader: *Fill & Sign*, then *Sign*).

If a form does not work for you, or you need it in another format (large print or on paper, for example),
contact {{ program.contact.name }} ({{ program.contact.title }}) at
[{{ program.contact.email }}](mailto:{{ program.contact.email }}) or {{ program.contact.phone }}; you will get a
version that does.
"""

TIMELINE_PAGE = """\
# Timeline

{{ program.name }} runs from **{{ start_date_text }}** to **{{ end_date_text }}**. Between those dates pairs meet
{{ schedule.meeting_frequency }}, for about {{ schedule.session_minutes }} minutes each time. Every date below is
counted from the start date, so it moves when the program does.

[Add these dates to your calendar](program.ics) (an iCalendar file that Outlook, Google Calendar and Apple
Calendar open).

| Date | What happens | Forms to use |
|---|---|---|
{% for row in rows %}\
| <time datetime="{{ row.date.isoformat() }}">{{ row.date_text }}</time> | {{ row.title }} | \
{% for f in row.forms %}[{{ f.title }}](forms.md#{{ f.id }}){{ ", " if not loop.last }}{% endfor %} |
{% endfor %}
{% if anytime %}

Use these forms whenever you need them:
{% for f in anytime %}[{{ f.title }}](forms.md#{{ f.id }}){{ ", " if not loop.last else "." }}{% endfor %}
{% endif %}
"""


@dataclass(frozen=True)
class CatalogueEntry:
    """A form on the forms page: where it is used and what the download weighs."""

    form: FormLink
    milestones: tuple[MilestoneView, ...]
    size: str
    pages: str


@dataclass(frozen=True)
class TimelineRow:
    date: dt.date
    date_text: str
    title: str
    forms: tuple[FormLink, ...]


def _size(data: bytes) -> str:
    return f"{max(1, round(len(data) / 1024))} KB"


def _pages(data: bytes) -> str:
    count = len(PdfReader(io.BytesIO(data)).pages)
    return f"{count} page{'s' if count != 1 else ''}"


def forms_page(program: Program, forms: list[FormLink], pdfs: dict[str, bytes]) -> str:
    milestones = milestone_views(program, forms)
    entries = [
        CatalogueEntry(
            form,
            tuple(m for m in milestones if form in m.forms),
            _size(pdfs[form.id]),
            _pages(pdfs[form.id]),
        )
        for form in forms
    ]
    template = template_environment(program.program.language).from_string(FORMS_PAGE)
    return template.render(program=program.program, entries=entries)


def timeline_page(program: Program, forms: list[FormLink]) -> str:
    milestones = milestone_views(program, forms)
    fmt = date_formatter(program.program.language)
    start, end = program.schedule.start, program.end_date
    rows = [TimelineRow(m.date, m.date_text, m.title, m.forms) for m in milestones]
    rows += [TimelineRow(start, fmt(start), "Program starts", ()), TimelineRow(end, fmt(end), "Program ends", ())]
    rows.sort(key=lambda row: row.date)  # stable: a milestone on the start day stays before "Program starts"
    used = {form.id for m in milestones for form in m.forms}
    template = template_environment(program.program.language).from_string(TIMELINE_PAGE)
    return template.render(
        program=program.program,
        schedule=program.schedule,
        start_date_text=fmt(start),
        end_date_text=fmt(end),
        rows=rows,
        anytime=[form for form in forms if form.id not in used],
    )


def generated_pages(program: Program, forms: list[FormLink], pdfs: dict[str, bytes]) -> dict[str, str]:
    """forms.md and timeline.md, by their path in the site."""
    return {"forms.md": forms_page(program, forms, pdfs), "timeline.md": timeline_page(program, forms)}
