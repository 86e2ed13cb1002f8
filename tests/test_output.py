"""No build loses a file: concurrent builds, mount points, full disks, SIGTERM, and PDFs that are not ours."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

import generator.output
from generator.build import build_site
from generator.cli import main
from generator.output import FORMS_MANIFEST

from .conftest import FEW_FORMS, one_language

OFFSETS = (0.0, 0.4, 0.8, 1.2, 1.6)
"""Seconds between the starts of two builds into one folder; a cached build takes one to three."""


def tree(folder: Path) -> dict[str, str]:
    """Every file under folder by its relative path, with the digest of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def handbook(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


@contextlib.contextmanager
def mounted(folder: Path, *how: str) -> Iterator[Path]:
    """A real mount at `folder` (needs root: skipped otherwise), taken away again afterwards."""
    folder.mkdir(exist_ok=True)
    result = subprocess.run(["mount", *how, str(folder)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here: {result.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def is_mounted(folder: Path) -> bool:
    """Whether a mount sits at folder, by the kernel's own list (os.path.ismount misses bind mounts)."""
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        return str(folder) in (line.split()[1] for line in mounts)


def test_two_builds_into_one_folder_at_once_give_one_whole_site(program_copy, tmp_path: Path) -> None:
    program_file = program_copy(text=one_language("en", FEW_FORMS))
    build_site(program_file, tmp_path / "reference")  # also fills the cache, so the builds race where they swap
    expected = tree(tmp_path / "reference")
    command = handbook("build", "-p", str(program_file), "-o", str(tmp_path / "site"))
    for offset in OFFSETS:  # the second starts while the first renders, builds or swaps
        first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(offset)
        second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for build in (first, second):  # the site is whole as each ends, not just after the last
            _, err = build.communicate(timeout=300)
            assert build.returncode == 0, err.decode()
            assert tree(tmp_path / "site") == expected
        assert sorted(p.name for p in tmp_path.iterdir()) == ["prog", "reference", "site"], "leftovers beside"


def test_sigterm_during_a_build_leaves_the_last_site_and_no_temporary_folder(program_copy, tmp_path: Path) -> None:
    program_file = program_copy(text=one_language("en", FEW_FORMS))
    site = tmp_path / "site"
    build_site(program_file, site)
    before = tree(site)
    command = handbook("build", "--no-cache", "-p", str(program_file), "-o", str(site))
    for delay in (0.0, 0.15, 0.3):  # MkDocs takes a second or more to fill the folder
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".site.new-*")) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert process.poll() is None, "the build ended before it was signalled"
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 128 + signal.SIGTERM
        assert sorted(p.name for p in tmp_path.iterdir()) == ["prog", "site"], "a temporary folder was left"
        assert tree(site) == before


def _changes_name(program_file: Path, name: str) -> None:
    text = program_file.read_text(encoding="utf-8")
    program_file.write_text(text.replace("Bridges Workplace Mentoring Program", name, 1), encoding="utf-8")


def _builds_in_place(program_file: Path, tmp_path: Path, site: Path) -> None:
    """Build into the mount `site` twice, and once more with an error: never anything beside it or left in it."""
    build_site(program_file, tmp_path / "reference", use_cache=False)
    build_site(program_file, site)
    assert is_mounted(site)
    assert tree(site) == tree(tmp_path / "reference")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prog", "reference", "site"]

    _changes_name(program_file, "Mounted Again Program")
    build_site(program_file, site)
    assert is_mounted(site)
    assert "Mounted Again Program" in (site / "index.html").read_text(encoding="utf-8")
    assert set(tree(site)) == set(tree(tmp_path / "reference"))
    good = tree(site)

    program_file.write_text(program_file.read_text(encoding="utf-8") + "no_such_key: 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-p", str(program_file), "-o", str(site)])
    assert result.exit_code == 1
    assert tree(site) == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prog", "reference", "site"]


def test_an_empty_mount_point_is_built_into_in_place(program_copy, tmp_path: Path) -> None:
    with mounted(tmp_path / "site", "-t", "tmpfs", "-o", "size=64m", "none") as site:
        (site / "lost+found").mkdir()  # as on a freshly made ext4 volume: the volume's, neither content nor ours
        _builds_in_place(program_copy(text=one_language("en", FEW_FORMS)), tmp_path, site)
        assert (site / "lost+found").is_dir()


def test_a_folder_that_cannot_be_renamed_is_filled_in_place(program_copy, tmp_path: Path) -> None:
    """A bind mount on the same device looks like a plain folder, but rename(2) refuses it (EBUSY)."""
    site = tmp_path / "site"
    site.mkdir()
    with mounted(site, "--bind", str(site)):
        assert not os.path.ismount(site), "this kernel or Python sees the bind mount; the test needs it hidden"
        _builds_in_place(program_copy(text=one_language("en", FEW_FORMS)), tmp_path, site)


def test_a_rename_across_devices_falls_back_to_filling_in_place(
    program_copy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same fallback without root: the swap is made to fail as it does across devices."""

    def across_devices(a: Path, b: Path) -> bool:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(b))

    program_file = program_copy(text=one_language("en", FEW_FORMS))
    build_site(program_file, tmp_path / "site")
    monkeypatch.setattr(generator.output, "exchange", across_devices)
    _changes_name(program_file, "Across Devices Program")
    build_site(program_file, tmp_path / "site")
    assert "Across Devices Program" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prog", "site"]


def test_a_full_disk_is_reported_as_the_output_folders(program_copy, tmp_path: Path) -> None:
    program_file = program_copy(text=one_language("en", FEW_FORMS))
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=1m", "none") as disk:
        result = CliRunner().invoke(main, ["build", "-p", str(program_file), "-o", str(disk / "site")])
        assert result.exit_code == 1
        assert f"no space left on the device to write {disk / 'site'};" in result.output, result.output
        assert "material" not in result.output and "assets" not in result.output, result.output
        assert list(disk.iterdir()) == [], "the failed build left files behind"


def _filled(blank: Path, target: Path) -> bytes:
    """A participant's filled copy of a form, saved under the form's own name."""
    writer = PdfWriter(clone_from=blank)
    writer.set_need_appearances_writer(True)
    name = next(n for n in PdfReader(blank).get_fields() if n.startswith("contact."))
    writer.update_page_form_field_values(None, {name: "Ada Participant"}, auto_regenerate=False)
    writer.write(target)
    return target.read_bytes()


def test_forms_never_overwrite_a_pdf_they_did_not_write(blank_forms: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "pdf"
    folder.mkdir()
    filled = _filled(blank_forms["mentor-application"], folder / "mentor-application.pdf")
    refused = CliRunner().invoke(main, ["forms", "-o", str(folder)])
    assert refused.exit_code == 1
    assert "mentor-application.pdf: not written by `handbook forms`" in refused.output, refused.output
    assert sorted(p.name for p in folder.iterdir()) == ["mentor-application.pdf"], "something was written"
    assert (folder / "mentor-application.pdf").read_bytes() == filled

    (folder / "mentor-application.pdf").unlink()
    (folder / ".action-plan.pdf.k1ll3d.tmp").write_bytes(b"%PDF-1.7 half")  # what a killed run leaves; cleared
    for _ in range(2):  # the second run replaces what the first wrote
        result = CliRunner().invoke(main, ["forms", "-o", str(folder)])
        assert result.exit_code == 0, result.output
        assert tree(folder) == {**tree(blank_forms["action-plan"].parent), FORMS_MANIFEST: tree(folder)[FORMS_MANIFEST]}

    filled = _filled(blank_forms["mentee-application"], folder / "mentee-application.pdf")
    refused = CliRunner().invoke(main, ["forms", "-o", str(folder)])
    assert refused.exit_code == 1 and "mentee-application.pdf: not written" in refused.output
    assert (folder / "mentee-application.pdf").read_bytes() == filled


def test_a_full_disk_leaves_no_truncated_pdf(blank_forms: dict[str, Path], tmp_path: Path) -> None:
    size = sum(path.stat().st_size for path in blank_forms.values()) // 2
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", f"size={size}", "none") as disk:
        result = CliRunner().invoke(main, ["forms", "-o", str(disk)])
        assert result.exit_code == 1
        assert f"no space left on the device to write {disk};" in result.output, result.output
        written = {p.name for p in disk.iterdir()}
        assert written <= {f"{form_id}.pdf" for form_id in blank_forms} | {FORMS_MANIFEST}, written
        for form_id, blank in blank_forms.items():
            if (disk / f"{form_id}.pdf").exists():
                assert (disk / f"{form_id}.pdf").read_bytes() == blank.read_bytes(), form_id
