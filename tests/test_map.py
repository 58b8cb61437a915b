"""The interactive map at data and HTML level: views, redaction, safety, determinism, CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import flowmap
from flowmap.errors import UsageError
from flowmap.render.mapview.limits import DEFAULT_DETAIL_LIMIT
from flowmap.render.mapview.page import VIS_DIR, script_json
from tests.conftest import SAMPLE, small_tables, write_csv_tables

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def analysis():
    return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)


def page_data(html: str) -> dict:
    m = re.search(
        r'<script type="application/json" id="flowmap-data">(.*?)</script>', html, re.DOTALL
    )
    assert m, "no data block"
    return json.loads(m.group(1))


def first_view(html: str) -> dict:
    data = page_data(html)
    return data["views"][data["start"]]


def org_items(view: dict) -> tuple[list[dict], list[dict]]:
    """The organisations view's nodes and links as dicts, read from its columns (what
    the page's script does, independently written)."""
    assert view["format"] == "organisations"
    S, N, F, B, sevs = (
        view["strings"],
        view["nodes"],
        view["flows"],
        view["backups"],
        view["severities"],
    )
    assert len({len(c) for c in N.values()}) == 1, "node columns are aligned"
    assert len({len(c) for c in F.values()}) == 1, "flow columns are aligned"
    nodes = [
        {
            "id": i,
            "name": N["name"][k],
            "sev": sevs[N["sev"][k]],
            "sector": S[N["sector"][k]],
            "systems": N["systems"][k],
            "inside": N["inside"][k],
            "out": N["out"][k],
            "in": N["in"][k],
            "bySev": N["bySev"][k],
            "nFindings": N["nFindings"][k],
            "cats": [S[c] for c in N["cats"][k]],
            "findings": N["findings"][k] if "findings" in N else None,
            "rules": N["rules"][k] if "rules" in N else None,
        }
        for k, i in enumerate(N["id"])
    ]
    edges = [
        {
            "kind": "flow",
            "from": N["id"][a],
            "to": N["id"][F["to"][k]],
            "count": F["count"][k],
            "weak": F["weak"][k],
            "special": F["special"][k],
            "sev": sevs[F["sev"][k]],
            "bySev": F["bySev"][k],
            "cats": [S[c] for c in F["cats"][k]],
            "transports": [S[c] for c in F["transports"][k]],
            "assetCount": F["assetCount"][k],
            "assets": [S[c] for c in F["assets"][k]] if "assets" in F else None,
        }
        for k, a in enumerate(F["from"])
    ]
    edges += [
        {"kind": "backup", "from": N["id"][a], "to": N["id"][B["to"][k]], "count": B["count"][k]}
        for k, a in enumerate(B["from"])
    ]
    return nodes, edges


def test_systems_view_counts_match_the_analysis(analysis) -> None:
    doc = flowmap.render_map(analysis)
    inv = analysis.inventory
    assert doc.view == "systems"
    assert doc.nodes == len(inv.systems)
    assert doc.edges == len(inv.flows) + len(inv.backups)
    v = first_view(doc.html)
    assert {n["id"] for n in v["nodes"]} == set(inv.systems["system_id"])
    assert len(v["halos"]) == inv.systems["org_id"].nunique()
    assert v["overlay"], "the top attack paths are ready to highlight"
    assert set(page_data(doc.html)["order"]) == {"systems", "organisations"}


def test_weak_flows_dashed_and_backups_dotted(analysis) -> None:
    edges = first_view(flowmap.render_map(analysis).html)["edges"]
    weak = [e for e in edges if e["weak"]]
    backups = [e for e in edges if e["kind"] == "backup"]
    assert weak and all(e["dashes"] == [10, 5] for e in weak)
    assert len(backups) == len(analysis.inventory.backups)
    assert all(e["dashes"] == [2, 4] for e in backups)
    assert all("dashes" not in e for e in edges if e["kind"] == "flow" and not e["weak"])


def test_organisations_view_aggregates_counts_and_worst_severity(analysis) -> None:
    doc = flowmap.render_map(analysis, view="organisations")
    f = analysis.flows
    cross = f[f["sender_org_id"] != f["receiver_org_id"]]
    nodes, edges = org_items(first_view(doc.html))
    flows = [e for e in edges if e["kind"] == "flow"]
    assert doc.nodes == len(nodes) == len(analysis.inventory.organisations)
    assert doc.edges == len(edges)
    pairs = cross.groupby(["sender_org_id", "receiver_org_id"])
    assert len(flows) == pairs.ngroups  # one link per organisation pair and direction
    assert len({(e["from"], e["to"]) for e in flows}) == len(flows)
    assert sum(e["count"] for e in flows) == len(cross)
    from flowmap.engine.impact import SPECIAL_CATEGORIES
    from flowmap.engine.settings import SEVERITIES

    order = [*SEVERITIES, "none"]
    flow_sev = (
        analysis.findings[analysis.findings["subject_type"] == "flow"]
        .groupby("subject_id")["severity"]
        .agg(lambda s: min(s, key=order.index))
    )
    weak_rules = {
        "FLOW_NO_LAWFUL_BASIS",
        "FLOW_NO_DSA",
        "FLOW_DSA_EXPIRED",
        "FLOW_UNENCRYPTED",
        "FLOW_INSECURE_TRANSPORT",
    }
    fi = analysis.findings
    weak_ids = set(fi.loc[fi["rule"].isin(weak_rules), "subject_id"])
    for e in flows:
        g = pairs.get_group((e["from"], e["to"]))
        sevs = [flow_sev.get(i, "none") for i in g["flow_id"]]
        assert e["count"] == len(g)
        assert e["sev"] == min(sevs, key=order.index), (e["from"], e["to"])
        assert e["bySev"] == [sevs.count(s) for s in SEVERITIES]
        assert e["weak"] == int(g["flow_id"].isin(weak_ids).sum())
        assert e["special"] == sum(bool(SPECIAL_CATEGORIES & set(c)) for c in g["data_categories"])
        assert e["cats"] == sorted({c for t in g["data_categories"] for c in t})
        assert e["assetCount"] == g["asset_id"].nunique()
        assert len(e["assets"]) == min(5, e["assetCount"])  # full detail: assets by name
    by_org = {n["id"]: n for n in nodes}
    assert sum(n["out"] for n in nodes) == sum(n["in"] for n in nodes) == len(cross)
    assert sum(n["inside"] for n in nodes) == len(f) - len(cross)
    # each organisation's problems counted once (one fix, one problem), its findings beside
    per_org = analysis.findings.groupby("org_id")
    assert all(sum(by_org[o]["bySev"]) == n for o, n in per_org["problem_id"].nunique().items())
    assert all(by_org[o]["nFindings"] == n for o, n in per_org.size().items())
    assert any(by_org[o]["nFindings"] > sum(by_org[o]["bySev"]) for o in per_org.groups)
    assert all(n["findings"] is not None and n["rules"] is None for n in nodes)


def test_organisations_view_trims_detail_above_the_limit_and_says_so(analysis) -> None:
    f = analysis.flows
    cross = f[f["sender_org_id"] != f["receiver_org_id"]]
    full = flowmap.render_map(analysis, view="organisations")
    links = full.edges
    assert links < DEFAULT_DETAIL_LIMIT and full.notes == []
    at_limit = flowmap.render_map(analysis, view="organisations", detail_limit=links)
    assert at_limit.html == full.html  # the limit itself is still full detail
    trimmed = flowmap.render_map(analysis, view="organisations", detail_limit=links - 1)
    v = first_view(trimmed.html)
    pairs = cross.groupby(["sender_org_id", "receiver_org_id"]).ngroups
    note = (
        f"{len(cross):,} flows between organisations are aggregated into {pairs:,} "
        f"organisation links"
    )
    assert v["banner"].startswith(note) and f"detail limit of {links - 1:,}" in v["banner"]
    assert "--org ORG_ID" in v["banner"]
    assert trimmed.notes == [v["banner"]]  # the CLI prints it too
    assert first_view(full.html)["banner"] == ""
    # Still every organisation and link, with the same counts; only the lists go.
    nodes, edges = org_items(v)
    _full_nodes, full_edges = org_items(first_view(full.html))
    assert (trimmed.nodes, trimmed.edges) == (full.nodes, full.edges)
    strip = ("assets", "findings", "rules")
    assert [{k: x for k, x in e.items() if k not in strip} for e in edges] == [
        {k: x for k, x in e.items() if k not in strip} for e in full_edges
    ]
    assert all(e["assets"] is None for e in edges if e["kind"] == "flow")
    assert all(n["findings"] is None and n["rules"] is not None for n in nodes)
    from flowmap.engine.problems import PROBLEM_KINDS, problem_kind

    problems = analysis.findings[["org_id", "problem_id"]].drop_duplicates()
    problems["title"] = [PROBLEM_KINDS[problem_kind(p)].title for p in problems["problem_id"]]
    titles = problems.groupby(["org_id", "title"]).size()
    for n in nodes:  # kinds of problem listed with their true counts, most severe first
        assert [r[2] for r in n["rules"]] == [
            int(titles[(n["id"], v["strings"][r[1]])]) for r in n["rules"]
        ]
        assert [r[0] for r in n["rules"]] == sorted(r[0] for r in n["rules"])
        assert sum(r[2] for r in n["rules"]) <= sum(n["bySev"])
    assert len(trimmed.html) < len(full.html)


def test_detail_limit_is_declared_once() -> None:
    import inspect

    from flowmap.render.mapview.orgview import organisations_view

    assert (
        inspect.signature(flowmap.render_map).parameters["detail_limit"].default
        == DEFAULT_DETAIL_LIMIT
    )
    assert (
        inspect.signature(organisations_view).parameters["detail_limit"].default
        == DEFAULT_DETAIL_LIMIT
    )


def test_organisations_view_is_compact(analysis) -> None:
    """Columns, not one object per item; each repeated text once; whole-number positions."""
    doc = flowmap.render_map(analysis, view="organisations", detail_limit=0)
    v = first_view(doc.html)
    assert v["edges"] == [] and isinstance(v["nodes"], dict)
    assert len(v["strings"]) == len(set(v["strings"]))
    assert all(isinstance(x, int) for x in v["nodes"]["x"] + v["nodes"]["y"])
    assert len(v["edgeStyles"]) <= 2 * 6 * 7 + 1  # severity x weak x width, backups
    assert '"tip"' not in doc.html and '"title":' not in json.dumps(v["nodes"])


def test_asset_view_holds_exactly_the_assets_copies(analysis) -> None:
    doc = flowmap.render_map(analysis, view="asset", asset_id="IA-0001")
    copies = analysis.copies[analysis.copies["asset_id"] == "IA-0001"]
    v = first_view(doc.html)
    assert doc.view == "asset"
    assert {n["id"] for n in v["nodes"]} == set(copies["system_id"])
    flows = analysis.flows[analysis.flows["asset_id"] == "IA-0001"]
    assert {e["id"] for e in v["edges"] if e["kind"] == "flow"} == {
        "flow:" + i for i in flows["flow_id"]
    }


def test_paths_view_draws_the_top_paths(analysis) -> None:
    doc = flowmap.render_map(analysis, view="paths")
    top = analysis.attack_paths.head(analysis.settings.top_paths)
    systems = {s for p in top["path"] for s in p.split(" > ")}
    steps = {(a, b) for p in top["path"] for a, b in zip(p.split(" > "), p.split(" > ")[1:])}
    v = first_view(doc.html)
    assert {n["id"] for n in v["nodes"]} == systems
    assert {(e["from"], e["to"]) for e in v["edges"]} == steps


def test_org_filter_keeps_one_organisation_and_its_partners(analysis) -> None:
    doc = flowmap.render_map(analysis, view="organisations", org_id="M85001")
    f = analysis.flows
    partners = (
        set(f.loc[f["sender_org_id"] == "M85001", "receiver_org_id"])
        | set(f.loc[f["receiver_org_id"] == "M85001", "sender_org_id"])
        | {"M85001"}
    )
    org_of = analysis.systems.set_index("system_id")["org_id"]
    b = analysis.inventory.backups
    a_org, b_org = b["source_system_id"].map(org_of), b["target_system_id"].map(org_of)
    partners |= set(b_org[a_org == "M85001"]) | set(a_org[b_org == "M85001"])
    nodes, edges = org_items(first_view(doc.html))
    assert {n["id"] for n in nodes} == partners
    assert edges and all("M85001" in (e["from"], e["to"]) for e in edges)
    systems = first_view(flowmap.render_map(analysis, org_id="M85001").html)
    own = set(analysis.systems.loc[analysis.systems["org_id"] == "M85001", "system_id"])
    assert own <= {n["id"] for n in systems["nodes"]}


def test_auto_switch_to_organisations_above_max_nodes(analysis) -> None:
    doc = flowmap.render_map(analysis, max_nodes=10)
    assert doc.view == "organisations" and doc.nodes == 16
    assert doc.notes and "63 systems are more than 10 nodes" in doc.notes[0]
    assert page_data(doc.html)["order"] == ["organisations"]


def test_bad_view_and_unknown_ids_are_usage_errors(analysis) -> None:
    with pytest.raises(UsageError, match="choose one of"):
        flowmap.render_map(analysis, view="galaxy")
    with pytest.raises(UsageError, match="some ids: IA-0001"):
        flowmap.render_map(analysis, view="asset", asset_id="IA-9999")
    with pytest.raises(UsageError, match="needs an asset id"):
        flowmap.render_map(analysis, view="asset")
    with pytest.raises(UsageError, match="No organisation 'XX'"):
        flowmap.render_map(analysis, org_id="XX")
    with pytest.raises(UsageError, match="detail_limit must be 0 or more"):
        flowmap.render_map(analysis, view="organisations", detail_limit=-1)


def originals(analysis) -> set[str]:
    inv = analysis.inventory
    values = set(inv.organisations["org_id"]) | set(inv.organisations["name"])
    values |= set(inv.organisations["ods_code"])
    values |= set(inv.systems["system_id"]) | set(inv.systems["name"]) | set(inv.systems["zone"])
    values |= set(inv.assets["asset_id"]) | set(inv.assets["name"]) | set(inv.assets["owner"])
    values |= set(inv.flows["flow_id"]) | set(inv.flows["dsa_ref"]) | set(inv.flows["s251_ref"])
    values |= set(inv.backups["backup_id"]) | set(inv.zone_links["note"])
    values |= set(inv.vulnerabilities["risk_acceptance_ref"])
    return {v for v in values if isinstance(v, str) and v.strip()}


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"view": "organisations"},
        {"view": "paths"},
        {"view": "organisations", "detail_limit": 0},
        {"view": "asset", "asset_id": "IA-0001"},
        {"org_id": "RXA"},
    ],
)
def test_redacted_map_contains_no_original_name_id_or_owner(analysis, kw) -> None:
    html = flowmap.render_map(
        analysis, redact=True, redact_key="board-key-for-the-map-tests-2026", **kw
    ).html
    # The whole file is searched; a short id may occur by chance inside the inlined
    # vis-network library (e.g. in a base64 image), so a hit only counts as a leak when
    # the file holds it more often than the library and flowmap's templates do.
    library = "".join(
        p.read_text(encoding="utf-8")
        for p in [
            VIS_DIR / "vis-network.min.js",
            VIS_DIR / "vis-network.css",
            *(Path(flowmap.__file__).parent / "templates").glob("map.*"),
        ]
    )
    leaked = sorted(v for v in originals(analysis) if html.count(v) > library.count(v))
    assert leaked == []
    assert "inventories/sample" not in html


def test_redaction_is_stable_with_a_key_and_differs_without(analysis) -> None:
    a = flowmap.render_map(analysis, redact=True, redact_key="a-stable-key-for-two-maps-k1").html
    b = flowmap.render_map(analysis, redact=True, redact_key="a-stable-key-for-two-maps-k1").html
    c = flowmap.render_map(analysis, redact=True).html
    d = flowmap.render_map(analysis, redact=True).html
    assert a == b
    assert c != d and a != c
    ids = {n["id"] for n in first_view(a)["nodes"]}
    assert all(re.fullmatch(r"SYS-[0-9a-f]{10}", i) for i in ids)


@pytest.mark.parametrize(
    "kw",
    [{"view": "systems"}, {"view": "organisations"}, {"view": "organisations", "detail_limit": 0}],
)
def test_same_inventory_and_options_give_a_byte_identical_file(analysis, tmp_path, kw) -> None:
    flowmap.write_map(analysis, tmp_path / "a" / "map.html", **kw)
    flowmap.write_map(analysis, tmp_path / "b" / "map.html", **kw)
    assert (tmp_path / "a" / "map.html").read_bytes() == (tmp_path / "b" / "map.html").read_bytes()


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.refs += [v or "" for k, v in attrs if k in ("src", "href", "srcset", "action")]


def assert_no_remote_reference(html: str) -> None:
    parser = _Refs()
    parser.feed(html)
    assert not [r for r in parser.refs if re.match(r"\s*(https?:)?//", r, re.I)]
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*https?:""", html, re.I)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.starts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.starts.append(tag)


def test_no_http_src_or_href_in_any_view(analysis) -> None:
    for kw in ({}, {"view": "organisations"}, {"view": "paths"}, {"redact": True}):
        assert_no_remote_reference(flowmap.render_map(analysis, **kw).html)


def test_script_json_escapes_everything_that_could_end_a_script() -> None:
    text = script_json({"n": "</script><img src=x onerror=alert(1)>&\u2028\u2029"})
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text)["n"].startswith("</script>")


def hostile_tables() -> dict:
    tables = small_tables()
    tables["organisations"][0]["name"] = "</script><script>window.__xss=1</script>"
    tables["systems"][0]["name"] = "<img src=x onerror=window.__xss=1>"
    tables["systems"][1]["name"] = "\u2028</SCRIPT><!--"
    tables["assets"][0]["owner"] = "<b onmouseover=alert(1)>owner</b>"
    return tables


def test_hostile_names_stay_inside_the_json_block(tmp_path) -> None:
    inv = flowmap.load_inventory(write_csv_tables(tmp_path / "inv", hostile_tables()))
    html = flowmap.render_map(flowmap.analyse(inv, as_of=AS_OF), title="<i>t</i>").html
    tags = _Tags()
    tags.feed(html)
    assert tags.starts.count("script") == 3 and "img" not in tags.starts  # data, vis, page
    assert "<img" not in html and "<SCRIPT" not in html  # only as \\u003c... inside JSON
    assert "<title>&lt;i&gt;t&lt;/i&gt;: Systems</title>" in html
    names = {n["label"] for n in first_view(html)["nodes"]}
    assert "<img src=x onerror=window.__xss=1>" in names


def test_show_map_is_a_sandboxed_srcdoc_iframe_without_a_warning(analysis) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # IPython warns about HTML that starts with <iframe
        out = flowmap.show_map(analysis, view="organisations", height=400)
    text = out.data
    assert text.startswith('<div><iframe srcdoc="') and 'sandbox="allow-scripts"' in text
    assert "height:400px" in text and "<script" not in text  # all escaped in the attribute


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flowmap", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_writes_a_map_and_says_what_it_drew(tmp_path) -> None:
    out = tmp_path / "maps" / "asset.html"
    r = run_cli(
        "map", str(SAMPLE), "IA-0001", "--view", "asset", "--out", str(out), "--as-of", "2026-11-01"
    )
    assert r.returncode == 0, r.stderr
    assert out.exists() and r.stdout.count("\n") == 1
    assert "asset view" in r.stdout and "nodes" in r.stdout and "MB" in r.stdout
    r = run_cli(
        "map",
        str(SAMPLE),
        "--view",
        "asset",
        "--asset",
        "IA-0001",
        "--out",
        str(out),
        "--as-of",
        "2026-11-01",
    )
    assert r.returncode == 0, r.stderr


def test_cli_detail_limit_trims_the_organisations_view_and_says_so(tmp_path) -> None:
    out = tmp_path / "orgs.html"
    args = (
        "map",
        str(SAMPLE),
        "--view",
        "organisations",
        "--out",
        str(out),
        "--as-of",
        "2026-11-01",
    )
    full = run_cli(*args)
    assert full.returncode == 0, full.stderr
    assert "Note:" not in full.stdout
    trimmed = run_cli(*args, "--detail-limit", "0")
    assert trimmed.returncode == 0, trimmed.stderr
    assert "Note:" in trimmed.stdout and "aggregated" in trimmed.stdout
    assert "aggregated" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args,message",
    [
        (["--detail-limit", "-1"], "must be 0 or more"),
        (["--view", "asset"], "needs an asset id"),
        (["--org", "NOPE"], "No organisation 'NOPE'"),
        (["IA-0001"], "only goes with --view asset"),
        (["--view", "galaxy"], "galaxy"),
    ],
)
def test_cli_mistakes_are_one_line_and_exit_2(tmp_path, args, message) -> None:
    r = run_cli("map", str(SAMPLE), "--out", str(tmp_path / "m.html"), *args)
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr
    assert message in r.stderr.strip().splitlines()[-1]  # the message is one line


def test_details_are_in_words_not_raw_values(analysis) -> None:
    from flowmap.render.mapview.frames import frames_of
    from flowmap.render.mapview.views import systems_view

    view = systems_view(frames_of(analysis))
    rows = [r for n in view.nodes for r in n["tip"]] + [r for e in view.edges for r in e["tip"]]
    labels = {r[0] for r in rows}
    assert {"Reachable from the internet", "Likelihood of compromise"} <= labels
    assert not {"Internet-facing", "Attack path probability", "Support"} & labels
    values = [str(r[1]) for r in rows]
    assert not {"True", "False", "nan", "None", "<NA>"} & set(values)
    likelihood = [r[1] for r in rows if r[0] == "Likelihood of compromise"]
    assert all(re.fullmatch(r"(<1|>99|\d{1,3})%|unknown", v) for v in likelihood)
    assert not [v for v in values if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)]  # dates in words
    citrix = next(n for n in view.nodes if n["id"] == "RXA-CTX-01")
    assert ["Reachable from the internet", "yes"] in citrix["tip"]
    path_tips = [r[1] for e in view.overlay for r in e["tip"] if r[0] == "Towards"]
    assert path_tips and all("% chance" in t for t in path_tips)


def test_sector_and_severity_never_share_a_colour() -> None:
    from flowmap.render.mapview.style import SECTOR_COLOURS, SEVERITY_COLOURS

    assert not set(SECTOR_COLOURS.values()) & set(SEVERITY_COLOURS.values())
    assert len(set(SECTOR_COLOURS.values())) == len(SECTOR_COLOURS)
    # low severity is no longer the blue of NHS organisations
    assert SEVERITY_COLOURS["low"] not in ("#6baed6", "#005eb8", "#41b6e6")


def test_the_heading_names_the_view_drawn_first(analysis) -> None:
    doc = flowmap.render_map(analysis, view="organisations")
    assert '<h1 id="fm-heading">Data-flow map: Organisations</h1>' in doc.html
    assert "As of 1 Nov 2026 \u00b7 inventory sample" in doc.html


def test_details_list_each_problem_once_with_the_findings_its_fix_also_closes(analysis) -> None:
    """The Citrix gateway's known-exploited CVE raises several findings that one patch
    closes: its details list that problem once, naming the others and the fix."""
    from flowmap.engine.problems import PROBLEM_KINDS
    from flowmap.render.mapview.frames import frames_of
    from flowmap.render.mapview.problems import TOP_FINDINGS
    from flowmap.render.mapview.views import systems_view

    f = analysis.findings
    mine = f[(f["subject_type"] == "system") & (f["subject_id"] == "RXA-CTX-01")]
    problems = mine.groupby("problem_id")
    assert len(mine) > problems.ngroups  # several findings share a problem here
    citrix = next(n for n in systems_view(frames_of(analysis)).nodes if n["id"] == "RXA-CTX-01")
    listed = [r for r in citrix["fx"] if r[0]]
    assert len(listed) == min(TOP_FINDINGS, problems.ngroups)
    biggest = max(problems.groups, key=lambda p: len(problems.get_group(p)))
    group = problems.get_group(biggest).sort_values(
        ["score", "rule"], ascending=[False, True], kind="stable"
    )
    row = next(r for r in listed if r[2] == group["message"].iloc[0])
    assert row[0] == group["severity"].iloc[0]
    assert row[3].startswith("The same fix also closes: ")
    assert all(t in row[3] for t in group["title"].iloc[1:])
    assert row[3].endswith(f"Fix: {PROBLEM_KINDS[biggest.split(':')[0]].fix}.")
    assert [r[1] for r in citrix["fx"] if not r[0]][-1] == (
        f"{len(mine):,} findings in all, {problems.ngroups:,} problems"
    )
