"""The organisations view: one node per organisation, flows aggregated between them.

Each flow link is every flow from one organisation to another (one link per ordered
pair, so each direction keeps its own arrow and counts): how many flows, how many carry
special-category data, how many are weak, how many have a finding of each severity, the
worst one, the data categories, transports and assets that travel. Backups kept at
another organisation are a dotted link per pair. Flows inside an organisation are
counted on its node.

The view travels compactly, because at thousands of organisations it is most of the
page: :attr:`View.compact` holds columns (one list per field, not one object per item),
a string table for every repeated text (categories, transports, finding titles, asset
names), a table of the distinct vis-network styles (computed here, by
:mod:`~flowmap.render.mapview.style`) and whole-number coordinates; the page's script
(``decodeOrganisations`` in ``flowmap/render/mapview/templates/map.js``) turns the columns back into
vis-network items and builds each tooltip, as DOM text, from the counts.

Above ``detail_limit`` links the view keeps every organisation and every link with
its counts but drops the per-item lists that grow with the inventory: a link counts
its assets instead of naming them and an organisation counts its problems by kind
instead of listing them one by one. :attr:`View.banner` then says so in the page's header.
"""

from __future__ import annotations

import pandas as pd

from flowmap.engine.impact import SPECIAL_CATEGORIES
from flowmap.engine.problems import kind_of, problem_kind
from flowmap.render.mapview import layout
from flowmap.render.mapview.frames import MapFrames
from flowmap.render.mapview.limits import DEFAULT_DETAIL_LIMIT
from flowmap.render.mapview.problems import Findings, problem_rows
from flowmap.render.mapview.style import (
    NO_FINDING,
    SEVERITY_RANK,
    backup_style,
    flow_style,
    label,
    organisation_style,
)
from flowmap.render.mapview.tips import text
from flowmap.render.mapview.views import LABEL_CHARS, View, _categories, org_name, partners

#: Most links (flow and backup) an organisations view draws with full detail: above it
#: links count their assets instead of naming them and organisations count problems by
#: kind instead of listing them one by one, and the page says so. ``render_map(detail_limit=...)``.
TOP_ASSETS = 5  # asset names listed on a link
TOP_FINDINGS = 5  # problems (full detail) or kinds of problem (trimmed) on an organisation
FORMAT = "organisations"  # the page's name for this compact encoding
SEVERITY_COUNTED = [s for s in SEVERITY_RANK if s != NO_FINDING]
FLOW_SMOOTH = {"type": "curvedCW", "roundness": 0.15}
BACKUP_SMOOTH = {"type": "curvedCCW", "roundness": 0.25}


class Strings:
    """A string table: each distinct text once, referred to by its position."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, value: object) -> int:
        value = str(value)
        i = self.index.get(value)
        if i is None:
            i = self.index[value] = len(self.index)
        return i

    def many(self, values) -> list[int]:
        return [self(v) for v in values]

    def table(self) -> list[str]:
        return list(self.index)


class Styles:
    """Distinct vis-network style dicts, referred to by position (a few dozen in all)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.items: list[dict] = []

    def __call__(self, style: dict) -> int:
        key = repr(sorted(style.items()))
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.items)
            self.items.append(style)
        return i


def organisations_view(
    fr: MapFrames, org_id: str | None = None, detail_limit: int = DEFAULT_DETAIL_LIMIT
) -> View:
    """One node per organisation (or ``org_id`` and its direct partners).

    Examples
    --------
    >>> import datetime, flowmap
    >>> from flowmap.render.mapview.frames import frames_of
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> v = organisations_view(frames_of(a))
    >>> v.node_count == len(a.inventory.organisations), v.banner
    (True, '')
    >>> f = a.flows[a.flows["sender_org_id"] != a.flows["receiver_org_id"]]
    >>> sum(v.compact["flows"]["count"]) == len(f)
    True
    >>> organisations_view(frames_of(a), detail_limit=10).banner.split(":")[0]
    '34 flows between organisations are aggregated into 30 organisation links (and 4 backup links)'
    """
    if org_id is not None:
        fr = neighbourhood(fr, org_id)
    fi = Findings(fr.findings)
    flows = fr.flows[
        ["flow_id", "asset_id", "sender_org_id", "receiver_org_id", "transport", "data_categories"]
    ]
    orgs = fr.orgs
    title = "Organisations"
    if org_id is not None:
        keep = partners(fr, org_id)
        orgs = orgs[orgs["org_id"].isin(keep)]
        flows = flows[(flows["sender_org_id"] == org_id) | (flows["receiver_org_id"] == org_id)]
        title = f"{org_name(fr, org_id)} and its direct partners"
    orgs = orgs.drop_duplicates("org_id")
    at = {o: i for i, o in enumerate(orgs["org_id"])}
    cross = _scored(
        fi,
        flows[
            (flows["sender_org_id"] != flows["receiver_org_id"])
            & flows["sender_org_id"].isin(at)
            & flows["receiver_org_id"].isin(at)
        ],
    )
    pairs = cross.groupby(["sender_org_id", "receiver_org_id"], sort=True).size()
    backups = _backups(fr, org_id, at)
    links = len(pairs) + len(backups)
    full = links <= detail_limit
    strings, node_styles, edge_styles = Strings(), Styles(), Styles()
    flow_cols = _flow_links(fr, cross, at, strings, edge_styles, full)
    backup_cols = _backup_links(backups, at, strings, edge_styles)
    weights = pd.DataFrame(
        {
            "a": list(pairs.index.get_level_values(0)) + list(backups["a"]),
            "b": list(pairs.index.get_level_values(1)) + list(backups["b"]),
            "weight": list(pairs) + list(backups["count"]),
        }
    )
    pos = layout.organisation_positions(list(orgs["org_id"]), weights)
    node_cols = _org_nodes(fr, orgs, flows, pos, fi, strings, node_styles, full)
    view = View("organisations", title)
    view.compact = {
        "format": FORMAT,
        "detail": full,
        "severities": list(SEVERITY_RANK),
        "labelChars": LABEL_CHARS,
        "nodes": node_cols,
        "flows": flow_cols,
        "backups": backup_cols,
        "nodeStyles": node_styles.items,
        "edgeStyles": edge_styles.items,
        "strings": strings.table(),
    }
    if not full:
        also = f" (and {len(backups):,} backup links)" if len(backups) else ""
        view.banner = (
            f"{len(cross):,} flows between organisations are aggregated into {len(pairs):,} "
            f"organisation links{also}: above the detail limit of {detail_limit:,} links, "
            f"links count their assets instead of naming them and organisations count their "
            f"problems by kind. Open the systems view of one organisation (--org ORG_ID) for "
            f"every flow and finding."
        )
    return view


def neighbourhood(fr: MapFrames, org_id: str) -> MapFrames:
    """The frames cut to what the view of ``org_id`` and its direct partners reads.

    The partners' organisations, systems and assets, the copies of data on their
    systems (and the assets copied), the organisation's own flows (and their assets),
    the backups from or to the partners' systems, and the findings at the partners or
    on those flows: the view drawn from the cut is the one drawn from the whole frames
    (``tests/test_per_org_scope.py``), without a pass over every row of a region's
    tables for each organisation's paper.
    """
    keep = partners(fr, org_id)
    systems = fr.systems[fr.systems["org_id"].isin(keep)]
    held = set(systems["system_id"])
    f, b, c = fr.flows, fr.backups, fr.copies
    flows = f[(f["sender_org_id"] == org_id) | (f["receiver_org_id"] == org_id)]
    copies = c[c["system_id"].isin(held)]
    assets = fr.assets[
        fr.assets["org_id"].isin(keep)
        | fr.assets["asset_id"].isin(set(flows["asset_id"]) | set(copies["asset_id"]))
    ]
    x = fr.findings
    on_flows = (x["subject_type"] == "flow") & x["subject_id"].isin(set(flows["flow_id"]))
    return fr.with_tables(
        orgs=fr.orgs[fr.orgs["org_id"].isin(keep)],
        systems=systems,
        assets=assets,
        flows=flows,
        backups=b[b["source_system_id"].isin(held) | b["target_system_id"].isin(held)],
        copies=copies,
        findings=x[x["org_id"].isin(keep) | on_flows],
    )


def _scored(fi: Findings, f: pd.DataFrame) -> pd.DataFrame:
    """Flows with their worst finding's rank and whether they are weak or special."""
    none = SEVERITY_RANK[NO_FINDING]
    return f.assign(
        rank=f["flow_id"].map(fi.worst_rank("flow", f["flow_id"])).fillna(none).astype(int),
        weak=f["flow_id"].isin(fi.weak_flows()),
        special=[bool(SPECIAL_CATEGORIES.intersection(c or ())) for c in f["data_categories"]],
    )


def _lists(
    frame: pd.DataFrame, keys: list[str], column: str, strings: Strings, index: pd.MultiIndex
) -> list[list[int]]:
    """Per group of ``keys`` (in ``index`` order): the sorted distinct non-empty values of
    ``column`` as string-table positions."""
    v = frame[[*keys, column]].dropna(subset=[column])
    v = v.assign(**{column: v[column].astype(str)})
    v = v[v[column] != ""].drop_duplicates().sort_values([*keys, column])
    return _per_key(v, keys, column, index, strings)


def _per_key(
    v: pd.DataFrame, keys: list[str], column: str, index: pd.MultiIndex, strings: Strings
) -> list[list[int]]:
    """The values of ``column`` of each key of ``index`` (in ``v``'s order) as
    string-table positions, one list per key."""
    out: list[list[int]] = [[] for _ in range(len(index))]
    at = index.get_indexer(pd.MultiIndex.from_frame(v[keys]))
    for i, value in zip(at.tolist(), v[column].tolist()):
        if i >= 0:
            out[i].append(strings(value))
    return out


def _flow_links(
    fr: MapFrames,
    cross: pd.DataFrame,
    at: dict[str, int],
    strings: Strings,
    styles: Styles,
    full: bool,
) -> dict[str, list]:
    keys = ["sender_org_id", "receiver_org_id"]
    g = cross.groupby(keys, sort=True)
    agg = g.agg(
        count=("flow_id", "size"),
        weak=("weak", "sum"),
        special=("special", "sum"),
        rank=("rank", "min"),
    )
    idx = agg.index
    by_sev = (
        cross.groupby([*keys, "rank"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=idx, columns=range(len(SEVERITY_COUNTED)), fill_value=0)
    )
    cats = _lists(cross.explode("data_categories"), keys, "data_categories", strings, idx)
    transports = _lists(cross, keys, "transport", strings, idx)
    assets = cross[[*keys, "asset_id"]].drop_duplicates().sort_values([*keys, "asset_id"])
    n_assets = assets.groupby(keys, sort=False).size().reindex(idx, fill_value=0)
    cols: dict[str, list] = {
        "from": [at[a] for a, _ in idx],
        "to": [at[b] for _, b in idx],
        "count": [int(x) for x in agg["count"]],
        "weak": [int(x) for x in agg["weak"]],
        "special": [int(x) for x in agg["special"]],
        "sev": [int(x) for x in agg["rank"]],
        "bySev": by_sev.astype(int).values.tolist(),
        "cats": cats,
        "transports": transports,
        "assetCount": [int(x) for x in n_assets],
    }
    ranks = list(SEVERITY_RANK)
    cols["style"] = [
        styles({**flow_style(ranks[r], w > 0, n), "smooth": FLOW_SMOOTH})
        for r, w, n in zip(cols["sev"], cols["weak"], cols["count"])
    ]
    if full:
        names = fr.assets.drop_duplicates("asset_id").set_index("asset_id")["name"]
        top = assets.groupby(keys, sort=False).head(TOP_ASSETS)
        top = top.assign(shown=[f"{names.get(x, x)} ({x})" for x in top["asset_id"]])
        cols["assets"] = _per_key(top, keys, "shown", idx, strings)
    return cols


def _backups(fr: MapFrames, org_id: str | None, at: dict[str, int]) -> pd.DataFrame:
    """Backups kept at another organisation, one row per (owner, keeper) pair."""
    org_of = fr.systems.drop_duplicates("system_id").set_index("system_id")["org_id"]
    b = fr.backups.assign(
        a=fr.backups["source_system_id"].map(org_of), b=fr.backups["target_system_id"].map(org_of)
    )
    b = b[(b["a"] != b["b"]) & b["a"].isin(at) & b["b"].isin(at)]
    if org_id is not None:
        b = b[(b["a"] == org_id) | (b["b"] == org_id)]
    g = b.groupby(["a", "b"], sort=True)
    out = g.size().rename("count").reset_index()
    out["isolation"] = [sorted({str(v) for v in s.dropna()} - {""}) for _, s in g["isolation"]]
    return out


def _backup_links(
    backups: pd.DataFrame, at: dict[str, int], strings: Strings, styles: Styles
) -> dict[str, list]:
    style = styles({**backup_style(), "smooth": BACKUP_SMOOTH})
    return {
        "from": [at[a] for a in backups["a"]],
        "to": [at[b] for b in backups["b"]],
        "count": [int(n) for n in backups["count"]],
        "isolation": [strings.many(v) for v in backups["isolation"]],
        "style": [style] * len(backups),
    }


def _org_nodes(
    fr: MapFrames,
    orgs: pd.DataFrame,
    flows: pd.DataFrame,
    pos: dict,
    fi: Findings,
    strings: Strings,
    styles: Styles,
    full: bool,
) -> dict[str, list]:
    ids = list(orgs["org_id"])
    systems = fr.systems["org_id"].value_counts()
    assets = fr.assets["org_id"].value_counts()
    same = flows["sender_org_id"] == flows["receiver_org_id"]
    inside = flows.loc[same, "sender_org_id"].value_counts()
    out = flows.loc[~same, "sender_org_id"].value_counts()
    into = flows.loc[~same, "receiver_org_id"].value_counts()
    f = fi.frame if full else fi.all  # only the full detail needs the findings in order
    f = f[f["org_id"].isin(set(ids))]
    # each of an organisation's problems counted once, at its most severe finding there
    per_problem = f.groupby(["org_id", "problem_id"], sort=False)["rank"].min().reset_index()
    by_sev = (
        per_problem.groupby(["org_id", "rank"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=ids, columns=range(len(SEVERITY_COUNTED)), fill_value=0)
    )
    n_findings = f["org_id"].value_counts()
    none = SEVERITY_RANK[NO_FINDING]
    worst = f.groupby("org_id")["rank"].min().reindex(ids).fillna(none).astype(int)
    cats = _categories(fr, "org_id")
    ranks = list(SEVERITY_RANK)
    cols: dict[str, list] = {
        "id": ids,
        "name": [str(n) for n in orgs["name"]],
        "x": [round(pos[o][0]) for o in ids],
        "y": [round(pos[o][1]) for o in ids],
        "sector": strings.many(orgs["sector"]),
        "sev": [int(r) for r in worst],
        "dspt": strings.many(label(text(v)) for v in orgs["dspt_status"]),
        "cePlus": strings.many(text(v if pd.isna(v) else bool(v)) for v in orgs["ce_plus"]),
        "systems": [int(systems.get(o, 0)) for o in ids],
        "assets": [int(assets.get(o, 0)) for o in ids],
        "inside": [int(inside.get(o, 0)) for o in ids],
        "out": [int(out.get(o, 0)) for o in ids],
        "in": [int(into.get(o, 0)) for o in ids],
        "bySev": by_sev.astype(int).values.tolist(),
        "nFindings": [int(n_findings.get(o, 0)) for o in ids],
        "cats": [strings.many(cats.get(o, [])) for o in ids],
    }
    cols["style"] = [
        styles(organisation_style(s, ranks[r], n))
        for s, r, n in zip(orgs["sector"], cols["sev"], cols["systems"])
    ]
    rows: dict[str, list] = {}
    if full:  # the most severe problems, one by one: [severity, title, message, note]
        for o, r, t, m, note in problem_rows(f, "org_id", TOP_FINDINGS):
            rows.setdefault(o, []).append([r, strings(t), strings(m), strings(note)])
        cols["findings"] = [rows.get(o, []) for o in ids]
    else:  # the most severe kinds of problem with how many each: [severity, title, count]
        per_problem["title"] = [
            kind.title if (kind := kind_of(p)) else problem_kind(str(p))
            for p in per_problem["problem_id"]
        ]
        per_kind = (
            per_problem.groupby(["org_id", "title"], sort=False)
            .agg(rank=("rank", "min"), n=("rank", "size"))
            .reset_index()
        )
        per_kind = per_kind.sort_values(
            ["org_id", "rank", "n", "title"], ascending=[True, True, False, True], kind="stable"
        )
        top = per_kind.groupby("org_id", sort=False).head(TOP_FINDINGS)
        for o, r, t, n in zip(
            top["org_id"].tolist(), top["rank"].tolist(), top["title"].tolist(), top["n"].tolist()
        ):
            rows.setdefault(o, []).append([r, strings(t), n])
        cols["rules"] = [rows.get(o, []) for o in ids]
    return cols
