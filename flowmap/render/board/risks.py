"""Top risks in plain English, grouped per problem, and the riskiest attack paths.

A *problem* is the set of findings one fix would close (``findings.problem_id``, when the
analysis has it; otherwise each finding is its own problem), so the same gateway does
not fill the list three times. Each row names the organisation and the owner, not codes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.render import fmt
from flowmap.render.board._html import SEVERITY_RAG, Chip, Markup, esc
from flowmap.render.board.load import scoped
from flowmap.render.board.table import Table

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

ENTRY_WORDS = {"internet-facing": "from the internet", "phishing": "by a phishing email"}


def org_names(analysis: Analysis) -> pd.Series:
    """Organisation id -> name."""
    return analysis.inventory.organisations.set_index("org_id")["name"]


def owners(analysis: Analysis, findings: pd.DataFrame | None = None) -> pd.Series:
    """Who owns the risk of each finding's subject: the asset's owner, else the org's SIRO.

    For a system, the owners of the assets it holds (the first three, then "and others");
    for a flow, the owner of the asset it carries. ``findings`` defaults to all of them.
    """
    from flowmap.render.board import cache

    f = analysis.findings if findings is None else findings
    owner, flow_asset, register = cache.once(analysis, "owners", lambda: _owners_of(analysis))
    systems = set(f.loc[f["subject_type"] == "system", "subject_id"])
    held = register[register["system_id"].isin(systems)]
    held = (
        held.assign(owner=held["asset_id"].map(owner))
        .drop_duplicates(["system_id", "owner"])
        .sort_values(["system_id", "owner"])
    )
    many = held.groupby("system_id").size()
    per_system = held.groupby("system_id").head(3).groupby("system_id")["owner"].agg("; ".join)
    per_system = per_system.where(many.reindex(per_system.index) <= 3, per_system + "; and others")
    by_type = {
        "asset": f["subject_id"].map(owner),
        "flow": f["subject_id"].map(flow_asset).map(owner),
        "system": f["subject_id"].map(per_system),
    }
    out = pd.Series("", index=f.index, dtype=object)
    for kind, values in by_type.items():
        mask = (f["subject_type"] == kind).to_numpy()
        out[mask] = values[mask]
    return out.fillna("").replace("", "SIRO of the organisation")


def _owners_of(analysis: Analysis) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """Each asset's owner, each flow's asset and the register's copies (system, asset)."""
    a = analysis.assets.drop_duplicates("asset_id").set_index("asset_id")
    owner = a["owner"].where(a["owner"] != "", "no owner recorded")
    flow_asset = analysis.flows.drop_duplicates("flow_id").set_index("flow_id")["asset_id"]
    c = analysis.copies
    return owner, flow_asset, c.loc[c["how"] == "register", ["system_id", "asset_id"]]


def problems(analysis: Analysis, org: str | None = None, n: int | None = None) -> pd.DataFrame:
    """One row per problem, most severe first (the order of ``analysis.findings``).

    Columns: ``problem_id``, ``finding_id`` (the most severe finding), ``findings`` (how
    many), ``titles`` (the other findings' titles), ``severity``, ``score``, ``org_id``,
    ``title``, ``message``, ``remediation``, ``references``, ``owner``. ``n`` keeps the
    first ``n`` problems.
    """
    f = scoped(analysis.findings, org)
    key = f["problem_id"] if "problem_id" in f.columns else f["finding_id"]
    f = f.assign(problem_id=key.to_numpy())
    first = f.drop_duplicates("problem_id", keep="first")
    if n is not None:
        first = first.head(n)
        f = f[f["problem_id"].isin(first["problem_id"])]
    first = first.assign(owner=owners(analysis, first).to_numpy()).set_index("problem_id")
    size = f.groupby("problem_id", sort=False).size()
    titles = (
        f[f.duplicated("problem_id", keep="first")]
        .drop_duplicates(["problem_id", "title"])
        .groupby("problem_id", sort=False)["title"]
        .agg(list)
    )
    out = first[
        ["finding_id", "severity", "score", "org_id", "title", "message", "remediation"]
    ].copy()
    out["references"] = first["references"]
    out["owner"] = first["owner"]
    out["findings"] = size.reindex(out.index).to_numpy()
    out["titles"] = [t if isinstance(t, list) else [] for t in titles.reindex(out.index)]
    return out.reset_index()


#: A pointer to a command or file (``(see `flowmap plan`)``): for analysts, not a board.
COMMAND_NOTE = re.compile(r"\s*\(see `[^`]*`\)")


def plain(text: object) -> str:
    """Finding text as a board reads it: without pointers to commands or files.

    >>> plain("Break the path (see `flowmap plan`).")
    'Break the path.'
    """
    return COMMAND_NOTE.sub("", str(text)).replace("`", "")


def _references(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


def top_risks(analysis: Analysis, org: str | None = None, n: int = 10) -> Table:
    """The ``n`` most severe problems in plain English, with organisation and owner."""
    p = problems(analysis, org, n=n)
    names = org_names(analysis)
    risk_cells, who = [], []
    for r in p.itertuples(index=False):
        also = f" Also: {'; '.join(t.lower() for t in r.titles)}." if r.titles else ""
        standards = _references(r.references)
        risk_cells.append(
            Markup(
                f"<b>{esc(r.title)}.</b> {esc(plain(r.message))}{esc(also)}"
                + (f'<br><span class="fm-small">{esc(standards)}</span>' if standards else "")
            )
        )
        who.append(
            Markup(
                f"{esc(names.get(r.org_id, r.org_id))}"
                f'<br><span class="fm-small">Owner: {esc(r.owner)}</span>'
            )
        )
    frame = pd.DataFrame(
        {
            # object columns: pandas would turn markup into plain text (pyarrow storage)
            "Risk": pd.Series(risk_cells, dtype=object),
            "Organisation and owner": pd.Series(who, dtype=object),
            "What to do": [plain(t) for t in p["remediation"]],
            "Severity": [Chip(SEVERITY_RAG.get(s, "grey"), fmt.words(s)) for s in p["severity"]],
        }
    )
    return Table(
        frame,
        id="fm-top-risks",
        row_ids=[f"fm-risk-{i}" for i in p["finding_id"]],
        empty="No findings: nothing to report.",
    )


def attack_paths(analysis: Analysis, org: str | None = None, n: int = 5) -> Table:
    """The ``n`` riskiest attack paths: the data at risk, the way in, the route, the chance.

    Assets no path reaches (no internet-facing system or workstation leads to them) are
    not paths: with none at all the table is empty. A route is named from its steps'
    system ids, never by splitting its text (an id may hold " > ").
    """
    p = scoped(analysis.attack_paths, org)
    p = p[p["entry_system_id"].astype(str) != ""].head(n)
    systems = analysis.systems.set_index("system_id")["name"]
    names = org_names(analysis)
    routes = [
        " \u2192 ".join(str(systems.get(s["system_id"], s["system_id"])) for s in steps)
        for steps in p["steps"]
    ]
    frame = pd.DataFrame(
        {
            "Data at risk": p["asset_name"].to_list(),
            "Organisation": p["org_id"].map(names).fillna(p["org_id"]).to_list(),
            "Way in": [
                f"{systems.get(e, e)} ({ENTRY_WORDS.get(k, k)})"
                for e, k in zip(p["entry_system_id"], p["entry_kind"])
            ],
            "Route": routes,
            "Chance": [fmt.pct(v) for v in p["probability"]],
            "Risk": [fmt.risk(v) for v in p["risk"]],
        }
    )
    return Table(
        frame,
        id="fm-attack-paths",
        numeric=["Chance", "Risk"],
        empty="No attack path reaches any information asset.",
    )
