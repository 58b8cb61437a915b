"""The rule catalogue: typed rules with stable ids, one module per rule family.

>>> [r.id for r in RULES][:3]
['EOL_OS', 'EOL_EXTENDED', 'EOL_SOON']
>>> len({r.id for r in RULES}) == len(RULES)
True
"""

from __future__ import annotations

from flowmap.engine.rules import assets, backups, flows, paths, systems
from flowmap.engine.rules.base import FINDING_COLUMNS, Rule, RuleContext

RULES: tuple[Rule, ...] = (
    *systems.RULES,
    *paths.RULES,
    *flows.RULES,
    *assets.RULES,
    *backups.RULES,
)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

__all__ = ["FINDING_COLUMNS", "RULES", "RULES_BY_ID", "Rule", "RuleContext"]
