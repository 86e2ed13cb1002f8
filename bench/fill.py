"""Benchmark `handbook fill`: 1,000 mentoring agreements from one CSV, wall time and peak memory.

Run from anywhere: `python bench/fill.py [-n 1000] [--repeat 2]`. Everything happens in a temporary
folder. The CSV holds N pairs with names in Latin, Polish, Greek and Cyrillic and a goal long enough
to wrap, so every row exercises the embedded font and the multi-line layout. Each run is a fresh
`python -m generator fill` into an empty folder; memory is the summed resident size of the command
and its workers, sampled from /proc (Linux), plus the largest single process. A re-run into the same
folder (every file already there, unchanged) checks that the output is byte-identical. CPU seconds
(the command and its workers) are printed too: on a shared machine they, not the wall time, show
what an idle one would take. Aim: 1,000 agreements under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import resource
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from measure import measure  # bench/ is on sys.path when a benchmark runs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "program.yaml"
NAMES = ["Zoë Martin", "Łucja Wąsowska", "Γιώργος Παπαδόπουλος", "Иван Петров", "Ana Núñez", "Kateřina Dvořáková"]


def make_csv(path: Path, count: int) -> None:
    columns = ["terms.mentee", "terms.mentor", "goals.1.goal", "goals.1.measure", "goals.1.completion_date"]
    columns += ["signatures.mentee.name", "signatures.mentor.name", "score"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for n in range(count):
            mentee, mentor = f"{NAMES[n % 6]} {n}", NAMES[(n + 2) % 6]
            goal = f"Lead {n % 7 + 1} site inspections alone and write each report for the division head. " * 2
            writer.writerow([mentee, mentor, goal, "Reports accepted without changes", "2027-06-30", mentee, mentor, 1])


def run(source: Path, out: Path) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (the command and its workers), peak summed RSS and the summary line of one fill."""
    command = [sys.executable, "-m", "generator", "fill", str(source), "--form", "mentoring-agreement"]
    result = measure([*command, "-p", str(EXAMPLE), "-o", str(out)])
    return result.seconds, result.cpu, result.peak, result.output


def _digest(folder: Path) -> str:
    total = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        total.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="rows (agreements) in the CSV")
    parser.add_argument("--repeat", type=int, default=2, help="fresh fills to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        make_csv(work / "matches.csv", args.n)
        print(f"csv: {args.n} rows; cores: {os.cpu_count()}")
        times, cpus, peaks, digests = [], [], [], set()
        for attempt in range(args.repeat):
            shutil.rmtree(work / "out", ignore_errors=True)
            elapsed, cpu, peak, summary = run(work / "matches.csv", work / "out")
            times.append(elapsed)
            cpus.append(cpu)
            peaks.append(peak)
            digests.add(_digest(work / "out"))
            print(f"fresh fill {attempt + 1}: {elapsed:.2f} s, {cpu:.1f} CPU s, peak {peak / 1e6:.0f} MB ({summary})")
        size = sum(p.stat().st_size for p in (work / "out").iterdir())
        again, _, _, summary = run(work / "matches.csv", work / "out")
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"re-run into the same folder: {again:.2f} s ({summary})")
        print(
            f"fresh fill median {statistics.median(times):.2f} s; {args.n / statistics.median(times):.0f} PDFs/s; "
            f"{statistics.median(cpus) / args.n * 1e3:.0f} CPU ms per PDF, so about "
            f"{statistics.median(cpus) / (os.cpu_count() or 1):.0f} s on {os.cpu_count()} idle cores; "
            f"{size / args.n / 1e3:.0f} kB per PDF; peak summed RSS median {statistics.median(peaks) / 1e6:.0f} MB; "
            f"largest single process {largest:.0f} MB; fresh runs byte-identical: {len(digests) == 1}"
        )
        print("aim: 1,000 agreements under 60 s on 2 cores")


if __name__ == "__main__":
    main()
