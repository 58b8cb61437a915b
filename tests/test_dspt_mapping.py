"""DSPT / CAF evidence by assessment year (issue 17): a versioned mapping with every id's
source and confidence, unverified wording marked, and per outcome what the inventory
evidences, contradicts and lacks."""

from __future__ import annotations

import datetime as dt

import pytest

import flowmap
from flowmap.governance.dspt_evidence import EVIDENCE
from flowmap.reference.dspt import available_years, load_dspt_mapping
from tests.conftest import SAMPLE

AS_OF = dt.date(2026, 11, 1)
# fmt: off
CAF_32 = [
    "A1.a", "A1.b", "A1.c", "A2.a", "A2.b", "A3.a", "A4.a", "B1.a", "B1.b", "B2.a", "B2.b",
    "B2.c", "B2.d", "B3.a", "B3.b", "B3.c", "B3.d", "B3.e", "B4.a", "B4.b", "B4.c", "B4.d",
    "B5.a", "B5.b", "B5.c", "B6.a", "B6.b", "C1.a", "C1.b", "C1.c", "C1.d", "C1.e", "C2.a",
    "C2.b", "D1.a", "D1.b", "D1.c", "D2.a", "D2.b",
]
OBJECTIVE_E = ["E1.a", "E2.a", "E2.b", "E2.c", "E3.a", "E3.b", "E4.a", "E4.b"]
# fmt: on


@pytest.fixture(scope="module")
def sample():
    return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)


@pytest.mark.parametrize("year", ["2024-25", "2025-26"])
def test_each_year_maps_the_47_caf_aligned_outcomes_and_the_ten_standards(year) -> None:
    m = flowmap.load_dspt_mapping(year)
    caf = m.frame[m.frame["framework"] == "caf_aligned"]
    assert caf["id"].tolist() == CAF_32 + OBJECTIVE_E
    standards = m.frame[m.frame["framework"] == "standards_based"]
    assert {str(n) for n in range(1, 11)} <= set(standards["id"])
    assert (m.frame["year"] == year).all()
    assert (m.frame["source"] != "").all()
    assert set(m.frame["confidence"]) <= {"verified", "secondary", "unverified"}
    for keys in m.frame["evidence"]:
        assert {k for k in keys.split(";") if k} <= set(EVIDENCE)


def test_unverified_outcomes_are_marked_as_such() -> None:
    frame = flowmap.load_dspt_mapping("2025-26").frame.set_index("id")
    assert frame.loc["E3.b", "confidence"] == "unverified"
    assert frame.loc["E4.b", "confidence"] == "unverified"
    assert "UNVERIFIED" in frame.loc["E3.b", "note"]
    assert frame.loc["E3.a", "confidence"] == "verified"


def test_mandatory_audit_outcomes_differ_by_year() -> None:
    def audited(year):
        f = flowmap.load_dspt_mapping(year).frame
        return set(f.loc[f["audit"] == "yes", "id"])

    assert audited("2024-25") == {"A2.a", "A4.a", "B2.a", "B4.d", "C1.a", "D1.a", "E2.b", "E3.a"}
    assert audited("2025-26") == {
        "A1.a",
        "B1.a",
        "B4.a",
        "B5.a",
        "B5.c",
        "C1.b",
        "D2.a",
        "E2.a",
        "E2.c",
    }


def test_a_year_without_a_mapping_is_an_error_not_a_guess() -> None:
    assert available_years() == ("2024-25", "2025-26")
    with pytest.raises(flowmap.UsageError, match="no DSPT mapping for 2026-27") as e:
        load_dspt_mapping("2026-27")
    assert e.value.param == "year"
    with pytest.raises(flowmap.UsageError, match="write it like 2025-26"):
        load_dspt_mapping("2026")


def test_a_mapping_file_of_your_own_is_read_and_checked(tmp_path) -> None:
    text = flowmap.load_dspt_mapping("2025-26").frame.to_csv(index=False)
    own = tmp_path / "2026-27.csv"
    own.write_text(text.replace("2025-26", "2026-27"), encoding="utf-8")
    assert load_dspt_mapping(path=own).year == "2026-27"
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace(",verified,", ",probably,", 1), encoding="utf-8")
    with pytest.raises(flowmap.ReferenceDataError, match="line 2, column confidence"):
        load_dspt_mapping(path=bad)


def test_the_evidence_table_says_what_the_inventory_evidences_and_contradicts(sample) -> None:
    e = flowmap.dspt_evidence(sample, year="2025-26", framework="caf_aligned").set_index("id")
    assert list(e.index) == CAF_32 + OBJECTIVE_E
    vuln = e.loc["B4.d"]
    assert vuln["inventory_says"] == "contradicted"
    assert vuln["critical"] > 0
    assert "EOL_OS" in vuln["contradicted_by"]
    status = sample.systems["eol_status"]  # the engine's judgement, counted independently
    with_os = status[status != "not_applicable"]
    out = int((with_os == "eol").sum())
    supported = int(with_os.isin(["supported", "eol_soon", "eol_extended"]).sum())
    assert out > 0 and supported > 0
    assert f"systems on an operating system out of support: {out}" in vuln["contradicted_by"]
    assert vuln["evidence"].startswith(
        f"{supported} of {len(with_os)} systems with an operating system are on a supported release"
    )
    assert "B3.a" in e.index and "records of processing" not in e.loc["B3.a", "evidence"]
    assert "A record of processing activities can be produced" in e.loc["B3.a", "evidence"]
    assert e.loc["C1.b", "inventory_says"] == "not covered by the inventory"
    assert e.loc["C1.b", "evidence"] == ""
    assert e.loc["E3.b", "id_confidence"] == "unverified"


def test_an_organisation_gets_its_own_toolkit_and_its_own_evidence(sample) -> None:
    gp = flowmap.dspt_evidence(sample, year="2025-26", org="M85001")
    assert set(gp["framework"]) == {"standards_based"}
    trust = flowmap.dspt_evidence(sample, year="2025-26", org="RXA")
    assert set(trust["framework"]) == {"caf_aligned"}
    ico = gp.set_index("id").loc["1.1.1"]
    assert ico["evidence"] == "ICO registration number recorded for 1 of 1 organisations."
    with pytest.raises(flowmap.UsageError, match="does not complete a DSPT"):
        flowmap.dspt_evidence(sample, org="RVP")  # police: dspt_framework not_applicable
    police = flowmap.dspt_evidence(sample, org="RVP", framework="standards_based")
    assert len(police) > 0


def test_docs_sources_lists_every_source_with_its_confidence() -> None:
    from flowmap.governance.sources import CONFIDENCES, SOURCES
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    for s in SOURCES.values():
        assert s.confidence in CONFIDENCES
        line = next((x for x in doc.splitlines() if x.startswith(f"| `{s.id}` |")), "")
        assert s.label in line and s.url in line, s.id
        assert f"| {s.confidence} |" in line, s.id
