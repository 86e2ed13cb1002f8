"""Benchmark the form renderer: median time per form and for the whole catalogue, and file sizes.

Run from the repository root: `python bench/forms.py [-p program.yaml] [-n 15]`. Aim: under 25 ms per
form (median) and under 40 KB per file.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.forms import load_form_definitions, render_form
from generator.program import load_program
from generator.sources import Sources


def timings_ms(run: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def median_ms(run: Callable[[], object], repeat: int) -> float:
    return statistics.median(timings_ms(run, repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--program", type=Path, default=Path("program.yaml"))
    parser.add_argument("-n", "--repeat", type=int, default=15)
    args = parser.parse_args()
    sources = Sources(args.program)
    program = load_program(sources)
    forms = load_form_definitions(program, sources)
    for form in forms.values():  # warm up: imports, font metrics, caches
        render_form(program, form, sources)
    print(f"{'form':<28}{'median ms':>10}{'min ms':>8}{'KB':>8}{'pages':>7}")
    medians, sizes = [], []
    for form_id, form in forms.items():
        pdf = render_form(program, form, sources)
        times = timings_ms(lambda form=form: render_form(program, form, sources), args.repeat)
        ms = statistics.median(times)
        medians.append(ms)
        sizes.append(len(pdf) / 1024)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"{form_id:<28}{ms:>10.1f}{min(times):>8.1f}{len(pdf) / 1024:>8.1f}{pages:>7}")
    load_ms = median_ms(lambda: load_form_definitions(program, sources), args.repeat)
    whole = median_ms(lambda: [render_form(program, f, sources) for f in forms.values()], max(3, args.repeat // 3))
    print(f"\nmedian per form: {statistics.median(medians):.1f} ms (aim < 25)", end="; ")
    print(f"largest file {max(sizes):.1f} KB (aim < 40)")
    print(f"whole catalogue: {whole:.0f} ms to render {len(forms)} forms, plus {load_ms:.0f} ms to load and check them")


if __name__ == "__main__":
    main()
