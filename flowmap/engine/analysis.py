"""``analyse``: score systems and data, find attack paths and copies, run every rule.

One call turns a loaded inventory into an :class:`Analysis` of pandas DataFrames
that notebooks can slice and that the map, report and planner read. Every date rule
is judged as of ``as_of``, so the same inventory and ``as_of`` give the same result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowmap.engine.blast import blast_radius
from flowmap.engine.copies import data_copies
from flowmap.engine.figures import summary_figures
from flowmap.engine.flowcontext import flow_context
from flowmap.engine.gcpause import cyclic_gc_paused
from flowmap.engine.impact import asset_impact
from flowmap.engine.likelihood import entry_likelihood, system_likelihood
from flowmap.engine.movement import movement_edges
from flowmap.engine.paths import AttackGraph, asset_paths, most_likely_paths
from flowmap.engine.problems import problems as problem_table
from flowmap.engine.risk import finding_asset, finding_risk
from flowmap.engine.rules import FINDING_COLUMNS, RULES, Rule, RuleContext
from flowmap.engine.settings import DEFAULT_SETTINGS, SEVERITIES, AnalysisSettings
from flowmap.inventory.model import Inventory
from flowmap.inventory.textstorage import python_text
from flowmap.progress import stages
from flowmap.reference.bundle import Reference
from flowmap.reference.epss import EpssScores
from flowmap.reference.kev import KevCatalogue

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class Analysis:
    """The result of :func:`analyse`.

    Attributes
    ----------
    findings : DataFrame
        One row per finding (columns in :data:`flowmap.engine.rules.FINDING_COLUMNS`), most
        severe first.
    systems : DataFrame
        The inventory's systems with OS support status, likelihood factors,
        ``likelihood`` (0-1), ``entry_likelihood``, ``reach`` (probability of the most
        likely attack path to it) and ``blast_radius``.
    assets : DataFrame
        The inventory's assets with ``impact`` (0-100), ``copies``, ``exposure``
        (likelihood of the weakest system holding a copy), ``reach`` and ``risk``.
    flows : DataFrame
        The inventory's flows with sender and receiver organisations and what the flow
        rules read (:func:`flowmap.engine.flowcontext.flow_context`); worked out on first
        read when :func:`analyse` ran no rules.
    attack_paths : DataFrame
        The most likely path to each asset, riskiest first.
    copies : DataFrame
        Every place each asset is held and how it got there.
    attack_graph : AttackGraph
        The movement graph as arrays and the most likely path to every node;
        ``movement`` is the same graph as networkx, built on first use.
    problems : DataFrame
        The findings grouped by ``problem_id``: one row per problem (the findings one
        fix would close), most severe first.
    summary : dict
        Counts of findings and problems by severity and rule, total risk, the headline
        figures (``headlines``) and each organisation's total risk and headline figures
        (``by_org``; see :mod:`flowmap.engine.figures`).
    """

    inventory: Inventory
    as_of: dt.date
    settings: AnalysisSettings
    findings: pd.DataFrame
    systems: pd.DataFrame
    assets: pd.DataFrame
    attack_paths: pd.DataFrame
    copies: pd.DataFrame
    attack_graph: AttackGraph = field(repr=False)
    reference: Reference = field(default_factory=Reference.bundled, repr=False)
    #: The flows' context when known (see ``flows``); None: worked out on first read.
    _flows: pd.DataFrame | None = field(default=None, repr=False)
    #: Each finding's counted governance risk and asset, with what they were worked out from.
    _risk: tuple[tuple[object, ...], pd.Series, pd.Series] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def finding_risk(self) -> pd.Series:
        """The governance risk each finding adds to the total, each weakness counted once
        (:func:`flowmap.engine.risk.finding_risk`); worked out once."""
        return self._finding_risk_and_asset()[0]

    def finding_asset(self) -> pd.Series:
        """The asset each finding concerns, '' for none
        (:func:`flowmap.engine.risk.finding_asset`); worked out once."""
        return self._finding_risk_and_asset()[1]

    @python_text
    def _finding_risk_and_asset(self) -> tuple[pd.Series, pd.Series]:
        key = (self.findings, self.flows, self.assets, self.settings)
        if self._risk is None or any(a is not b for a, b in zip(self._risk[0], key)):
            asset = finding_asset(self.findings, self.flows)
            risk = finding_risk(self.findings, self.flows, self.assets, self.settings, asset=asset)
            self._risk = (key, risk, asset)
        return self._risk[1], self._risk[2]

    @property
    @python_text
    def flows(self) -> pd.DataFrame:
        """The flows with their parties and data (see the class's attributes)."""
        if self._flows is None:
            self._flows = flow_context(self.inventory, self.assets)
        return self._flows

    @property
    def sources(self) -> dict[str, str]:
        """The reference data used, by name (see :class:`~flowmap.reference.Reference`)."""
        return dict(self.reference.sources)

    @property
    def warnings(self) -> list[str]:
        """What readers must be told of the reference data (:meth:`Reference.warnings`)."""
        return self.reference.warnings(self.as_of)

    @property
    def movement(self) -> nx.DiGraph:
        """The attacker's movement graph as networkx (built on first use; see
        :mod:`flowmap.engine.movement`)."""
        return self.attack_graph.G

    @property
    def cyber_risk(self) -> float:
        """Sum over assets of (probability of the most likely attack path) x impact."""
        return round(float(self.assets["risk"].sum()), 2)

    @property
    def governance_risk(self) -> float:
        """Sum over weaknesses (one problem about one asset) of the largest (score / 100) x
        the data's impact among their flow, asset and backup findings (docs/scoring.md)."""
        return round(float(self.finding_risk().sum()), 2)

    @property
    def total_risk(self) -> float:
        """Cyber plus governance risk, in impact points (see docs/scoring.md)."""
        return round(self.cyber_risk + self.governance_risk, 2)

    @python_text
    def risk_by_asset(self) -> pd.DataFrame:
        """Each asset's cyber, governance and total risk, largest first."""
        governance = self.finding_risk().groupby(self.finding_asset().to_numpy()).sum()
        out = self.assets[["asset_id", "name", "org_id", "impact"]].copy()
        out["cyber_risk"] = self.assets["risk"].to_numpy()
        out["governance_risk"] = out["asset_id"].map(governance).fillna(0.0).round(2)
        out["total_risk"] = (out["cyber_risk"] + out["governance_risk"]).round(2)
        return out.sort_values(
            ["total_risk", "asset_id"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)

    @property
    @python_text
    def problems(self) -> pd.DataFrame:
        """Findings grouped by problem, most severe first: the findings one fix would
        close, counted and ranked once (:func:`flowmap.engine.problems.problems`)."""
        return problem_table(self.findings)

    @property
    @python_text
    def summary(self) -> dict[str, object]:
        f = self.findings
        worst = (  # each problem's most severe finding
            f[["score", "problem_id", "severity"]]
            .sort_values("score", ascending=False, kind="stable")
            .drop_duplicates("problem_id")
        )
        cyber, governance = self.cyber_risk, self.governance_risk  # each computed once
        return {
            "as_of": self.as_of.isoformat(),
            "inventory": self.inventory.name,
            "rows": self.inventory.row_counts(),
            "findings": len(f),
            "by_severity": {s: int((f["severity"] == s).sum()) for s in SEVERITIES},
            "problems": int(f["problem_id"].nunique()),
            "problems_by_severity": {s: int((worst["severity"] == s).sum()) for s in SEVERITIES},
            "by_rule": {k: int(v) for k, v in f["rule"].value_counts().sort_index().items()},
            "total_risk": round(cyber + governance, 2),  # as total_risk
            "cyber_risk": cyber,
            "governance_risk": governance,
            "sources": dict(self.sources),
            "warnings": self.warnings,
            **summary_figures(self),
        }

    def __repr__(self) -> str:
        counts = self.findings["severity"].value_counts()
        sev = ", ".join(f"{k} {int(counts.get(k, 0))}" for k in SEVERITIES)
        return f"Analysis(as_of={self.as_of}, findings={len(self.findings)}: {sev})"


@python_text
def analyse(
    inventory: Inventory,
    *,
    as_of: dt.date | None = None,
    reference: Reference | None = None,
    settings: AnalysisSettings | None = None,
    rules: tuple[Rule, ...] = RULES,
    progress: bool = False,
) -> Analysis:
    """Analyse an inventory.

    Parameters
    ----------
    inventory : Inventory
        From :func:`flowmap.load_inventory`.
    as_of : date, optional
        The day every date rule is judged on (default today).
    reference : Reference, optional
        End-of-life table, CISA KEV catalogue and FIRST EPSS scores
        (:func:`flowmap.load_reference` reads them from files); default the bundled
        end-of-life table alone. A KEV catalogue marks matching vulnerabilities ``kev``
        (and ``ransomware`` where known); EPSS scores replace the inventory's ``epss``
        where listed. The analysis keeps it, so that what is computed from the
        analysis later is judged against the same data.
    settings : AnalysisSettings, optional
        Thresholds and weights (default :data:`flowmap.engine.settings.DEFAULT_SETTINGS`).
    progress : bool
        Show a progress bar over the stages.

    Examples
    --------
    >>> import datetime, flowmap
    >>> inv = flowmap.load_inventory("inventories/sample")
    >>> a = flowmap.analyse(inv, as_of=datetime.date(2026, 11, 1))
    >>> bool((a.findings["rule"] == "EOL_OS").any())
    True
    >>> bool(a.systems["likelihood"].between(0, 1).all())
    True
    """
    as_of = as_of or dt.date.today()
    settings = settings or DEFAULT_SETTINGS
    reference = reference or Reference.bundled()
    with (
        cyclic_gc_paused(),
        stages(
            [
                "reference data",
                "likelihood",
                "impact",
                "copies",
                "attack paths",
                "blast radius",
                "rules",
            ],
            enabled=progress,
        ) as step,
    ):
        step()
        vulns = _with_feeds(inventory.vulnerabilities, reference.kev, reference.epss)
        os_match = reference.eol.match_many(
            inventory.systems["os"], cpe=inventory.systems.get("os_cpe")
        )
        step()
        scored = system_likelihood(
            inventory.systems, vulns, os_match, as_of=as_of, settings=settings
        )
        systems = python_strings(pd.concat([inventory.systems, scored], axis=1))
        systems["entry_likelihood"] = entry_likelihood(
            inventory.systems, scored["likelihood"], settings
        ).round(4)
        step()
        assets = pd.concat(
            [inventory.assets, asset_impact(inventory.assets, settings=settings)], axis=1
        )
        step()
        enriched = inventory.with_tables(vulnerabilities=vulns)
        copies = data_copies(enriched)
        step()
        by_id = systems.set_index("system_id")
        moves = movement_edges(enriched, by_id["likelihood"], by_id["entry_likelihood"])
        attack = most_likely_paths(moves, backend=settings.path_backend)
        impact = assets.set_index("asset_id")["impact"]
        entry_kind = _entry_kinds(systems, settings)
        paths = asset_paths(attack, copies, inventory.assets, impact, entry_kind)
        systems["reach"] = [round(p, 4) for p in attack.reach_many(systems["system_id"]).tolist()]
        step()
        systems["blast_radius"] = (
            systems["system_id"]
            .map(blast_radius(enriched, copies, by_id["likelihood"], impact))
            .fillna(0.0)
        )
        copies = _annotate_copies(copies, systems)
        assets = _asset_exposure(assets, copies, paths)
        # the flows' context is for the rules: with none to run (flowmap alert), it waits
        # until something reads Analysis.flows
        flows = flow_context(enriched, assets) if rules else None
        step()
        if rules:
            ctx = RuleContext(
                inventory=enriched,
                as_of=as_of,
                settings=settings,
                systems=systems,
                assets=assets,
                copies=copies,
                paths=paths,
                flows=flows,
            )
            findings = run_rules(ctx, rules)
        else:
            findings = pd.DataFrame(columns=FINDING_COLUMNS)  # as run_rules gives for none
    return Analysis(
        inventory=enriched,
        as_of=as_of,
        settings=settings,
        findings=findings,
        systems=systems,
        assets=assets,
        _flows=flows,
        attack_paths=paths,
        copies=copies,
        attack_graph=attack,
        reference=reference,
    )


def python_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with pandas ``str`` columns as plain object columns of Python strings.

    The inventory's text columns are object columns; columns computed here (e.g. by
    ``numpy.select``) come out as pandas' ``str`` dtype, which is slow to iterate
    row by row. One dtype for text keeps every rule on the fast path.
    """
    text = [c for c, d in frame.dtypes.items() if isinstance(d, pd.StringDtype)]
    if not text:
        return frame
    return frame.astype({c: object for c in text})


def run_rules(ctx: RuleContext, rules: tuple[Rule, ...] = RULES) -> pd.DataFrame:
    """Every rule's findings in one frame, most severe first, then by rule and subject."""
    found = [(i, part) for i, part in enumerate(rule.run(ctx) for rule in rules) if len(part)]
    if not found:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    findings = pd.concat([part for _, part in found], ignore_index=True)
    rule_order = np.repeat([i for i, _ in found], [len(part) for _, part in found])
    # sorted as sort_values(["score", rule order, "subject_id"], ascending=[False, True,
    # True], kind="stable") sorts them, on numbers: each subject id's place among the
    # distinct ids (unknown last), the rule's place, and the score
    codes, ids = pd.factorize(findings["subject_id"])
    places = np.empty(len(ids) + 1, dtype=np.int64)
    places[np.argsort(np.asarray(ids, dtype=object), kind="stable")] = np.arange(len(ids))
    places[-1] = len(ids)  # the code of an unknown id (-1): after every id
    order = np.lexsort((places[codes], rule_order, -findings["score"].to_numpy(dtype=float)))
    return findings.take(order).reset_index(drop=True)


def _entry_kinds(systems: pd.DataFrame, settings: AnalysisSettings) -> dict[str, str]:
    phish = systems["kind"].isin(settings.phishing_kinds)
    kinds = pd.Series("", index=systems.index)
    kinds[phish] = "phishing"
    kinds[systems["internet_exposure"] == "unknown"] = "internet exposure not recorded"
    kinds[systems["internet_exposure"] == "yes"] = "internet-facing"
    return dict(zip(systems["system_id"], kinds))


def _annotate_copies(copies: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    columns = ["org_id", "name", "eol_status", "likelihood", "reach"]
    looked = systems.set_index("system_id")[columns].reindex(copies["system_id"])
    out = copies.copy()
    for column, name in zip(
        columns, ["org_id", "system_name", "eol_status", "likelihood", "reach"]
    ):
        out[name] = looked[column].to_numpy()
    return out


def _asset_exposure(
    assets: pd.DataFrame, copies: pd.DataFrame, paths: pd.DataFrame
) -> pd.DataFrame:
    per = copies.groupby("asset_id").agg(
        copies=("system_id", "count"),
        exposure=("likelihood", "max"),
        copy_orgs=("org_id", "nunique"),
    )
    p = paths.set_index("asset_id")
    out = assets.copy()
    out["copies"] = out["asset_id"].map(per["copies"]).fillna(0).astype(int)
    out["copy_orgs"] = out["asset_id"].map(per["copy_orgs"]).fillna(0).astype(int)
    out["exposure"] = out["asset_id"].map(per["exposure"]).fillna(0.0)
    out["reach"] = out["asset_id"].map(p["probability"]).fillna(0.0)
    out["risk"] = out["asset_id"].map(p["risk"]).fillna(0.0)
    return out


def _with_feeds(
    vulns: pd.DataFrame, kev: KevCatalogue | None, epss: EpssScores | None
) -> pd.DataFrame:
    """Mark KEV and ransomware use from the catalogue; take EPSS from the feed."""
    if kev is None and epss is None:
        return vulns
    out = vulns.copy()
    cve = out["cve_id"].str.strip().str.upper()
    if kev is not None:
        catalogue = kev.frame.drop_duplicates("cve_id").set_index("cve_id")
        listed = cve.isin(catalogue.index)
        out["kev"] = out["kev"].mask(listed, True).astype("boolean")
        ransom = cve.map(catalogue["ransomware"]).fillna(False).astype(bool)
        out["ransomware"] = out["ransomware"].mask(ransom, True).astype("boolean")
    if epss is not None:
        scores = epss.frame.drop_duplicates("cve_id").set_index("cve_id")["epss"]
        feed = cve.map(scores)
        out["epss"] = feed.where(feed.notna(), out["epss"]).astype("float64")
    return out
