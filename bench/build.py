"""Benchmark `handbook build` against a plain MkDocs + Material build of the same rendered pages.

Run from anywhere: `python bench/build.py [-n 5]`. Everything happens in a temporary folder (the repository is only
read). Both sides run as subprocesses of the same Python (`python -m generator build` vs `python -m mkdocs build`),
so startup and imports count alike, with bytecode cached in the temporary folder after one untimed run of each.
Aims: a full build (cold cache) within 1.3x the plain build, a rebuild with nothing changed within 1.05x, and
`handbook serve` showing a program.yaml edit within one second (timed from the write to the page that shows it).
Each build's CPU time (all its processes) is printed too: the plain side uses one core, ours both.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "program.yaml"
CACHE = ".handbook-cache"


def timed(commands: list[list[str]], env: dict[str, str], clear: Path | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user and system, all processes) of the commands run one after another, in seconds;
    `clear` is removed first (a cold cache)."""
    if clear is not None:
        shutil.rmtree(clear, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def scaled(folder: Path, skills: int, questions: int, forms: int) -> Path:
    """A copy of the example with more skills, mentor evaluation questions and forms (copies under new ids)."""
    program = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    program["skills"] = [f"Skill area number {i + 1}" for i in range(skills)]
    program["evaluation"]["mentor_questions"] = [
        f"How well did your mentor handle situation {i + 1}?" for i in range(questions)
    ]
    (folder / "forms").mkdir(parents=True)
    shipped = sorted((ROOT / "forms").glob("*.yaml"))
    for i in range(forms - len(shipped)):
        source = shipped[i % len(shipped)]
        shutil.copy(source, folder / "forms" / f"copy-{i + 1:02d}-{source.name}")
    path = folder / "program.yaml"
    path.write_text(yaml.safe_dump(program, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


class Bench:
    def __init__(self, work: Path, repeat: int) -> None:
        self.work, self.repeat = work, repeat
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env.update(PYTHONPYCACHEPREFIX=str(work / "pycache"), NO_MKDOCS_2_WARNING="1")

    def handbook(self, program: Path, *args: str) -> list[str]:
        return [sys.executable, "-m", "generator", *args, "-p", str(program)]

    def measure(self, program: Path) -> dict[str, list[tuple[float, float]]]:
        """Plain MkDocs on the export, our build from a cold cache, and with nothing changed.

        The export holds one MkDocs project per language (the default at its root, the others in `<language>/`):
        the plain side builds each in turn, as a coordinator using MkDocs alone would, since `handbook build`
        builds every language. The three run in turn within each repetition, so load from other processes weighs
        on all of them alike.
        """
        site, export = program.parent / "site", program.parent / "export"
        subprocess.run([*self.handbook(program, "export"), str(export)], env=self.env, check=True, capture_output=True)
        projects = [export / "mkdocs.yml", *sorted(export.glob("*/mkdocs.yml"))]
        plain = [[sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)] for config in projects]
        ours = [[*self.handbook(program, "build"), "-o", str(site)]]
        for command in (*plain, *ours):  # untimed: compiles bytecode, fills the OS file cache
            subprocess.run(command, env=self.env, check=True, capture_output=True)
        runs: dict[str, list[tuple[float, float]]] = {"plain": [], "cold": [], "warm": []}
        for _ in range(self.repeat):
            runs["plain"].append(timed(plain, self.env))
            runs["cold"].append(timed(ours, self.env, clear=program.parent / CACHE))
            runs["warm"].append(timed(ours, self.env))
        return runs


def _served(url: str, text: str, limit: float = 60) -> float:
    """When `text` first appears at url (polled every 10 ms), by time.monotonic()."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode("utf-8"):
                    return time.monotonic()
        except OSError:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"{text!r} never appeared at {url}")


def serve_latency(folder: Path, env: dict[str, str], edits: int) -> list[float]:
    """Seconds from writing a new program name into program.yaml to the home page served with it."""
    program = folder / "program.yaml"
    program.parent.mkdir()
    shutil.copy(EXAMPLE, program)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "generator", "serve", "-p", str(program), "-a", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url, text = f"http://127.0.0.1:{port}/index.html", program.read_text(encoding="utf-8")
    try:
        _served(url, "Bridges Workplace Mentoring Program")
        times = []
        for number in range(edits):
            time.sleep(1)  # let the previous rebuild settle, as between a coordinator's saves
            name = f"Edited Program {number}"
            start = time.monotonic()
            program.write_text(text.replace("Bridges Workplace Mentoring Program", name, 1), encoding="utf-8")
            times.append(_served(url, name) - start)
        return times
    finally:
        server.terminate()
        server.wait(timeout=10)


def describe(program: Path) -> str:
    data = yaml.safe_load(program.read_text(encoding="utf-8"))
    forms = len(list((ROOT / "forms").glob("*.yaml"))) + len(list((program.parent / "forms").glob("*.yaml")))
    skills, questions = len(data["skills"]), len(data["evaluation"]["mentor_questions"])
    return f"{skills} skills, {questions} mentor evaluation questions, {forms} forms"


def fmt(times: list[float]) -> str:
    return f"{statistics.median(times):6.2f} s  (min {min(times):.2f}, max {max(times):.2f})"


def report(title: str, runs: dict[str, list[tuple[float, float]]]) -> None:
    """Wall times with the ratio of medians (the aim) and of minimums, which load from other processes sways less;
    and the CPU time each build used, all its processes together."""
    walls = {name: [wall for wall, _ in found] for name, found in runs.items()}
    plain, fastest = statistics.median(walls["plain"]), min(walls["plain"])
    print(f"\n{title}")
    for name, label, aim in [
        ("plain", "plain mkdocs build of the export", ""),  # every language's project
        ("cold", "handbook build, cold cache", "1.3x"),
        ("warm", "handbook build, nothing changed", "1.05x"),
    ]:
        cpu = statistics.median(used for _, used in runs[name])
        ratio = ""
        if aim:
            median, least = statistics.median(walls[name]) / plain, min(walls[name]) / fastest
            ratio = f"  ratio {median:.2f}x (aim {aim}; of minimums {least:.2f}x)"
        print(f"  {label:<34} {fmt(walls[name])}  CPU {cpu:5.2f} s{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repeat", type=int, default=5, help="runs of each build (default 5)")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as temp:
        bench = Bench(Path(temp), args.repeat)
        example = Path(temp) / "example" / "program.yaml"
        example.parent.mkdir()
        shutil.copy(EXAMPLE, example)
        base = bench.measure(example)
        report(f"example ({describe(example)}); {args.repeat} runs each", base)
        program = scaled(Path(temp) / "scaled", skills=100, questions=50, forms=40)
        big = bench.measure(program)
        report(f"scaled ({describe(program)}); {args.repeat} runs each", big)
        latency = serve_latency(Path(temp) / "serve", bench.env, args.repeat)
        print(f"\nhandbook serve, program.yaml edit to page served: {fmt(latency)} (aim 1 s)")
        print("\ngrowth from the example to the scaled program (ratio of medians)")
        for name in ("plain", "cold", "warm"):
            grown = statistics.median(wall for wall, _ in big[name]) / statistics.median(wall for wall, _ in base[name])
            print(f"  {name:<6} {grown:.2f}x")
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
