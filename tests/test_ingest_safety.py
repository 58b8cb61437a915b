"""Hostile and broken scanner files: a one-line error naming the file and line, never a
traceback, never an entity expanded or an external file read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flowmap.errors import ImportFileError
from flowmap.ingest.detect import detect
from tests.conftest import ROOT, SAMPLE

SCANS = ROOT / "tests" / "data" / "scans"
NESSUS = SCANS / "nessus" / "defectdojo_7hosts_win2008r2.nessus"


def read_all(path: Path) -> list:
    return list(detect(path).records())


def test_a_truncated_nessus_file_names_the_file_and_line(tmp_path: Path) -> None:
    data = NESSUS.read_bytes()
    cut = tmp_path / "cut.nessus"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFileError) as info:
        read_all(cut)
    message = str(info.value)
    assert message.startswith("cut.nessus line ")
    assert "truncated" in message and "\n" not in message


def test_malformed_xml_names_the_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text(
        '<?xml version="1.0"?>\n<nmaprun scanner="nmap">\n<host><status state="up">\n</nmaprun>\n'
    )
    with pytest.raises(ImportFileError, match=r"^bad.xml line 4, column \d+: not well-formed"):
        read_all(bad)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<NessusClientData_v2><Report name="x"><ReportHost name="&lol3;"><HostProperties/>
</ReportHost></Report></NessusClientData_v2>
"""


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.nessus"
    bomb.write_text(BILLION_LAUGHS)
    with pytest.raises(ImportFileError, match="declares XML entities"):
        read_all(bomb)


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = tmp_path / "xxe.xml"
    xxe.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE nmaprun [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        '<nmaprun scanner="nmap"><host><status state="up"/>'
        '<hostnames><hostname name="&x;"/></hostnames></host></nmaprun>\n'
    )
    with pytest.raises(ImportFileError) as info:
        read_all(xxe)
    assert "TOP-SECRET" not in str(info.value)


def test_an_unknown_file_says_which_formats_are_read(tmp_path: Path) -> None:
    other = tmp_path / "notes.csv"
    other.write_text("name,comment\nx,y\n")
    with pytest.raises(ImportFileError) as info:
        detect(other)
    message = str(info.value)
    assert message.startswith("notes.csv: not a scanner export flowmap knows")
    for word in ("Nessus", "Greenbone", "Qualys", "nmap", "Defender"):
        assert word in message


def test_an_empty_file_and_a_nessus_v1_file_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.nessus"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match=r"empty\.nessus: the file is empty"):
        detect(empty)
    old = tmp_path / "old.nessus"
    old.write_text("<?xml version='1.0'?><NessusClientData><Report/></NessusClientData>")
    with pytest.raises(ImportFileError, match="version 1"):
        detect(old)


def test_a_truncated_defender_json_names_the_line(tmp_path: Path) -> None:
    data = (SCANS / "mde" / "defectdojo_api_machinesvulnerabilities_win11_trimmed.json").read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(data[:5000])
    with pytest.raises(ImportFileError, match=r"^cut.json line \d+: not valid JSON"):
        read_all(cut)


def test_the_command_line_prints_one_line_and_exits_1(tmp_path: Path) -> None:
    cut = tmp_path / "cut.nessus"
    cut.write_bytes(NESSUS.read_bytes()[:20000])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "flowmap",
            "import",
            "scan",
            str(cut),
            "--inventory",
            str(SAMPLE),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("flowmap: error: cut.nessus line ")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # nothing written when a file cannot be read
