"""Reference data in use: endoflife.date files for Microsoft products, --eol many times and
folders, the local table (``flowmap reference update``), ``flowmap reference show``, the
staleness warning, and every source named in every output (issue 12, items 1 and 5).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

import flowmap
from flowmap.cli import main
from flowmap.errors import ReferenceDataError
from flowmap.reference import EolTable, load_endoflife, load_reference
from flowmap.reference.local import endoflife_table, local_table_path
from tests.conftest import SAMPLE

V1 = Path(__file__).parent / "data" / "eol" / "endoflife_api_v1"
AS_OF = dt.date(2026, 11, 1)


def edited(tmp_path: Path, product: str, release: str, **fields: object) -> Path:
    """A copy of endoflife.date's file for ``product`` with one release's fields changed."""
    data = json.loads((V1 / f"{product}.json").read_text(encoding="utf-8"))
    for item in data["result"]["releases"]:
        if item["name"] == release:
            item.update(fields)
    path = tmp_path / f"{product}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- endoflife.date files for Microsoft products take effect ----------------------------------


@pytest.mark.parametrize(
    "product, release, text",
    [
        ("mssqlserver", "13.0-sp3", "SQL Server 2016"),
        ("windows-server", "2008-r2-sp1", "Windows Server 2008 R2"),
        ("windows", "11-24h2-e-lts", "Windows 11 Enterprise LTSC 2024"),
        ("windows", "7-sp1", "Windows 7 SP1"),
    ],
)
def test_an_endoflife_file_for_a_microsoft_product_replaces_the_bundled_release(
    tmp_path: Path, product: str, release: str, text: str
) -> None:
    path = edited(tmp_path, product, release, eolFrom="2031-01-01", eoesFrom="2033-01-01")
    before = EolTable.bundled().match(text)
    after = EolTable.bundled().extend(load_endoflife(path)).match(text)
    assert (after.product, after.cycle) == (before.product, before.cycle)
    assert (after.support_end, after.extended_end) == (dt.date(2031, 1, 1), dt.date(2033, 1, 1))


def test_sql_server_2016_enrolled_in_esu_is_covered_until_2029(tmp_path: Path) -> None:
    inv = flowmap.load_inventory(SAMPLE)
    systems = inv.systems
    row = systems.index[systems["os"] == "Windows Server 2016"][0]
    systems.loc[row, ["os", "esu"]] = ["Microsoft SQL Server 2016 SP3", True]
    a = flowmap.analyse(inv, as_of=AS_OF)
    s = a.systems.loc[row]
    assert s["eol_status"] == "eol_extended" and s["extended_end"].year == 2029


# --- --eol many times, folders and flowmap-layout CSV ------------------------------------------


def test_every_eol_file_given_is_used_and_named(tmp_path: Path) -> None:
    one = edited(tmp_path, "debian", "13", eolFrom="2031-02-02")
    other = tmp_path / "more"
    other.mkdir()
    edited(other, "rhel", "9", eolFrom="2033-03-03")
    (other / "acme.csv").write_text(
        "product,cycle,label,support_end,extended_end,source\n"
        "acme-pacs,5,Acme PACS 5,2027-03-31,,https://acme.example/lifecycle\n"
    )
    ref = load_reference(eol=[one, other])
    assert ref.eol.match("Debian 13").support_end == dt.date(2031, 2, 2)
    assert ref.eol.match("RHEL 9").support_end == dt.date(2033, 3, 3)
    assert ref.eol.match("Acme PACS 5").support_end == dt.date(2027, 3, 31)
    assert list(ref.sources) == ["eol bundled", "eol", "eol 2", "eol 3"]
    assert [ref.sources[k].split(" ")[0] for k in ("eol", "eol 2", "eol 3")] == [
        "debian.json",
        "acme.csv",
        "rhel.json",
    ]


def test_an_eol_folder_without_files_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match=r"holds no \.json or \.csv files"):
        load_reference(eol=[tmp_path])


def test_the_cli_reads_every_eol_option_and_lists_each_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = edited(tmp_path, "debian", "13", eolFrom="2031-02-02")
    b = tmp_path / "b"
    b.mkdir()
    edited(b, "rhel", "9")
    main(
        ["analyse", str(SAMPLE), "--out", str(tmp_path / "out"), "--as-of", "2026-11-01",
         "--eol", str(a), "--eol", str(b), "--quiet", "--formats", "json"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "Using eol bundled: flowmap's bundled table" in out
    assert "Using eol: debian.json" in out and "Using eol 2: rhel.json" in out
    summary = json.loads((tmp_path / "out" / "findings.json").read_text())["summary"]
    assert set(summary["sources"]) == {"eol bundled", "eol", "eol 2"}
    assert summary["warnings"] == []


# --- the local table ------------------------------------------------------------------------------


def test_reference_update_writes_the_local_table_that_analyses_then_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = edited(tmp_path, "ubuntu", "22.04", eolFrom="2027-06-30")
    main(["reference", "update", "--from", str(source), "--from", str(V1 / "debian.json")])
    out = capsys.readouterr().out
    assert "Read 2 file(s): 2 products" in out and str(local_table_path()) in out
    try:
        ref = load_reference()
        assert ref.eol.match("Ubuntu 22.04").support_end == dt.date(2027, 6, 30)
        assert "eol local" in ref.sources and str(local_table_path()) in ref.sources["eol local"]
        assert ref.eol.match("Windows 7").extended_end == dt.date(2023, 1, 10)  # flowmap's own
        assert "eol local" not in load_reference(local=False).sources
    finally:
        local_table_path().unlink()


def test_reference_update_leaves_out_products_read_as_another(tmp_path: Path) -> None:
    made = endoflife_table([V1 / "windows-server-core.json", V1 / "windows-server.json"])
    assert list(made.skipped) == ["windows-server-core.json"]
    assert set(made.table.frame["product"]) == {"windows-server"}


def test_reference_update_of_something_else_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "inventory.json"
    bad.write_text('{"systems": []}')
    with pytest.raises(SystemExit) as exit_info:
        main(["reference", "update", "--from", str(bad)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "inventory.json is not an endoflife.date product file" in err
    assert not local_table_path().exists()


def test_reference_show_lists_products_sources_ages_and_matches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["reference", "show", "--as-of", "2026-11-30"])
    out = capsys.readouterr().out
    assert "eol bundled: flowmap's bundled table" in out
    assert "windows-server" in out and "2026-08-22" in out
    assert "No end-of-life data is more than six months old." in out
    main(["reference", "show", "debian"])
    out = capsys.readouterr().out
    assert out.splitlines()[1].startswith("13 ") and "Debian 12 (Bookworm)" in out
    main(["reference", "show", "--match", "Cisco IOS 15.2(7)E"])
    assert "not judged (Cisco IOS 15.2" in capsys.readouterr().out


# --- a stale table warns -----------------------------------------------------------------------


def test_a_bundled_table_older_than_six_months_warns_in_analyse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=dt.date(2027, 2, 21))
    stale = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=dt.date(2027, 2, 23))
    assert fresh.warnings == []
    assert len(stale.warnings) == 1 and "bundled table" in stale.warnings[0]
    assert "flowmap reference update" in stale.warnings[0]
    main(["analyse", str(SAMPLE), "--out", str(tmp_path), "--as-of", "2027-06-01", "--quiet",
          "--formats", "json"])  # fmt: skip
    assert "Warning: End-of-life dates of" in capsys.readouterr().out
    summary = json.loads((tmp_path / "findings.json").read_text())["summary"]
    assert summary["warnings"] and "bundled table" in summary["warnings"][0]


def test_a_fresh_local_table_silences_the_warning_for_what_it_covers(tmp_path: Path) -> None:
    folder = tmp_path / "newer"
    shutil.copytree(V1, folder)
    for path in folder.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["generated_at"] = "2027-05-01T00:00:00+00:00"
        path.write_text(json.dumps(data), encoding="utf-8")
    main(["reference", "update", "--from", str(folder)])
    try:
        ref = load_reference()
        warnings = ref.warnings(dt.date(2027, 6, 1))
        # only flowmap's own rows whose dates could still move (NetScaler, Server 2016's ESU)
        assert len(warnings) == 1 and "of 2 products come from the bundled table" in warnings[0]
    finally:
        local_table_path().unlink()


# --- sources in every output --------------------------------------------------------------------


def test_plan_and_diff_outputs_name_their_sources(tmp_path: Path) -> None:
    from flowmap.engine.diff import diff
    from flowmap.planning import plan
    from flowmap.render.diff import write_diff
    from flowmap.render.plan import write_plan

    ref = load_reference(eol=[V1 / "debian.json"])
    a = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF, reference=ref)
    p = plan(a, budget=20000)
    write_plan(p, tmp_path / "plan")
    doc = json.loads((tmp_path / "plan" / "plan.json").read_text())
    assert set(doc["summary"]["sources"]) == {"eol bundled", "eol"}
    write_diff(diff(a, a), tmp_path / "diff")
    doc = json.loads((tmp_path / "diff" / "diff.json").read_text())
    assert doc["summary"]["new"]["sources"]["eol"].startswith("debian.json")


# --- community LTS is support (issue 13) -----------------------------------------------------


def test_debian_12_is_supported_by_free_lts_and_no_paid_extension_is_proposed() -> None:
    from flowmap.planning.actions import candidate_actions

    inv = flowmap.load_inventory(SAMPLE)
    debian = inv.systems.index[inv.systems["os"] == "Debian 12"]
    inv.systems.loc[debian, "kind"] = "server"  # judged whatever its kind
    a = flowmap.analyse(inv, as_of=dt.date(2027, 1, 15))  # after the security team's end
    ids = set(a.systems.loc[debian, "system_id"])
    assert set(a.systems.loc[debian, "eol_status"]) == {"supported"}
    assert not a.findings[a.findings["subject_id"].isin(ids)]["rule"].str.startswith("EOL").any()
    assert not [c for c in candidate_actions(a) if c.subject_id in ids and c.kind == "enrol_esu"]
