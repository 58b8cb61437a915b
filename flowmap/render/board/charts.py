"""Static charts for the board report (matplotlib, no display needed).

Each function returns a :class:`Chart`: ``chart.figure`` is the matplotlib figure and
Jupyter shows it as a PNG, which nbconvert embeds in the report (no external files).
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from flowmap.render.board._html import RAG_COLOURS
from flowmap.render.board.load import scoped

#: Resolution of the PNG embedded in the report.
DPI = 100
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
    return "\n".join(lines[:3])


def attack_path_diagram(analysis, org: str | None = None, n: int = 5) -> Chart:
    """The ``n`` riskiest attack paths, one row each: way in, systems crossed, data reached."""
    paths = scoped(analysis.attack_paths, org).head(n)
    names = analysis.systems.set_index("system_id")
    longest = int(paths["hops"].max()) + 3 if len(paths) else 3
    fig = Figure(figsize=(max(8.0, 2.3 * longest), 0.4 + 1.3 * max(len(paths), 1)))
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
            colour = (
                RAG_COLOURS["red"]
                if s is not None and s["eol_status"] == "eol"
                else RAG_COLOURS["amber"]
            )
            chain.append(
                (
                    f"{s['name'] if s is not None else step['system_id']}\n({step['system_id']})",
                    colour,
                )
            )
        chain.append(
            (
                f"{p.asset_name}\n{p.probability:.0%} chance, risk {p.risk:.0f}",
                RAG_COLOURS["green"] if p.risk < 10 else RAG_COLOURS["red"],
            )
        )
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
                fontsize=7,
                color="white",
                wrap=True,
            )
            if i:
                ax.annotate(
                    "",
                    xy=(x, y),
                    xytext=(x - 0.4, y),
                    arrowprops={"arrowstyle": "->", "color": "#0b0c0c"},
                )
    fig.suptitle("Most likely attack paths (red: unsupported system)", fontsize=11)
    return Chart(fig)


def risk_by_organisation_chart(analysis, org: str | None = None, n: int = 12) -> Chart:
    """Total risk by organisation (cyber and governance), largest first."""
    r = scoped(analysis.risk_by_asset(), org)
    g = r.groupby("org_id")[["cyber_risk", "governance_risk"]].sum()
    g = g.assign(total=g.sum(axis=1)).sort_values("total", ascending=True).tail(n)
    fig = Figure(figsize=(8, 0.5 + 0.35 * max(len(g), 1)))
    ax = fig.add_subplot()
    ax.barh(g.index, g["cyber_risk"], color=RAG_COLOURS["red"], label="cyber")
    ax.barh(
        g.index,
        g["governance_risk"],
        left=g["cyber_risk"],
        color=RAG_COLOURS["amber"],
        label="governance",
    )
    ax.set_xlabel("risk (impact points, docs/scoring.md section 6)")
    ax.legend(loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle("Risk by organisation", fontsize=11)
    fig.tight_layout()
    return Chart(fig)


__all__ = ["Chart", "attack_path_diagram", "risk_by_organisation_chart"]
