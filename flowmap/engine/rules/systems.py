"""System rules, one module per concept, in catalogue order.

- :mod:`~flowmap.engine.rules.support`: vendor support of the operating system;
- :mod:`~flowmap.engine.rules.vulnerabilities`: known-exploited, overdue and stale patching;
- :mod:`~flowmap.engine.rules.exposure`: internet exposure, SMBv1 and MFA.

What they share is in :mod:`~flowmap.engine.rules.sysbase`.
"""

from __future__ import annotations

from flowmap.engine.rules import exposure, support, vulnerabilities

RULES = (
    support.EOL_OS,
    support.EOL_EXTENDED,
    support.EOL_SOON,
    support.OS_UNKNOWN,
    vulnerabilities.KEV_OPEN,
    vulnerabilities.KEV_MITIGATED,
    vulnerabilities.PATCH_OVERDUE,
    vulnerabilities.PATCH_STALE,
    exposure.INTERNET_EXPOSED_VULNERABLE,
    exposure.SMB1_ENABLED,
    exposure.NO_MFA_INTERNET,
)
