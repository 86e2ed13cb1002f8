"""Benchmark `handbook collect` on a folder of returned forms: wall time and peak memory.

Run from anywhere: `python bench/collect.py [-n 1000] [--repeat 3]`. Everything happens in a temporary
folder. The inbox holds N filled PDFs: every form of the example program filled with pypdf in a few
variants, each copy made unique by a trailing comment (a different SHA-256, the same fields), so the
collector reads N distinct files. Each run is a fresh `python -m generator collect` into an empty
records folder; memory is the summed resident size of the command and its workers, sampled every
20 ms from /proc (Linux), plus the largest single process from getrusage. A second run over the
same inbox shows the cost of an idempotent re-run. Aims: 1,000 PDFs under 30 s and under 300 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from measure import measure  # bench/ is on sys.path when a benchmark runs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "program.yaml"


def make_inbox(folder: Path, count: int) -> None:
    """count distinct filled forms: each form filled in a few ways, copies told apart by a trailing comment."""
    sys.path.insert(0, str(ROOT))
    from pypdf import PdfReader, PdfWriter

    from generator.forms import render_forms
    from generator.program import load_program
    from generator.sources import Sources

    sources = Sources(EXAMPLE)
    filled = []
    for form_id, pdf in render_forms(load_program(sources), sources).items():
        reader = PdfReader(__import__("io").BytesIO(pdf))
        texts = [name for name, f in (reader.get_fields() or {}).items() if f.get("/FT") == "/Tx" and name != "_form"]
        for variant in range(3):
            writer = PdfWriter(clone_from=reader)
            values = {name: f"Answer {variant} to {name}" for name in texts[: 20 + variant]}
            for page in writer.pages:
                writer.update_page_form_field_values(page, values, auto_regenerate=False)
            out = __import__("io").BytesIO()
            writer.write(out)
            filled.append((form_id, out.getvalue()))
    folder.mkdir(parents=True)
    for n in range(count):
        form_id, data = filled[n % len(filled)]
        (folder / f"{n:05d}-{form_id}.pdf").write_bytes(data + b"\n%% copy %d\n" % n)


def run(inbox: Path, records: Path) -> tuple[float, int, str]:
    """Wall seconds, peak summed RSS and the command's summary line of one collect."""
    command = [sys.executable, "-m", "generator", "collect", str(inbox), "-p", str(EXAMPLE), "-o", str(records)]
    result = measure(command)
    return result.seconds, result.peak, result.output.splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="returned PDFs in the inbox")
    parser.add_argument("--repeat", type=int, default=3, help="fresh collects to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        start = time.perf_counter()
        make_inbox(work / "inbox", args.n)
        size = sum(p.stat().st_size for p in (work / "inbox").iterdir())
        print(f"inbox: {args.n} PDFs, {size / 1e6:.1f} MB, made in {time.perf_counter() - start:.1f} s")
        print(f"cores: {os.cpu_count()}")
        times, peaks = [], []
        for attempt in range(args.repeat):
            shutil.rmtree(work / "records", ignore_errors=True)
            elapsed, peak, summary = run(work / "inbox", work / "records")
            times.append(elapsed)
            peaks.append(peak)
            print(f"fresh collect {attempt + 1}: {elapsed:.2f} s, peak {peak / 1e6:.0f} MB ({summary})")
        again, again_peak, summary = run(work / "inbox", work / "records")
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"re-run, all stored already: {again:.2f} s, peak {again_peak / 1e6:.0f} MB ({summary})")
        print(
            f"fresh collect median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}); "
            f"{args.n / statistics.median(times):.0f} PDFs/s; peak summed RSS median "
            f"{statistics.median(peaks) / 1e6:.0f} MB; largest single process {largest:.0f} MB"
        )
        print("aim: under 30 s and under 300 MB for 1,000 PDFs on 2 cores")


if __name__ == "__main__":
    main()
