"""Adversarial: `flowmap import scan` with hostile scanner text keeps every promise of the
one writing path (no formula, nothing outside --out, the same bytes on a rerun, nothing
half-written, never over a person's file) and its result maps without running anything."""

from __future__ import annotations

import csv
import errno
import io

import pytest

from tests.adversarial import flowmap_main, leftovers, snapshot, write_inventory
from tests.conftest import ROOT

NESSUS = ROOT / "tests" / "data" / "scans" / "nessus" / "defectdojo_7hosts_win2008r2.nessus"
#: What a hostile scanner file could say about a host's operating system.
HOSTILE_OS = "=cmd|' /C calc'!A0 <img src=x onerror=\"alert(1)\">"


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setenv("FLOWMAP_PROGRESS", "0")


@pytest.fixture
def scan(tmp_path):
    from xml.sax.saxutils import escape

    xml = NESSUS.read_text(encoding="utf-8")
    old = '<tag name="operating-system">Microsoft Windows Server 2008 R2 Standard Service Pack 1'
    assert old in xml
    xml = xml.replace(old, f'<tag name="operating-system">{escape(HOSTILE_OS)}')
    path = tmp_path / "scan\x1b[2J.nessus"
    path.write_text(xml, encoding="utf-8")
    return path


def _args(scan, inv, out):
    return ["import", "scan", scan, "--inventory", inv, "--out", out, "--org", "RXA"]


def test_import_neutralises_scanner_text_and_reruns_to_the_same_bytes(scan, tmp_path, capsys):
    inv = write_inventory(tmp_path / "inv")
    out = tmp_path / "area" / "out"
    before = snapshot(tmp_path)
    first = flowmap_main(capsys, *_args(scan, inv, out), "--add-unmatched")
    assert first.code == 0, first.err
    assert "\x1b" not in first.out + first.err
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    cells = [c for row in csv.reader(io.StringIO(written["systems.csv"].decode())) for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]
    assert any(c.startswith("'=cmd") and "<img" in c for c in cells)  # kept, as text
    second = flowmap_main(capsys, *_args(scan, inv, out), "--add-unmatched")
    assert second.code == 0, second.err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == written
    outside = {p for p in set(snapshot(tmp_path)) - set(before) if not p.startswith("area/out/")}
    assert outside == set()
    page = tmp_path / "area" / "out" / "map.html"
    assert flowmap_main(capsys, "map", out, "--out", page).code == 0
    from flowmap.render.pages import executable_scripts

    assert len(executable_scripts(page.read_text())) == 2  # the map's own two, nothing else


def test_import_never_writes_over_a_persons_file(scan, tmp_path, capsys):
    inv = write_inventory(tmp_path / "inv")
    out = tmp_path / "out"
    assert flowmap_main(capsys, *_args(scan, inv, out)).code == 0
    (out / "systems.csv").write_text("edited by a person\n")
    run = flowmap_main(capsys, *_args(scan, inv, out))
    assert run.code == 2 and "systems.csv" in run.err
    assert (out / "systems.csv").read_text() == "edited by a person\n"


def test_import_on_a_full_disk_leaves_nothing_half_written(scan, tmp_path, capsys, monkeypatch):
    import flowmap.render.written as written

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    inv = write_inventory(tmp_path / "inv")
    out = tmp_path / "out"
    monkeypatch.setattr(written.os, "fsync", full)
    run = flowmap_main(capsys, *_args(scan, inv, out))
    assert run.code == 2 and "the disk is full" in run.err
    assert not out.exists() or list(out.iterdir()) == []
    assert leftovers(tmp_path) == []
