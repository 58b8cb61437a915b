"""End-of-life reference data: the bundled table, OS-name matching, endoflife.date files."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from flowmap.errors import ReferenceDataError
from flowmap.reference import ENDED_DATE_UNKNOWN, EolTable, OsMatch, load_endoflife
from flowmap.reference.endoflife import read_endoflife
from flowmap.reference.eol_files import COLUMNS

BUNDLED_CSV = Path(__file__).resolve().parents[1] / "flowmap" / "data" / "eol.csv"


@pytest.fixture(scope="module")
def table() -> EolTable:
    return EolTable.bundled()


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- the bundled files -----------------------------------------------------------------

BUNDLED_FILES = [BUNDLED_CSV, BUNDLED_CSV.with_name("eol_endoflife.csv")]


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.name)
def test_every_bundled_row_has_its_source_dates_in_order_and_says_if_unchecked(path: Path) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows, f"{path.name} is empty"
    assert list(rows[0]) == list(COLUMNS)
    for row in rows:
        where = f"{row['product']} {row['cycle']}"
        assert row["source"].strip().startswith("https://"), f"{where} has no source"
        assert row["label"].strip(), f"{where} has no label"
        if row["support_end"] in ("", "ended"):  # not announced, or ended on an unknown date
            assert row["notes"] or row["support_end"] == "", where
            continue
        support_end = d(row["support_end"])
        if row["extended_end"]:
            assert d(row["extended_end"]) >= support_end, f"{where}: extended before support end"
            assert "paid" in row["extension"], f"{where}: extension not named"
        if not row["checked"]:
            assert "not checked" in row["notes"], f"{where}: unchecked without saying so"


def test_bundled_product_and_cycle_pairs_are_unique(table: EolTable) -> None:
    assert not table.frame.duplicated(["product", "cycle"]).any()


def test_endoflife_release_names_map_onto_distinct_flowmap_releases() -> None:
    folder = Path(__file__).parent / "data" / "eol" / "endoflife_api_v1"
    for path in sorted(folder.glob("*.json")):
        frame = read_endoflife(path).frame
        assert not frame.duplicated(["product", "cycle"]).any(), path.name


@pytest.mark.parametrize(
    "product, cycles",
    [
        ("windows", ["nt-4.0", "95", "98", "me", "xp", "vista", "7", "8.1", "10-1809-e",
                     "10-22h2", "10-ltsc-2019", "10-ltsc-2021", "11-23h2-e", "11-24h2-w",
                     "11-25h2-e", "11-26h1-e", "11-ltsc-2024"]),
        ("windows-server", ["nt-4.0", "2003", "2008", "2008-r2", "2012", "2012-r2", "2016",
                            "2019", "2022", "2025", "1809", "23h2"]),
        ("windows-embedded", ["ce", "mobile", "compact-7", "compact-2013", "standard-7",
                              "posready-7", "8.1-industry"]),
        ("mssqlserver", ["2005", "2008", "2008-r2", "2012", "2014", "2016", "2016-sp2", "2017",
                         "2019", "2022", "2025"]),
        ("ubuntu", ["14.04", "16.04", "18.04", "20.04", "22.04", "24.04", "26.04"]),
        ("rhel", ["6", "7", "8", "9", "10"]),
        ("centos", ["6", "7", "8"]),
        ("centos-stream", ["8", "9", "10"]),
        ("debian", ["8", "9", "10", "11", "12", "13"]),
        ("macos", ["12", "13", "14", "15"]), ("ios", ["16", "17", "18"]),
        ("ipados", ["17", "18"]), ("android", ["12", "13", "14", "15"]),
        ("esxi", ["6.7", "7.0", "8.0"]), ("vcenter", ["7.0", "8.0"]),
        ("netscaler-adc", ["13.0", "13.1", "14.1"]), ("citrix-vad", ["1912", "2203", "2402"]),
        ("fortios", ["6.4", "7.0", "7.2", "7.4"]), ("panos", ["10.1", "10.2", "11.1"]),
        ("cisco-ios-xe", ["16.12", "17.9", "17.12"]), ("oracle-linux", ["7", "8", "9"]),
        ("sles", ["12.5", "15.5", "15.6"]), ("rocky-linux", ["8", "9"]), ("almalinux", ["8", "9"]),
        ("msexchange", ["2013", "2016", "2019", "subscription"]),
        ("sharepoint", ["2016", "2019", "subscription"]), ("office", ["2016", "2019", "2021"]),
        ("oracle-jdk", ["8", "11", "17", "21"]), ("dotnet", ["6", "8"]),
        ("dotnetfx", ["4.6.2", "4.8"]), ("php", ["7.4", "8.1", "8.2"]),
        ("postgresql", ["12", "13", "14"]), ("mysql", ["5.7", "8.0", "8.4"]),
        ("mariadb", ["10.6", "10.11"]), ("oracle-database", ["19", "21"]),
        ("tomcat", ["8.5", "9.0", "10.1"]), ("veeam-backup-and-replication", ["11", "12"]),
        ("redhat-jboss-eap", ["7", "8"]), ("redhat-satellite", ["6.8", "6.15"]),
        ("redhat-linux", ["9"]),
    ],
)  # fmt: skip
def test_bundled_table_covers_the_estate_of_issue_12(
    table: EolTable, product: str, cycles: list[str]
) -> None:
    have = set(table.frame.loc[table.frame["product"] == product, "cycle"])
    assert not set(cycles) - have


@pytest.mark.parametrize(
    "text, support_end, extended_end",
    [
        ("Windows 7", "2020-01-14", "2023-01-10"),
        ("Windows Server 2008", "2020-01-14", "2023-01-10"),
        ("Windows Server 2008 R2", "2020-01-14", "2023-01-10"),
        ("Windows Server 2012", "2023-10-10", "2026-10-13"),
        ("Windows Server 2012 R2", "2023-10-10", "2026-10-13"),
        ("Windows Server 2016", "2027-01-12", "2030-01-12"),
        ("Windows 10 22H2", "2025-10-14", "2028-10-10"),
        ("Windows 8.1", "2023-01-10", None),
        ("Windows XP", "2014-04-08", None),
        ("Ubuntu 18.04", "2023-05-31", "2028-04-01"),
        ("RHEL 7", "2024-06-30", "2029-05-31"),
        ("RHEL 9", "2032-05-31", "2036-05-31"),
        ("CentOS 7", "2024-06-30", None),
        ("SQL Server 2012", "2022-07-12", "2025-07-08"),
        ("SQL Server 2016", "2026-07-14", "2029-07-17"),
        ("Debian 12", "2028-06-30", None),
        ("Exchange Server 2019", "2025-10-14", "2026-11-01"),
    ],
)
def test_known_end_of_life_dates_are_bundled(
    table: EolTable, text: str, support_end: str, extended_end: str | None
) -> None:
    m = table.match(text)
    assert m.recognised
    assert m.support_end == d(support_end)
    assert m.extended_end == (d(extended_end) if extended_end else None)
    assert m.source


def test_debian_lts_is_free_so_it_counts_as_support_not_a_paid_extension(table: EolTable) -> None:
    m = table.match("Debian 12")
    assert m.support_end == d("2028-06-30") and m.extended_end is None and m.extension is None
    assert "regular security support to 2026-07-11, then Debian LTS (free" in m.reason


def test_paid_extensions_are_named(table: EolTable) -> None:
    assert table.match("RHEL 8").extension == "Extended Life Cycle Support (paid)"
    assert table.match("Ubuntu 20.04").extension == "Expanded Security Maintenance (paid)"
    assert table.match("Windows Server 2012 R2").extension == "Extended Security Updates (paid)"


def test_bundled_dates_are_datetime64_columns(table: EolTable) -> None:
    for column in ("support_end", "extended_end", "checked"):
        assert pd.api.types.is_datetime64_any_dtype(table.frame[column])
    assert table.frame["support_end"].notna().mean() > 0.95


# --- matching --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, product, cycle",
    [
        ("Windows 7 SP1", "windows", "7"),
        ("Win7", "windows", "7"),
        ("Windows 7 Professional", "windows", "7"),
        ("Win 2012 R2", "windows-server", "2012-r2"),
        ("Windows Server 2012 R2 Standard", "windows-server", "2012-r2"),
        ("Server 2008R2", "windows-server", "2008-r2"),
        ("W2K8 R2", "windows-server", "2008-r2"),
        ("Windows 10 22H2", "windows", "10-22h2"),
        ("Windows 10 Enterprise LTSC 2019", "windows", "10-ltsc-2019"),
        ("Windows 11 23H2", "windows", "11-23h2-e"),
        ("Windows XP", "windows", "xp"),
        ("Ubuntu 18.04.6 LTS", "ubuntu", "18.04"),
        ("Ubuntu 22.04", "ubuntu", "22.04"),
        ("RHEL 7.9", "rhel", "7"),
        ("Red Hat Enterprise Linux 8.6", "rhel", "8"),
        ("CentOS 7", "centos", "7"),
        ("CentOS Linux 7.9.2009", "centos", "7"),
        ("Debian 11", "debian", "11"),
        ("Debian GNU/Linux 10 (buster)", "debian", "10"),
        ("SQL Server 2012", "mssqlserver", "2012"),
        ("Microsoft SQL Server 2016 SP2", "mssqlserver", "2016-sp2"),
        ("CentOS Stream 9", "centos-stream", "9"),
        ("Windows Embedded Standard 7", "windows-embedded", "standard-7"),
        ("Windows 10 IoT Enterprise LTSC 2021", "windows", "10-iot-ltsc-2021"),
        ("Microsoft Windows 10.0.19045", "windows", "10-22h2"),
        ("Red Hat Enterprise Linux Server release 7.9 (Maipo)", "rhel", "7"),
    ],
)
def test_inventory_os_texts_match_their_release(
    table: EolTable, text: str, product: str, cycle: str
) -> None:
    m = table.match(text)
    assert (m.product, m.cycle, m.recognised) == (product, cycle, True)


def test_win_2012_r2_matches_server_2012_r2(table: EolTable) -> None:
    m = table.match("Win 2012 R2")
    assert m.label == "Windows Server 2012 R2"
    assert (m.support_end, m.extended_end) == (d("2023-10-10"), d("2026-10-13"))
    assert m.reason == "read 'win 2012 r2' as Windows Server 2012 R2"


@pytest.mark.parametrize(
    "text",
    [
        "Windows Server 2012",
        "Windows Server 2012 R2",
        "Win 2016",
        "Windows Server 2019 with SQL Server 2017",
    ],
)
def test_windows_server_is_never_matched_as_windows_client(table: EolTable, text: str) -> None:
    assert table.match(text).product == "windows-server"


def test_windows_10_is_never_read_as_windows_1(table: EolTable) -> None:
    m = table.match("Windows 10")
    assert m.product == "windows" and m.cycle.startswith("10-")
    assert not table.match("Windows 1").recognised


def test_windows_10_without_a_release_is_judged_by_every_release(table: EolTable) -> None:
    m = table.match("Windows 10")
    assert m.recognised and m.cycle == "10-22h2"  # the release supported longest
    assert m.support_end_earliest == d("2017-05-09")  # 1507, the shortest
    assert "Windows 10 without a release" in m.reason


def test_windows_11_without_a_release_cannot_be_judged_while_its_releases_disagree(
    table: EolTable,
) -> None:
    m = table.match("Windows 11")
    releases = table.frame["cycle"].str.fullmatch(r"11-\d\dh\d-[ew]")
    assert m.support_end == table.frame.loc[releases, "support_end"].max().date()
    assert m.support_end_earliest == table.frame.loc[releases, "support_end"].min().date()
    assert "record which it is" in m.reason


def test_windows_edition_picks_home_pro_or_enterprise_dates(table: EolTable) -> None:
    pro = table.match("Windows 10 Pro 21H2")
    enterprise = table.match("Windows 10 Enterprise 21H2")
    unstated = table.match("Windows 10 21H2")
    assert pro.support_end == d("2023-06-13") and "Home/Pro edition" in pro.reason
    assert enterprise.support_end == d("2024-06-11")
    assert (unstated.support_end_earliest, unstated.support_end) == (
        pro.support_end,
        enterprise.support_end,
    )
    assert "without its edition" in unstated.reason


@pytest.mark.parametrize("text", ["Proprietary RTOS", "Fedora 39", "Linux (vendor firmware 4.2)"])
def test_unknown_os_is_not_recognised_with_reason(table: EolTable, text: str) -> None:
    m = table.match(text)
    assert m == OsMatch(None, None, None, None, None, None, False, f"no product matches {text!r}")


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_os_is_not_recognised(table: EolTable, text: str | None) -> None:
    m = table.match(text)
    assert not m.recognised and m.reason == "empty"


def test_windows_alone_is_not_recognised(table: EolTable) -> None:
    m = table.match("Windows")
    assert not m.recognised and m.product == "windows"
    assert "without a version" in m.reason


def test_known_product_with_unknown_release_says_it_is_not_in_the_table(table: EolTable) -> None:
    m = table.match("Debian 14")
    assert not m.recognised and (m.product, m.cycle) == ("debian", "14")
    assert m.reason == "Debian 14 is not in the end-of-life table"
    assert m.support_end is None


def test_matching_ignores_case_and_spacing(table: EolTable) -> None:
    expected = table.match("Windows Server 2012 R2")
    for text in ("WINDOWS SERVER 2012 R2", "windows  server 2012r2", "  Windows Server 2012 R2 "):
        assert table.match(text).cycle == expected.cycle


# --- match_many ------------------------------------------------------------------------


def test_match_many_keeps_the_index_and_returns_typed_columns(table: EolTable) -> None:
    values = pd.Series(["Win7", "Proprietary RTOS", None, "Ubuntu 22.04"], index=[10, 11, 12, 13])
    out = table.match_many(values)
    assert list(out.index) == [10, 11, 12, 13]
    assert list(out.columns) == [
        "os_product",
        "os_cycle",
        "os_label",
        "support_end",
        "support_end_earliest",
        "extended_end",
        "extension",
        "eol_source",
        "eol_checked",
        "os_recognised",
        "os_match_reason",
    ]
    for column in ("support_end", "support_end_earliest", "extended_end", "eol_checked"):
        assert pd.api.types.is_datetime64_any_dtype(out[column])
    assert out["os_recognised"].dtype == bool
    assert out["os_recognised"].tolist() == [True, False, False, True]
    assert out.loc[10, "support_end"] == pd.Timestamp("2020-01-14")
    assert pd.isna(out.loc[11, "support_end"])
    assert out.loc[12, "os_match_reason"] == "empty"


def test_match_many_matches_each_distinct_value_once(
    table: EolTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    original = EolTable.match

    def counting(self: EolTable, os_text: str) -> OsMatch:
        seen.append(os_text)
        return original(self, os_text)

    monkeypatch.setattr(EolTable, "match", counting)
    values = pd.Series(["Win7", "RHEL 7.9", "Win7"] * 10_000 + [None, None])
    out = table.match_many(values)
    assert sorted(seen) == sorted(["Win7", "RHEL 7.9", ""])
    assert len(out) == len(values)
    assert (out["os_cycle"].iloc[:3].tolist()) == ["7", "7", "7"]


def test_match_many_of_an_empty_column_is_an_empty_frame(table: EolTable) -> None:
    out = table.match_many(pd.Series([], dtype=object))
    assert out.empty and "os_recognised" in out.columns


# --- extend, from_csv ------------------------------------------------------------------


def test_extend_prefers_rows_of_the_other_table(table: EolTable) -> None:
    newer = table.frame[table.frame["cycle"] == "18.04"].assign(
        extended_end=pd.Timestamp("2030-04-30"), source="local policy"
    )
    merged = table.extend(EolTable(newer))
    assert len(merged.frame) == len(table.frame)
    m = merged.match("Ubuntu 18.04")
    assert (m.extended_end, m.source) == (d("2030-04-30"), "local policy")
    assert table.match("Ubuntu 18.04").extended_end == d("2028-04-01")  # original unchanged


def test_own_csv_table_with_a_bad_date_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "product,cycle,label,support_end,extended_end,source\n"
        "fedora,38,Fedora 38,2024-05-21,,x\n"
        "fedora,39,Fedora 39,21/05/2024,,x\n"
    )
    with pytest.raises(ReferenceDataError, match=r"mine\.csv line 3: support_end '21/05/2024'"):
        EolTable.from_csv(path)


def test_own_csv_table_with_extended_before_support_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "product,cycle,label,support_end,extended_end,source\n"
        "fedora,38,Fedora 38,2024-05-21,2020-01-01,x\n"
    )
    with pytest.raises(ReferenceDataError, match="line 2: extended_end"):
        EolTable.from_csv(path)


def test_own_csv_table_in_the_six_column_layout_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "product,cycle,label,support_end,extended_end,source\n"
        "acme-pacs,4,Acme PACS 4,ended,,https://acme.example/lifecycle\n"
        "acme-pacs,5,Acme PACS 5,2027-03-31,,https://acme.example/lifecycle\n"
    )
    table = EolTable.bundled().extend(EolTable.from_csv(path))
    assert table.match("Acme PACS 4.2").support_end == ENDED_DATE_UNKNOWN
    m = table.match("acme pacs 5")
    assert m.support_end == d("2027-03-31") and m.checked is None
    assert "not checked" in m.reason


def test_a_table_written_by_flowmap_reads_back_the_same(tmp_path: Path, table: EolTable) -> None:
    from flowmap.render.reference_table import write_eol_table

    path = write_eol_table(table, tmp_path / "copy.csv")
    again = EolTable.from_csv(path)
    cols = list(COLUMNS)
    a = table.frame[cols].sort_values(["product", "cycle"]).reset_index(drop=True)
    b = again.frame[cols].sort_values(["product", "cycle"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


# --- endoflife.date files --------------------------------------------------------------


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


CLASSIC_POSTGRES = [
    {
        "cycle": "13",
        "releaseDate": "2020-09-24",
        "eol": "2025-11-13",
        "support": "2025-11-13",
        "extendedSupport": False,
        "lts": False,
        "latest": "13.16",
    },
    {
        "cycle": "12",
        "releaseDate": "2019-10-03",
        "eol": "2024-11-14",
        "extendedSupport": False,
        "lts": False,
        "latest": "12.20",
    },
    {"cycle": "9.6", "releaseDate": "2016-09-29", "eol": "2021-11-11", "latest": "9.6.24"},
    {"cycle": "9", "releaseDate": "2010-09-20", "eol": True, "latest": "9.0.23"},
]


@pytest.mark.parametrize(
    "text, cycle",
    [
        ("PostgreSQL 12", "12"),
        ("postgresql 12.4", "12"),
        ("PostgreSQL 9.6.24", "9.6"),
        ("postgresql 9.0.1", "9"),
    ],
)
def test_classic_endoflife_product_matches_by_name_and_version_prefix(
    tmp_path: Path, text: str, cycle: str
) -> None:
    extra = load_endoflife(write_json(tmp_path / "postgresql.json", CLASSIC_POSTGRES))
    m = extra.match(text)
    assert (m.product, m.cycle, m.recognised) == ("postgresql", cycle, True)


def test_classic_endoflife_dates_and_booleans(tmp_path: Path) -> None:
    extra = load_endoflife(write_json(tmp_path / "postgresql.json", CLASSIC_POSTGRES))
    assert extra.match("PostgreSQL 12").support_end == d("2024-11-14")
    assert extra.match("PostgreSQL 12").extended_end is None
    assert extra.match("PostgreSQL 9.0").support_end == ENDED_DATE_UNKNOWN
    assert "endoflife.date" in extra.match("PostgreSQL 12").source


def test_endoflife_eol_false_means_no_end_date(tmp_path: Path) -> None:
    extra = load_endoflife(
        write_json(
            tmp_path / "nodejs.json", [{"cycle": "24", "eol": False, "extendedSupport": True}]
        )
    )
    m = extra.match("nodejs 24.1.0")
    assert m.recognised and m.support_end is None and m.extended_end is None


def test_endoflife_version_that_is_no_cycle_is_not_recognised(tmp_path: Path) -> None:
    extra = load_endoflife(write_json(tmp_path / "postgresql.json", CLASSIC_POSTGRES))
    m = extra.match("PostgreSQL 8.4")
    assert not m.recognised and m.product == "postgresql"
    assert "not in the end-of-life table" in m.reason


def test_v1_endoflife_file_loads_and_matches_by_label(tmp_path: Path) -> None:
    data = {
        "schema_version": "1.0.0",
        "result": {
            "name": "esxi",
            "label": "VMware ESXi",
            "releases": [
                {
                    "name": "8.0",
                    "label": "8.0",
                    "isEol": False,
                    "eolFrom": "2027-10-11",
                    "isEoes": False,
                    "eoesFrom": "2029-10-11",
                },
                {"name": "7.0", "label": "7.0", "isEol": True, "eolFrom": "2025-10-02"},
                {"name": "5.5", "label": "5.5", "isEol": True, "eolFrom": None},
            ],
        },
    }
    extra = load_endoflife(write_json(tmp_path / "whatever.json", data))
    table = EolTable.bundled().extend(extra)
    m = table.match("VMware ESXi 7.0 U3")
    assert (m.product, m.cycle, m.support_end) == ("esxi", "7.0", d("2025-10-02"))
    assert table.match("ESXi 8.0.2").extended_end == d("2029-10-11")
    assert table.match("esxi 5.5").support_end == ENDED_DATE_UNKNOWN


def one_line_error(excinfo: pytest.ExceptionInfo[ReferenceDataError], name: str) -> str:
    message = str(excinfo.value)
    assert "\n" not in message
    assert name in message
    return message


def test_missing_endoflife_file_is_a_reference_error(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError) as excinfo:
        load_endoflife(tmp_path / "nope.json")
    assert "no such" in one_line_error(excinfo, "nope.json")


def test_endoflife_file_with_bad_json_is_a_reference_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"cycle": "1", ')
    with pytest.raises(ReferenceDataError) as excinfo:
        load_endoflife(path)
    assert "not valid JSON" in one_line_error(excinfo, "broken.json")


@pytest.mark.parametrize(
    "data",
    [
        {"cycles": []},
        {"result": {"name": "x"}},
        ["a", "b"],
        42,
        [{"cycle": "1", "eol": "soon"}],
        [],
    ],
)
def test_endoflife_json_of_another_shape_is_a_reference_error(tmp_path: Path, data: object) -> None:
    path = write_json(tmp_path / "odd.json", data)
    with pytest.raises(ReferenceDataError) as excinfo:
        load_endoflife(path)
    one_line_error(excinfo, "odd.json")
