"""The risk-versus-spend curve as a small SVG drawn in Python (no plotting library in the
browser, nothing fetched): every label is escaped text."""

from __future__ import annotations

import html

import pandas as pd

WIDTH, HEIGHT = 560, 230
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 18, 44


def _money(value: float) -> str:
    if value >= 1_000_000:
        return f"£{value / 1_000_000:,.1f}m"
    if value >= 1_000:
        return f"£{value / 1_000:,.0f}k"
    return f"£{value:,.0f}"


def spend_curve(points: pd.DataFrame, *, budget: float, marker: tuple[float, float] | None) -> str:
    """An SVG step chart of ``risk_left`` against ``spent_gbp``, with the budget as a
    dashed line and ``marker`` (spent, risk left) as a dot."""
    if points.empty:
        return "<p>No plan yet.</p>"
    x_max = max(float(points["spent_gbp"].max()), float(budget), 1.0)
    y_max = max(float(points["risk_left"].max()), 1.0)
    y_min = min(float(points["risk_left"].min()), y_max)
    y_low = max(0.0, y_min - (y_max - y_min) * 0.1)
    span = max(y_max - y_low, 1e-9)

    def x(v: float) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * v / x_max, 1)

    def y(v: float) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - (v - y_low) / span), 1)

    path = []
    prev = None
    for spent, risk in zip(points["spent_gbp"], points["risk_left"]):
        if prev is not None:
            path.append(f"L{x(spent)},{y(prev)}")
        path.append(f"{'M' if prev is None else 'L'}{x(spent)},{y(risk)}")
        prev = risk
    ticks = []
    for i in range(5):
        v = x_max * i / 4
        ticks.append(
            f'<text x="{x(v)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
            f"{html.escape(_money(v))}</text>"
        )
        r = y_low + span * i / 4
        ticks.append(f'<text x="{LEFT - 6}" y="{y(r) + 4}" text-anchor="end">{r:,.0f}</text>')
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Risk left against money spent" '
        'style="font:11px system-ui,Arial,sans-serif;max-width:100%">',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#555"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#555"/>',
        *ticks,
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 6}" text-anchor="middle">'
        "money spent</text>",
        f'<text x="12" y="{(TOP + HEIGHT - BOTTOM) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 12 {(TOP + HEIGHT - BOTTOM) / 2})">risk left</text>',
        f'<line x1="{x(budget)}" y1="{TOP}" x2="{x(budget)}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#005eb8" stroke-dasharray="4 3"/>',
        f'<text x="{x(budget) + 4}" y="{TOP + 10}" fill="#005eb8">budget '
        f"{html.escape(_money(budget))}</text>",
        f'<path d="{" ".join(path)}" fill="none" stroke="#c2185b" stroke-width="2"/>',
    ]
    if marker is not None:
        parts.append(
            f'<circle cx="{x(marker[0])}" cy="{y(marker[1])}" r="5" fill="#c2185b">'
            f"<title>{html.escape(_money(marker[0]))} spent, risk left {marker[1]:,.1f}</title>"
            "</circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
