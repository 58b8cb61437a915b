"""Adversarial: generated pages load nothing remote and run only flowmap's own scripts,
whatever the inventory's cells say (checked on the markup; the browser tests in
test_adversarial_browser.py run the pages)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

import flowmap
from flowmap.render.names import safe_name, safe_names
from flowmap.render.pages import executable_scripts, pack_frames, remote_references, script_hash
from flowmap.render.report.batch import BatchResult, OrgOutcome, write_index
from tests.adversarial import HOSTILE_ORG_IDS, hostile_org_tables, write_inventory

AS_OF = dt.date(2026, 11, 1)


@pytest.mark.parametrize(
    "markup",
    [
        "<td>href=https://example.org/x</td>",
        "<td>src=&quot;//example.org/y.js&quot;</td>",
        '<script type="application/json">{"a": "<img src=https://x/y.png>"}</script>',
        '<iframe srcdoc="&lt;p&gt;href=https://x&lt;/p&gt;"></iframe>',
        "<style>/* see https://example.org and url(https://x/y) */ p {}</style>",
    ],
)
def test_text_that_looks_like_a_link_is_not_a_remote_reference(markup):
    assert remote_references(markup) == []


@pytest.mark.parametrize(
    "markup",
    [
        '<script src="https://cdn.example/x.js"></script>',
        '<img src="//example.org/p.png">',
        '<link rel="stylesheet" href="http://example.org/s.css">',
        "<style>@import 'https://example.org/s.css';</style>",
        '<div style="background:url(https://example.org/p.png)"></div>',
        '<img srcset="a.png 1x, https://example.org/b.png 2x">',
        '<meta http-equiv="refresh" content="0;url=https://example.org">',
        '<iframe srcdoc="&lt;img src=&quot;https://x/y.png&quot;&gt;"></iframe>',
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_real_remote_references_are_found(markup):
    assert remote_references(markup) != []
    assert remote_references(pack_frames(markup)) == remote_references(markup)


def test_a_packed_frames_page_is_read_like_srcdoc() -> None:
    """A board paper's map travels packed (compressed in an attribute): the guards still
    read its page, and a packed page's scripts are the page's, counted and checked."""
    page = '<script>window.a=1</script><img src="https://x/y.png">'
    packed = pack_frames(f'<iframe srcdoc="{html.escape(page, quote=True)}"></iframe>')
    assert "https://x" not in packed and 'data-fm-page="' in packed
    assert remote_references(packed) == ['<img src="https://x/y.png">']
    assert executable_scripts(packed) == ["window.a=1"]


def test_map_page_runs_only_its_own_two_scripts(tmp_path):
    tables = hostile_org_tables("</script><script>window.__x=1</script>")
    tables["systems"][0]["name"] = '<img src=x onerror="window.__y=1">'
    inv = flowmap.load_inventory(write_inventory(tmp_path / "inv", tables))
    page = flowmap.render_map(flowmap.analyse(inv, as_of=AS_OF)).html
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    scripts = executable_scripts(page)
    assert len(scripts) == 2
    assert all(script_hash(s) in policy for s in scripts)
    assert remote_references(page) == []


def test_safe_names_are_never_paths():
    for text in [*HOSTILE_ORG_IDS, "", "..", "~", "C:\\x", "NUL", " ", "\u202e"]:
        name = safe_name(text)
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*-[0-9a-f]{8}", name), (text, name)
    assert len(set(safe_names(["RXA", "rxa", "R/XA", "R_XA"]).values())) == 4


def test_batch_index_links_only_to_safe_folders(tmp_path):
    outcomes = [OrgOutcome(o, f"<b>{o}</b>", "x", None, 1.0, safe_name(o)) for o in HOSTILE_ORG_IDS]
    outcomes.append(OrgOutcome('"><script>alert(1)</script>', "n", None, "boom <b>", 1.0))
    index = write_index(BatchResult(tmp_path, tmp_path / "index.html", outcomes)).read_text()
    assert re.findall(r'href="([^"]+)"', index) == [
        f"{safe_name(o)}/report.html" for o in HOSTILE_ORG_IDS
    ]
    assert executable_scripts(index) == [] and "<b>" not in index
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\'' in index
