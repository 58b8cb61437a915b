"""Adversarial: the board report and its per-organisation batch, from a hostile inventory.

Organisation ids become folder names and links only through safe names; every page has a
Content-Security-Policy; a cell cannot block the report; reruns give the same bytes.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.adversarial import flowmap_cli, snapshot, with_org_id, write_inventory
from tests.conftest import small_tables

pytestmark = pytest.mark.notebook

AS_OF = "2026-11-01"
TRAVERSAL = "../../escaped"
SCRIPT_LINK = "javascript:alert(document.domain)//"


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    """A per-org batch over organisations named like a path and like a script link."""
    root = tmp_path_factory.mktemp("batch")
    tables = with_org_id(small_tables(), "00123", TRAVERSAL)
    tables = with_org_id(tables, "RXA", SCRIPT_LINK)
    inv = write_inventory(root / "inv", tables)
    out = root / "a" / "b" / "out"
    before = snapshot(root)
    run = flowmap_cli("report", inv, "--per-org", "--out", out, "--as-of", AS_OF)
    return root, out, before, run


def test_per_org_folders_stay_inside_out(hostile_batch):
    root, out, before, run = hostile_batch
    assert run.code == 0, run.err
    after = snapshot(root)
    outside = {p for p in set(after) - set(before) if not p.startswith("a/b/out/")}
    assert outside == set()
    assert not (root / "escaped").exists() and not (root / "a" / "escaped").exists()
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(folders) == 2
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+-[0-9a-f]{8}", f) for f in folders), folders
    for f in folders:
        assert (out / f / "report.html").is_file()


def test_per_org_index_links_only_to_safe_names_and_has_a_csp(hostile_batch):
    _root, out, _before, _run = hostile_batch
    index = (out / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*)"', index)
    assert len(hrefs) == 2
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+-[0-9a-f]{8}/report\.html", h) for h in hrefs), hrefs
    assert "javascript:" not in " ".join(hrefs)
    assert re.search(r'<meta http-equiv="Content-Security-Policy" content="default-src', index)
    assert "javascript:alert(document.domain)//" in index  # shown, as text


#: Cell text that looks like markup that loads something: shown as text, never a reason
#: to refuse the report.
REMOTE_LOOKING = (
    "href=https://example.org/x",
    '<img src="https://example.org/p.png">',
    "src=//example.org/y.js",
)


@pytest.fixture(scope="module")
def hostile_cells_report(tmp_path_factory):
    """The report of an inventory whose names look like remote links, run twice."""
    root = tmp_path_factory.mktemp("cells")
    tables = small_tables()
    for system, text in zip(tables["systems"], REMOTE_LOOKING):
        system["name"] = text
    tables["organisations"][0]["name"] = REMOTE_LOOKING[0]
    inv = write_inventory(root / "inv", tables)
    out = root / "out"
    first = flowmap_cli("report", inv, "--out", out, "--as-of", AS_OF)
    pages = [(out / "report.html").read_bytes() if first.code == 0 else b""]
    notebooks = [(out / "board_report.executed.ipynb").read_bytes()]
    second = flowmap_cli("report", inv, "--out", out, "--as-of", AS_OF)
    pages.append((out / "report.html").read_bytes() if second.code == 0 else b"")
    notebooks.append((out / "board_report.executed.ipynb").read_bytes())
    return first, second, pages, notebooks


def test_a_cell_cannot_block_the_report(hostile_cells_report):
    from flowmap.render.pages import remote_references

    first, _second, pages, _ = hostile_cells_report
    assert first.code == 0, first.err
    page = pages[0].decode("utf-8")
    assert remote_references(page) == []
    assert "href=https://example.org/x" in page  # the name, shown as text
    head = page[: page.index("</head>")]
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'' in head


def test_report_reruns_are_byte_identical(hostile_cells_report):
    first, second, pages, notebooks = hostile_cells_report
    assert first.code == 0 and second.code == 0, second.err
    assert pages[0] == pages[1]
    logs = [json.loads(nb)["metadata"]["flowmap"]["kernel_log"] for nb in notebooks]
    assert notebooks[0] == notebooks[1], f"the kernels' logs: {logs}"


def test_report_on_an_inventory_no_attack_path_can_enter(tmp_path):
    tables = small_tables()
    for system in tables["systems"]:
        system["internet_facing"] = "no"
        if system["kind"] == "workstation":
            system["kind"] = "server"
    inv = write_inventory(tmp_path / "inv", tables)
    run = flowmap_cli("report", inv, "--out", tmp_path / "out", "--as-of", AS_OF)
    assert run.code == 0, run.err
    assert (tmp_path / "out" / "report.html").is_file()
