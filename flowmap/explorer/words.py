"""What the explorer says about a selection, as escaped HTML: plain functions of the
:class:`~flowmap.explorer.scope.Scope` and the selection (no widgets)."""

from __future__ import annotations

import html

from flowmap.explorer.scope import Scope, Selection


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def what(scope: Scope, s: Selection) -> str:
    """The selection's name and id, as text."""
    if s.kind == "asset":
        return f"{scope.asset_names.get(s.asset, '')} ({s.asset})"
    if s.kind == "system":
        return f"{scope.system_names.get(s.system, '')} ({s.system})"
    if s.kind == "org":
        return f"{scope.org_names.get(s.org, '')} ({s.org})"
    return "the whole inventory"


def summary(scope: Scope, s: Selection) -> str:
    """One line: the selection, its problems by severity (and how many findings) and its
    risk or blast radius."""
    counts, findings = scope.severity_counts(s)
    found = ", ".join(f"{n:,} {sev}" for sev, n in counts.items()) or "none"
    if findings:
        found += f" ({findings:,} finding{'s' if findings != 1 else ''})"
    extra = ""
    if s.kind == "org":
        extra = f"; risk of its assets {scope.org_risk.get(s.org, 0.0):,.2f}"
    elif s.kind == "asset":
        extra = f"; risk {scope.asset_risk['total_risk'].get(s.asset, 0.0):,.2f}"
    elif s.kind == "system":
        extra = f"; blast radius {scope.blast_radius(s.system):,.1f}"
    if not len(scope.orgs):
        return (
            "<div class='fm-x-selected' data-kind='none' data-id=''>The inventory is empty: "
            "add organisations, systems and assets to it (docs/inventory-format.md).</div>"
        )
    return (
        f"<div class='fm-x-selected' data-kind='{s.kind}' data-id='"
        f"{esc(s.asset or s.system or s.org)}'><b>{esc(what(scope, s))}</b>: problems "
        f"{esc(found)}{extra}.</div>"
    )


def path_sentence(
    scope: Scope, s: Selection, focus: str, systems: list[str], p: float, what_if: bool
) -> str:
    """Which asset's path is shown, why that one, and how likely it is."""
    if not focus:
        return "<p>No asset to follow: choose an organisation.</p>"
    name = esc(f"{scope.asset_names.get(focus, '')} ({focus})")
    why = {"asset": "", "org": " (its riskiest asset)"}.get(s.kind, "")
    if s.kind == "system":
        held = scope.copies.iloc[scope.copies_on_system.get(s.system, [])]["asset_id"]
        why = (
            " (the riskiest asset held on it)"
            if focus in set(held)
            else " (its path runs through it)"
        )
    if not systems:
        return f"<p>No attack path reaches {name}{why}.</p>"
    moves = len(systems) - 1
    return (
        f"<p>Most likely attack path to <b>{name}</b>{why}: probability "
        f"<b class='fm-x-path-p' data-value='{p:.4f}'>{p:.2f}</b>, {moves} "
        f"move{'s' if moves != 1 else ''} after the entry point"
        + (" <i>(with the chosen actions)</i>" if what_if else "")
        + ". It is drawn in red on the map.</p>"
    )


def blast_sentence(scope: Scope, s: Selection) -> str:
    """What the blast-radius tab shows for the selection."""
    if s.kind == "system":
        return (
            f"<p>An attacker holding <b>{esc(what(scope, s))}</b> reaches, in one move, "
            f"assets of total impact <b>{scope.blast_radius(s.system):,.1f}</b> (its blast "
            "radius, docs/scoring.md): each asset at the best chance of reaching a copy.</p>"
        )
    return (
        f"<p>Systems of {esc(what(scope, s))} by blast radius (the impact an attacker "
        "holding one reaches in one move). Choose a system for its breakdown.</p>"
    )
