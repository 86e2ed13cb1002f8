"""Fill a form with Poppler (the engine of Evince, Okular and pdftoppm) and save it.

Run with Debian's own Python, which has Poppler's GObject bindings (python3-gi, gir1.2-poppler-0.18):
/usr/bin/python3 poppler_fill.py SRC DST VALUES.json BUTTONS.json. VALUES maps full field names to a
text, true/false for a checkbox, or a radio button's on-state; BUTTONS maps "page:x:top" of every
radio button (points, rounded) to its on-state, because Poppler's API names no button's state.
"""

import json
import pathlib
import sys

import gi

gi.require_version("Poppler", "0.18")
from gi.repository import Poppler  # noqa: E402

source, target, values_file, buttons_file = sys.argv[1:5]
values = json.loads(pathlib.Path(values_file).read_text(encoding="utf-8"))
buttons = json.loads(pathlib.Path(buttons_file).read_text(encoding="utf-8"))
document = Poppler.Document.new_from_file(pathlib.Path(source).resolve().as_uri(), None)
done = set()
for number in range(document.get_n_pages()):
    page = document.get_page(number)
    _, height = page.get_size()
    for mapping in page.get_form_field_mapping():
        field = mapping.field
        name = field.get_name()
        if name not in values:
            continue
        wanted = values[name]
        kind = field.get_field_type()
        if kind == Poppler.FormFieldType.TEXT:
            field.text_set_text(wanted)
        elif field.button_get_button_type() == Poppler.FormButtonType.CHECK:
            field.button_set_state(bool(wanted))
        else:
            area = mapping.area
            # Poppler's areas are PDF user space (origin bottom left), like pypdf's rectangles.
            key = f"{number}:{round(area.x1)}:{round(max(area.y1, area.y2))}"
            if buttons.get(key) != wanted:
                continue
            field.button_set_state(True)
        done.add(name)
missing = sorted(set(values) - done)
if missing:
    sys.exit(f"no field took these values: {missing}")
document.save(pathlib.Path(target).resolve().as_uri())
