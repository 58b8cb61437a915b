"""Static charts for the board report (matplotlib, no display needed).

Each function returns a :class:`Chart`: ``chart.figure`` is the matplotlib figure and
Jupyter shows it as a PNG, which nbconvert embeds in the report (no external files).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from flowmap.render import fmt
from flowmap.render.board._html import RAG_COLOURS
from flowmap.render.board.load import scoped

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Resolution of the PNG embedded in the report (sharp when printed).
DPI = 150
#: Fill of a system box in the attack path diagram, and of the data reached.
SYSTEM_BOX = "#dee0e2"
DATA_BOX = "#1d3557"
ENTRY_LABEL = {"internet-facing": "Internet", "phishing": "Phishing email"}


class Chart:
    """A matplotlib figure that Jupyter displays as a PNG."""

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        FigureCanvasAgg(figure)

    def png(self) -> bytes:
        """The figure as PNG bytes."""
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
        return buf.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png()

    def __repr__(self) -> str:
        return f"Chart({self.figure.get_suptitle() or 'figure'})"


def _label(text: str, width: int = 18) -> str:
    words, lines, line = str(text).split(), [], ""
    for w in words:
        if line and len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    if len(lines) > 3:
        lines = lines[:2] + [fmt.shorten(" ".join(lines[2:]), width)]
    return "\n".join(lines)


def attack_path_diagram(analysis: Analysis, org: str | None = None, n: int = 5) -> Chart:
    """The ``n`` riskiest attack paths, one row each: way in, systems crossed, data reached."""
    paths = scoped(analysis.attack_paths, org).head(n)
    names = analysis.systems.set_index("system_id")
    longest = int(paths["hops"].max()) + 3 if len(paths) else 3
    fig = Figure(figsize=(max(6.0, 1.55 * longest), 0.5 + 0.95 * max(len(paths), 1)))
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_xlim(0, longest * 2.3)
    ax.set_ylim(-len(paths) * 1.3 - 0.2, 0.4)
    if not len(paths):
        ax.text(0.1, 0, "No attack path reaches any information asset.", fontsize=11)
    for row, p in enumerate(paths.itertuples()):
        y = -row * 1.3 - 0.5
        chain = [(ENTRY_LABEL.get(p.entry_kind, "Attacker"), RAG_COLOURS["grey"])]
        for step in p.steps:
            s = names.loc[step["system_id"]] if step["system_id"] in names.index else None
            unsupported = s is not None and s["eol_status"] == "eol"
            colour = RAG_COLOURS["red"] if unsupported else SYSTEM_BOX
            chain.append((s["name"] if s is not None else step["system_id"], colour))
        chain.append((f"{p.asset_name}\n{fmt.pct(p.probability)} chance", DATA_BOX))
        for i, (text, colour) in enumerate(chain):
            x = i * 2.3
            ax.add_patch(
                FancyBboxPatch(
                    (x, y - 0.4),
                    1.9,
                    0.8,
                    boxstyle="round,pad=0.02",
                    facecolor=colour,
                    edgecolor="none",
                    alpha=0.9,
                )
            )
            ax.text(
                x + 0.95,
                y,
                _label(text.split("\n")[0]) + ("\n" + text.split("\n")[1] if "\n" in text else ""),
                ha="center",
                va="center",
                fontsize=8,
                color="#0b0c0c" if colour == SYSTEM_BOX else "white",
                wrap=True,
            )
            if i:
                ax.annotate(
                    "",
                    xy=(x, y),
                    xytext=(x - 0.4, y),
                    arrowprops={"arrowstyle": "->", "color": "#0b0c0c"},
                )
    fig.suptitle(
        "Most likely attack paths: the way in, each system crossed, the data reached "
        "(red: an unsupported system)",
        fontsize=9,
    )
    return Chart(fig)


def risk_by_organisation_chart(
    analysis: Analysis, org: str | None = None, n: int = 12, *, by_asset: pd.DataFrame | None = None
) -> Chart:
    """Total risk by organisation (cyber and governance), largest first, by name.

    ``by_asset`` is ``analysis.risk_by_asset()`` when the caller already has it.
    """
    r = scoped(analysis.risk_by_asset() if by_asset is None else by_asset, org)
    g = r.groupby("org_id")[["cyber_risk", "governance_risk"]].sum()
    g = g.assign(total=g.sum(axis=1)).sort_values("total", ascending=True).tail(n)
    names = analysis.inventory.organisations.set_index("org_id")["name"]
    labels = [fmt.shorten(names.get(o, o), 38) for o in g.index]
    # room for the title, axis label and legend even for one organisation's bar
    fig = Figure(figsize=(8, 1.7 + 0.34 * max(len(g), 1)), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(labels, g["cyber_risk"], color=RAG_COLOURS["red"], label="Cyber (attack paths)")
    ax.barh(
        labels,
        g["governance_risk"],
        left=g["cyber_risk"],
        color=RAG_COLOURS["amber"],
        label="Governance (lawful basis, agreements, backups, ownership)",
    )
    ax.set_xlabel("risk points")
    fig.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)  # off the bars
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="y", labelsize=8)
    title = (
        "Risk by organisation"
        if len(g) >= len(r["org_id"].unique())
        else (f"Risk by organisation: the {len(g)} highest")
    )
    fig.suptitle(title, fontsize=11)
    return Chart(fig)


def trend_chart(trend) -> Chart | None:
    """Total risk at each position, oldest first (``None`` without earlier positions)."""
    points = [p for p in [*trend.earlier, trend.current] if p and p.total_risk is not None]
    if len(points) < 2:
        return None
    fig = Figure(figsize=(8, 2.6))
    ax = fig.add_subplot()
    xs = list(range(len(points)))
    ys = [p.total_risk for p in points]
    ax.plot(xs, ys, marker="o", color=RAG_COLOURS["grey"], linewidth=2)
    for x, y in zip(xs, ys):
        ax.annotate(
            fmt.risk(y), (x, y), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8
        )
    ax.set_xticks(xs, [fmt.day(p.as_of) for p in points], fontsize=8)
    ax.set_ylabel("total risk (risk points)", fontsize=8)
    ax.set_ylim(0, max(ys) * 1.2 or 1)
    ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle("Total risk over time", fontsize=11)
    fig.tight_layout()
    return Chart(fig)


__all__ = ["Chart", "attack_path_diagram", "risk_by_organisation_chart", "trend_chart"]
