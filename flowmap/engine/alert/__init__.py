"""Alerts: what a new known-exploited vulnerability, or a vulnerable product, touches.

* :mod:`~flowmap.engine.alert.impact` -- :func:`alert_impact` and :class:`AlertImpact`;
* :mod:`~flowmap.engine.alert.products` -- which systems run a product (``os`` and
  ``software``, with the end-of-life matcher);
* :mod:`~flowmap.engine.alert.versions` -- version ranges, parsed and compared;
* :mod:`~flowmap.engine.alert.counterfactual` -- the attack paths if the vulnerability
  were exploitable everywhere it applies;
* :mod:`~flowmap.engine.alert.tables` and :mod:`~flowmap.engine.alert.words` -- the
  tables, the first action per system, the headline and the 48-hour checklist.
"""

from __future__ import annotations

from flowmap.engine.alert.impact import AlertImpact, alert_impact

__all__ = ["AlertImpact", "alert_impact"]
