"""Adversarial: every command that writes goes through one writing path.

Never a half-written file under a final name (full disk, read-only folder, Ctrl-C), never
a person's file replaced without --force, never a byte written outside --out, and the
same input gives the same bytes on every run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from pathlib import Path

import pytest

from tests.adversarial import flowmap_main, leftovers, snapshot, write_inventory
from tests.conftest import SAMPLE, small_tables

AS_OF = "2026-11-01"
#: Every findings format (--formats all), so each is held to every promise here.
FINDINGS = ["findings.xlsx", "findings.csv", "findings.json", "findings.jsonl", "findings.parquet"]
PLAN = ["plan.json", "plan.csv", "plan.xlsx", "plan_curve.png"]
DIFF = ["diff.json", "diff.csv", "diff.xlsx"]
AGREEMENTS = [
    "agreements.xlsx",
    "agreements.csv",
    "agreements_missing.csv",
    "agreements_calendar.csv",
    "agreements.html",
]
TABLE_FILES = [
    "organisations.csv",
    "systems.csv",
    "assets.csv",
    "flows.csv",
    "backups.csv",
    "vulnerabilities.csv",
    "zone_links.csv",
    "costs.csv",
]


@pytest.fixture(scope="module")
def inventories(tmp_path_factory):
    root = tmp_path_factory.mktemp("inventories")
    before = small_tables()
    after = small_tables()
    after["systems"][1]["os"] = "Windows 11"
    return write_inventory(root / "before", before), write_inventory(root / "after", after)


def commands(inventories, out: Path) -> dict[str, tuple[list[object], list[Path]]]:
    """Every writing command: its arguments and the files it writes, all under ``out``."""
    inv, inv2 = inventories
    return {
        "analyse": (
            ["analyse", inv, "--out", out, "--as-of", AS_OF, "--quiet", "--formats", "all"],
            [out / f for f in FINDINGS],
        ),
        "plan": (
            ["plan", inv, "--budget", "50000", "--out", out, "--as-of", AS_OF],
            [out / f for f in PLAN],
        ),
        "diff": (["diff", inv, inv2, "--out", out, "--as-of", AS_OF], [out / f for f in DIFF]),
        "validate": (
            ["validate", inv, "--problems", out / "problems.csv", "--as-of", AS_OF],
            [out / "problems.csv"],
        ),
        "export-graphml": (["export", inv, "--out", out / "g.graphml"], [out / "g.graphml"]),
        "export-gexf": (
            ["export", inv, "--format", "gexf", "--out", out / "g.gexf"],
            [out / "g.gexf"],
        ),
        "export-json": (
            ["export", inv, "--format", "json", "--out", out / "g.json"],
            [out / "g.json"],
        ),
        "template": (["template", out / "inventory.xlsx"], [out / "inventory.xlsx"]),
        "synth": (
            ["synth", "--orgs", "3", "--seed", "1", "--out", out, "--as-of", AS_OF],
            [out / f for f in TABLE_FILES],
        ),
        "map": (["map", inv, "--out", out / "map.html", "--as-of", AS_OF], [out / "map.html"]),
        "ropa": (
            ["ropa", inv, "--out", out, "--org", "RXA", "--as-of", AS_OF],
            [out / f for f in ("index.html", "ropa_gaps.csv", "ropa_processors.csv")],
        ),
        "agreements": (
            ["agreements", inv, "--out", out, "--as-of", AS_OF],
            [out / f for f in AGREEMENTS],
        ),
        "check-flow": (
            [
                "check-flow",
                inv,
                "--asset",
                "A1",
                "--from",
                "S1",
                "--to",
                "S3",
                "--purpose",
                "direct_care",
                "--out",
                out,
                "--as-of",
                AS_OF,
                "--quiet",
                "--no-risk",
            ],
            [out / f for f in ("check_flow.csv", "check_flow_verdicts.csv", "check_flow.html")],
        ),
        "dspt": (
            ["dspt", inv, "--out", out, "--year", "2025-26", "--as-of", AS_OF],
            [out / f"dspt_2025-26.{ext}" for ext in ("xlsx", "csv", "html")],
        ),
    }


NAMES = list(commands((Path("i"), Path("j")), Path("o")))


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setenv("FLOWMAP_PROGRESS", "0")


@pytest.mark.parametrize("name", NAMES)
def test_rerun_gives_the_same_bytes_and_writes_nothing_outside_out(
    name, inventories, tmp_path, capsys
):
    out = tmp_path / "area" / "out"
    args, files = commands(inventories, out)[name]
    before = snapshot(tmp_path)
    first = flowmap_main(capsys, *args)
    assert first.code == 0, first.err
    written = {p: p.read_bytes() for p in out.iterdir()}
    assert set(files) <= set(written)
    second = flowmap_main(capsys, *args)  # replaces its own earlier output without --force
    assert second.code == 0, second.err
    assert {p: p.read_bytes() for p in out.iterdir()} == written
    outside = {p for p in set(snapshot(tmp_path)) - set(before) if not p.startswith("area/out/")}
    assert outside == set()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", NAMES)
def test_a_persons_file_is_never_replaced_without_force(name, inventories, tmp_path, capsys):
    out = tmp_path / "out"
    args, files = commands(inventories, out)[name]
    out.mkdir()
    mine = files[-1]
    mine.write_text("notes a person made\n")
    run = flowmap_main(capsys, *args)
    assert run.code == 2
    assert mine.name in run.err and "--force" in run.err
    assert mine.read_text() == "notes a person made\n"
    assert sorted(p.name for p in out.iterdir()) == [mine.name]  # nothing else written
    forced = flowmap_main(capsys, *args, "--force")
    assert forced.code == 0, forced.err
    assert mine.read_bytes() != b"notes a person made\n"


@pytest.mark.parametrize("name", ["analyse", "template", "map"])
def test_flowmaps_own_output_changed_by_a_person_is_not_replaced(
    name, inventories, tmp_path, capsys
):
    out = tmp_path / "out"
    args, files = commands(inventories, out)[name]
    assert flowmap_main(capsys, *args).code == 0
    files[-1].write_bytes(files[-1].read_bytes() + b" ")  # an edit
    edited = files[-1].read_bytes()
    run = flowmap_main(capsys, *args)
    assert run.code == 2 and "changed" in run.err
    assert files[-1].read_bytes() == edited


def test_template_never_blanks_a_filled_in_inventory(tmp_path, capsys):
    filled = tmp_path / "inventory.xlsx"
    filled.write_bytes((SAMPLE.parent / "sample.xlsx").read_bytes())
    run = flowmap_main(capsys, "template", filled)
    assert run.code == 2 and "--force" in run.err
    assert filled.read_bytes() == (SAMPLE.parent / "sample.xlsx").read_bytes()


@pytest.mark.parametrize("name", ["t.csv", "t", "t.xlsm"])
def test_template_is_only_written_under_an_xlsx_name(name, tmp_path, capsys):
    run = flowmap_main(capsys, "template", tmp_path / name)
    assert run.code == 2 and ".xlsx" in run.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", NAMES)
def test_out_under_a_file_is_one_line_exit_2(name, inventories, tmp_path, capsys):
    blocker = tmp_path / "report.txt"
    blocker.write_text("a file")
    args, _files = commands(inventories, blocker / "out")[name]
    run = flowmap_main(capsys, *args)
    assert run.code == 2 and "is a file, not a folder" in run.err, run.err
    assert len(run.error_lines) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


@pytest.mark.parametrize("name", ["validate", "export-graphml", "template", "map"])
def test_a_file_output_given_a_folder_is_one_line_exit_2(name, inventories, tmp_path, capsys):
    args, files = commands(inventories, tmp_path)[name]
    files[0].mkdir()
    run = flowmap_main(capsys, *args)
    assert run.code == 2 and "is a folder" in run.err
    assert len(run.error_lines) == 1


def _fail_on_flush(monkeypatch, error: BaseException) -> None:
    """Make the writing path fail when it flushes a file to disk, as a full disk does."""
    import flowmap.render.written as written

    def fsync(fd):
        raise error

    monkeypatch.setattr(written.os, "fsync", fsync)


@pytest.mark.parametrize("name", NAMES)
def test_a_full_disk_leaves_nothing_under_a_final_name(
    name, inventories, tmp_path, capsys, monkeypatch
):
    out = tmp_path / "out"
    args, files = commands(inventories, out)[name]
    _fail_on_flush(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    run = flowmap_main(capsys, *args)
    assert run.code == 2
    assert "the disk is full" in run.err and str(out) in run.err
    assert len(run.error_lines) == 1
    assert not any(f.exists() for f in files)
    assert leftovers(tmp_path) == []


def test_a_full_disk_keeps_the_previous_outputs_whole(inventories, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    args, files = commands(inventories, out)["analyse"]
    assert flowmap_main(capsys, *args).code == 0
    previous = {f: f.read_bytes() for f in files}
    _fail_on_flush(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    assert flowmap_main(capsys, *args).code == 2
    assert {f: f.read_bytes() for f in files} == previous
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["analyse", "plan", "export-gexf", "synth", "map"])
def test_ctrl_c_while_writing_leaves_nothing_under_a_final_name(
    name, inventories, tmp_path, capsys, monkeypatch
):
    out = tmp_path / "out"
    args, files = commands(inventories, out)[name]
    _fail_on_flush(monkeypatch, KeyboardInterrupt())
    run = flowmap_main(capsys, *args)
    assert run.code == 130 and "interrupted" in run.err
    assert not any(f.exists() for f in files)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["analyse", "template", "export-json"])
def test_no_permission_is_one_line_naming_the_folder(
    name, inventories, tmp_path, capsys, monkeypatch
):
    import flowmap.render.written as written

    real_open = os.open

    def refuse(path, flags, *mode):
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *mode)

    out = tmp_path / "out"
    out.mkdir()
    args, _files = commands(inventories, out)[name]
    monkeypatch.setattr(written.os, "open", refuse)
    run = flowmap_main(capsys, *args)
    assert run.code == 2 and "permission denied" in run.err and str(out) in run.err
    assert list(out.iterdir()) == []


@contextlib.contextmanager
def _mounted(folder: Path, options: str):
    """A small tmpfs at ``folder`` (skips the test where mounting is not allowed)."""
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("needs permission to mount a tmpfs (root in a container or VM)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


@pytest.mark.parametrize("name", ["analyse", "export-graphml", "map"])
def test_a_really_full_disk(name, tmp_path, capsys):
    with _mounted(tmp_path / "small", "size=24k") as small:
        args, files = commands((SAMPLE, SAMPLE), small / "out")[name]  # bigger than 24 KB
        run = flowmap_main(capsys, *args)
        assert run.code == 2 and "the disk is full" in run.err, run.err
        assert not any(f.exists() for f in files)
        assert leftovers(small) == []


def test_a_really_read_only_folder(inventories, tmp_path, capsys):
    with _mounted(tmp_path / "ro", "ro,size=64k") as ro:
        args, _files = commands(inventories, ro / "out")["analyse"]
        run = flowmap_main(capsys, *args)
        assert run.code == 2 and "read-only" in run.err, run.err
        assert len(run.error_lines) == 1


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.2, 0.4])
def test_ctrl_c_while_the_command_is_starting_is_exit_130(delay, tmp_path):
    """Ctrl-C from flowmap's first line on (while click, pandas and the command's modules
    are still being imported) ends with exit 130 and one line. Python prints its own
    KeyboardInterrupt only for a Ctrl-C during the few hundredths of a second before
    flowmap's code runs at all."""
    import signal
    import sys
    import time

    env = {**os.environ, "FLOWMAP_PROGRESS": "0"}
    child = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "flowmap", "analyse", SAMPLE, "--out", tmp_path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines = []
    for line in child.stderr:  # -X importtime reports each import as it finishes
        lines.append(line)
        if line.rstrip().endswith("| flowmap.cli"):
            break
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _out, rest = child.communicate(timeout=120)
    err = "".join(ln for ln in lines + rest.splitlines(True) if not ln.startswith("import time:"))
    # 0: it finished first. -SIGINT: Python ends a run whose interrupt it saw on its way out
    # by the signal itself, which a shell reports as 130 just the same.
    assert child.returncode in (130, 0, -signal.SIGINT), err
    assert "Traceback" not in err
    if child.returncode != 0:
        assert err.strip() == "flowmap: interrupted"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to any folder")
def test_a_folder_without_write_permission(inventories, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        args, _files = commands(inventories, locked / "out")["analyse"]
        run = flowmap_main(capsys, *args)
        assert run.code == 2 and "permission denied" in run.err
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)
