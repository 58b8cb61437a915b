"""Threat feeds: the CISA KEV catalogue (JSON and CSV) and FIRST EPSS scores (CSV, gzipped)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from flowmap.errors import ReferenceDataError
from flowmap.reference import load_epss, load_kev

SHARED_KEV = Path(__file__).resolve().parents[2] / "shared/data/kev"


def one_line_error(excinfo: pytest.ExceptionInfo[ReferenceDataError], name: str) -> str:
    message = str(excinfo.value)
    assert "\n" not in message
    assert name in message
    return message


# --- KEV -------------------------------------------------------------------------------


def vuln(cve: str, ransomware: str = "Unknown", **extra: object) -> dict:
    entry = {
        "cveID": cve,
        "vendorProject": "Microsoft",
        "product": "Windows",
        "vulnerabilityName": f"{cve} name",
        "dateAdded": "2022-02-10",
        "shortDescription": "desc",
        "requiredAction": "Apply updates per vendor instructions.",
        "dueDate": "2022-08-10",
        "knownRansomwareCampaignUse": ransomware,
        "notes": "",
        "cwes": ["CWE-20"],
    }
    entry.update(extra)
    return entry


def write_kev_json(path: Path, vulns: list[dict], **top: object) -> Path:
    doc = {
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2025.08.25",
        "dateReleased": "2025-08-25T17:04:19.9796Z",
        "count": len(vulns),
        "vulnerabilities": vulns,
    }
    doc.update(top)
    path.write_text(json.dumps(doc))
    return path


def write_kev_csv(path: Path, vulns: list[dict]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(vulns[0]))
        writer.writeheader()
        for v in vulns:
            writer.writerow({k: ", ".join(x) if isinstance(x, list) else x for k, x in v.items()})
    return path


def test_kev_json_marks_ransomware_from_known_campaign_use(tmp_path: Path) -> None:
    path = write_kev_json(
        tmp_path / "kev.json", [vuln("CVE-2017-0144", "Known"), vuln("CVE-2021-44228", "Unknown")]
    )
    frame = load_kev(path).frame.set_index("cve_id")
    assert frame["ransomware"].dtype == bool
    assert frame.loc["CVE-2017-0144", "ransomware"]
    assert not frame.loc["CVE-2021-44228", "ransomware"]


def test_kev_json_keeps_version_release_and_source(tmp_path: Path) -> None:
    path = write_kev_json(tmp_path / "kev.json", [vuln("CVE-2017-0144")])
    kev = load_kev(path)
    assert (kev.version, kev.released) == ("2025.08.25", "2025-08-25T17:04:19.9796Z")
    assert kev.source == path.name  # the file name only: outputs never show where it sat
    assert len(kev) == 1


def test_kev_frame_has_the_documented_columns_and_types(tmp_path: Path) -> None:
    kev = load_kev(write_kev_json(tmp_path / "kev.json", [vuln("CVE-2017-0144")]))
    frame = kev.frame
    assert list(frame.columns[:8]) == [
        "cve_id",
        "vendor_project",
        "product",
        "vulnerability_name",
        "date_added",
        "due_date",
        "ransomware",
        "notes",
    ]
    assert pd.api.types.is_datetime64_any_dtype(frame["date_added"])
    assert pd.api.types.is_datetime64_any_dtype(frame["due_date"])
    assert frame.loc[0, "date_added"] == pd.Timestamp("2022-02-10")
    assert frame.loc[0, "cwes"] == "CWE-20"


def test_kev_cve_ids_are_stripped_and_upper_cased(tmp_path: Path) -> None:
    path = write_kev_json(tmp_path / "kev.json", [vuln("  cve-2023-4966 ")])
    assert load_kev(path).frame["cve_id"].tolist() == ["CVE-2023-4966"]


def test_kev_csv_form_loads_like_the_json_form(tmp_path: Path) -> None:
    vulns = [vuln("CVE-2017-0144", "Known"), vuln("cve-2021-44228", "Unknown")]
    from_json = load_kev(write_kev_json(tmp_path / "kev.json", vulns))
    from_csv = load_kev(write_kev_csv(tmp_path / "kev.csv", vulns))
    columns = ["cve_id", "vendor_project", "product", "date_added", "due_date", "ransomware"]
    pd.testing.assert_frame_equal(from_csv.frame[columns], from_json.frame[columns])
    assert from_csv.version is None and from_csv.released is None


def test_kev_csv_without_ransomware_column_says_not_known(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text(
        "cveID,vendorProject,product,vulnerabilityName,dateAdded,dueDate\n"
        "CVE-2014-0160,OpenSSL,OpenSSL,Heartbleed,2022-05-04,2022-05-25\n"
    )
    assert load_kev(path).frame["ransomware"].tolist() == [False]


def test_kev_cve_listed_twice_keeps_its_first_entry(tmp_path: Path) -> None:
    path = write_kev_json(
        tmp_path / "kev.json", [vuln("CVE-2017-0144", "Known"), vuln("cve-2017-0144", "Unknown")]
    )
    frame = load_kev(path).frame
    assert frame["cve_id"].tolist() == ["CVE-2017-0144"] and frame.loc[0, "ransomware"]


def test_malformed_kev_file_is_a_one_line_reference_error(tmp_path: Path) -> None:
    path = tmp_path / "kev.json"
    path.write_text('{"catalogVersion": "2025.08.25", "vulnerabilities": [{"cveID": ')
    with pytest.raises(ReferenceDataError) as excinfo:
        load_kev(path)
    assert "not valid JSON" in one_line_error(excinfo, "kev.json")


def test_kev_json_of_another_shape_is_a_reference_error(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"data": [1, 2, 3]}))
    with pytest.raises(ReferenceDataError) as excinfo:
        load_kev(path)
    assert "not the KEV catalogue" in one_line_error(excinfo, "other.json")


def test_kev_json_whose_count_disagrees_is_refused_as_incomplete(tmp_path: Path) -> None:
    path = write_kev_json(tmp_path / "kev.json", [vuln("CVE-2017-0144")], count=2)
    with pytest.raises(ReferenceDataError) as excinfo:
        load_kev(path)
    assert "count 2" in one_line_error(excinfo, "kev.json")


def test_kev_entry_without_cve_id_names_the_entry(tmp_path: Path) -> None:
    path = write_kev_json(tmp_path / "kev.json", [vuln("CVE-2017-0144"), vuln("")])
    with pytest.raises(ReferenceDataError) as excinfo:
        load_kev(path)
    assert "entry 2 has no cveID" in one_line_error(excinfo, "kev.json")


def test_kev_entry_with_a_bad_date_names_its_cve(tmp_path: Path) -> None:
    path = write_kev_json(tmp_path / "kev.json", [vuln("CVE-2017-0144", dueDate="10/08/2022")])
    with pytest.raises(ReferenceDataError) as excinfo:
        load_kev(path)
    assert "CVE-2017-0144" in one_line_error(excinfo, "kev.json")


def test_kev_csv_with_a_bad_cve_names_the_line(tmp_path: Path) -> None:
    path = write_kev_csv(tmp_path / "kev.csv", [vuln("CVE-2017-0144"), vuln("MS17-010")])
    with pytest.raises(ReferenceDataError) as excinfo:
        load_kev(path)
    assert "line 3" in one_line_error(excinfo, "kev.csv")


def test_kev_csv_missing_columns_is_a_reference_error(tmp_path: Path) -> None:
    path = tmp_path / "kev.csv"
    path.write_text("cve,score\nCVE-2017-0144,1\n")
    with pytest.raises(ReferenceDataError) as excinfo:
        load_kev(path)
    assert "cveID" in one_line_error(excinfo, "kev.csv")


def test_missing_kev_file_is_a_reference_error(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError) as excinfo:
        load_kev(tmp_path / "absent.json")
    assert "no such" in one_line_error(excinfo, "absent.json")


def test_real_cisa_catalogue_loads() -> None:
    path = SHARED_KEV / "known_exploited_vulnerabilities.json"
    if not path.is_file():
        pytest.skip(f"no real KEV catalogue at {path}")
    declared = json.loads(path.read_text())["count"]
    kev = load_kev(path)
    assert len(kev.frame) == declared
    assert kev.frame["cve_id"].is_unique
    row = kev.frame.set_index("cve_id").loc["CVE-2017-0144"]
    assert row["ransomware"]
    assert row["vendor_project"] == "Microsoft"
    assert kev.frame["date_added"].notna().all()


# --- EPSS ------------------------------------------------------------------------------

COMMENT = "#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z\n"
BODY = "cve,epss,percentile\nCVE-2017-0144,0.94358,0.99950\ncve-2021-44228,0.94400,0.99990\n"


def test_epss_gz_with_comment_line_loads(tmp_path: Path) -> None:
    path = tmp_path / "epss_scores-2025-08-25.csv.gz"
    path.write_bytes(gzip.compress((COMMENT + BODY).encode()))
    scores = load_epss(path)
    assert (scores.model_version, scores.score_date) == ("v2025.03.14", "2025-08-25T12:55:00Z")
    assert scores.source == path.name
    assert list(scores.frame.columns) == ["cve_id", "epss", "percentile"]
    assert scores.frame["cve_id"].tolist() == ["CVE-2017-0144", "CVE-2021-44228"]
    assert scores.frame["epss"].dtype == "float64"
    assert scores.frame["epss"].tolist() == [0.94358, 0.944]


def test_epss_plain_csv_without_comment_line_loads(tmp_path: Path) -> None:
    path = tmp_path / "epss.csv"
    path.write_text(BODY)
    scores = load_epss(path)
    assert scores.model_version is None and scores.score_date is None
    assert len(scores) == 2


def test_epss_gzip_is_told_by_its_bytes_not_its_name(tmp_path: Path) -> None:
    gz_named_csv = tmp_path / "scores.csv"
    gz_named_csv.write_bytes(gzip.compress((COMMENT + BODY).encode()))
    plain_named_gz = tmp_path / "scores.csv.gz"
    plain_named_gz.write_text(COMMENT + BODY)
    assert len(load_epss(gz_named_csv)) == len(load_epss(plain_named_gz)) == 2


@pytest.mark.parametrize(
    "bad_line, expected",
    [
        ("CVE-2020-0001,1.5,0.5", "line 5: epss '1.5'"),
        ("CVE-2020-0001,high,0.5", "line 5: epss 'high'"),
        ("CVE-2020-0001,0.5,-0.1", "line 5: percentile '-0.1'"),
        ("CVE-2020-0001,,0.5", "line 5: epss ''"),
        ("not-a-cve,0.1,0.5", "line 5: 'not-a-cve' is not a CVE id"),
    ],
)
def test_epss_bad_value_names_its_line(tmp_path: Path, bad_line: str, expected: str) -> None:
    path = tmp_path / "epss.csv.gz"
    path.write_bytes(gzip.compress((COMMENT + BODY + bad_line + "\n").encode()))
    with pytest.raises(ReferenceDataError) as excinfo:
        load_epss(path)
    assert expected in one_line_error(excinfo, "epss.csv.gz")


def test_epss_blank_lines_are_skipped_and_line_numbers_stay_true(tmp_path: Path) -> None:
    path = tmp_path / "epss.csv"
    path.write_text(COMMENT + "cve,epss,percentile\nCVE-2017-0144,0.9,0.9\n\nCVE-2020-0001,2,0.5\n")
    with pytest.raises(ReferenceDataError, match="line 5: epss"):
        load_epss(path)


def test_epss_without_its_columns_is_a_reference_error(tmp_path: Path) -> None:
    path = tmp_path / "epss.csv"
    path.write_text(COMMENT + "cve,score\nCVE-2017-0144,0.9\n")
    with pytest.raises(ReferenceDataError) as excinfo:
        load_epss(path)
    assert "percentile" in one_line_error(excinfo, "epss.csv")


def test_damaged_epss_gzip_is_a_reference_error(tmp_path: Path) -> None:
    path = tmp_path / "epss.csv.gz"
    path.write_bytes(gzip.compress((COMMENT + BODY).encode())[:20])
    with pytest.raises(ReferenceDataError) as excinfo:
        load_epss(path)
    assert "gzip" in one_line_error(excinfo, "epss.csv.gz")


def test_missing_epss_file_is_a_reference_error(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError) as excinfo:
        load_epss(tmp_path / "absent.csv.gz")
    assert "no such" in one_line_error(excinfo, "absent.csv.gz")


def test_epss_of_realistic_size_loads(tmp_path: Path) -> None:
    rows = "".join(
        f"CVE-{1999 + i % 27}-{i:07d},0.{i % 100000:05d},0.{(i * 7) % 100000:05d}\n"
        for i in range(300_000)
    )
    path = tmp_path / "epss.csv.gz"
    path.write_bytes(gzip.compress((COMMENT + "cve,epss,percentile\n" + rows).encode(), 1))
    scores = load_epss(path)
    assert len(scores) == 300_000
    assert scores.frame["epss"].between(0, 1).all()
