"""Likelihood that each system can be compromised, with the reasons.

Each weakness a system has is read as an independent chance that an attacker gets
in through it; the system's likelihood is the chance that at least one works:

    likelihood = 1 - (1 - base) * prod(1 - p_weakness)

so adding a weakness never lowers it and removing one never raises it. The
weaknesses and their probabilities (:class:`~flowmap.engine.settings.AnalysisSettings`)
are explained in ``docs/scoring.md``. Everything here is vectorised over all
systems at once.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from flowmap.engine.settings import AnalysisSettings
from flowmap.reference.eol import MATCH_COLUMNS

#: System kinds expected to run an operating system someone patches.
OS_KINDS = frozenset(
    {"server", "workstation", "database", "application", "medical_device", "network_device"}
)
#: Kinds with no operating system of the operator's own: a supplier runs SaaS; paper is paper.
NO_OS_KINDS = frozenset({"saas", "paper_store"})
#: Hosting run by someone else: cloud storage and a supplier's appliances are theirs to patch.
SUPPLIER_HOSTING = frozenset({"cloud", "third_party"})


def expects_os(systems: pd.DataFrame) -> pd.Series:
    """Systems expected to run an operating system or firmware their operator patches.

    The :data:`OS_KINDS`; storage the organisation runs itself (a NAS, a file server, a
    SAN: hosting on premises or not recorded), whose firmware is as exposed as any
    server's; and a backup target whose OS is recorded. An OS recorded for SaaS or paper
    is not the operator's to patch.

    >>> expects_os(pd.DataFrame({"kind": ["server", "storage", "storage", "backup_target",
    ...     "backup_target", "saas"], "hosting": ["", "on_premises", "cloud", "", "", ""],
    ...     "os": ["", "", "", "Debian 12", "", "Windows"]})).tolist()
    [True, True, False, True, False, False]
    """
    kind = systems["kind"]
    own_storage = (kind == "storage") & ~systems["hosting"].isin(SUPPLIER_HOSTING)
    recorded = (kind == "backup_target") & (systems["os"] != "")
    return kind.isin(OS_KINDS) | own_storage | recorded


def internet_exposure(systems: pd.DataFrame) -> pd.Series:
    """``yes``, ``unknown`` or ``no``: whether each system can be reached from the internet.

    An empty ``internet_facing`` cell is ``unknown`` (and read as the risky answer, so as
    reachable) except for paper stores, which no one reaches over a network.

    >>> internet_exposure(pd.DataFrame({"kind": ["server", "server", "paper_store", "server"],
    ...     "internet_facing": pd.array([True, None, None, False], dtype="boolean")})).tolist()
    ['yes', 'unknown', 'no', 'no']
    """
    facing = systems["internet_facing"]
    unknown = facing.isna() & (systems["kind"] != "paper_store")
    return pd.Series(
        np.select(
            [facing.fillna(False).astype(bool).to_numpy(), unknown.to_numpy()],
            ["yes", "unknown"],
            "no",
        ),
        index=systems.index,
        dtype=object,
    )


ACTIVE_STATUSES = ("open", "risk_accepted")
FACTORS = ("p_vulnerabilities", "p_end_of_life", "p_patch_age", "p_internet", "p_smb1", "p_no_mfa")


def vulnerability_likelihood(vulns: pd.DataFrame, settings: AnalysisSettings) -> pd.Series:
    """Probability each vulnerability row is exploited (0 when fixed).

    The larger of the EPSS probability and the CVSS band (unknown CVSS counts as
    high), raised to at least 0.6 for a known-exploited (KEV) vulnerability, 0.7 when
    ransomware uses it.

    Examples
    --------
    >>> v = pd.DataFrame({"kev": pd.array([True, False, False], dtype="boolean"),
    ...     "ransomware": pd.array([True, None, None], dtype="boolean"),
    ...     "epss": [0.9, 0.02, None], "cvss": [9.8, 9.8, None],
    ...     "status": ["open", "open", "fixed"]})
    >>> vulnerability_likelihood(v, AnalysisSettings()).round(2).tolist()
    [0.9, 0.3, 0.0]
    """
    s = settings
    cvss = vulns["cvss"].astype("float64")
    band = pd.Series(s.unknown_cvss_likelihood, index=vulns.index)
    assigned = pd.Series(False, index=vulns.index)
    for floor, p in s.cvss_band_likelihood:  # highest band first
        hit = ~assigned & (cvss >= floor)
        band[hit] = p
        assigned |= hit
    epss = vulns["epss"].astype("float64").fillna(0.0)
    p = np.maximum(band, epss)
    kev = vulns["kev"].fillna(False).astype(bool)
    ransomware = vulns["ransomware"].fillna(False).astype(bool)
    floor = np.where(ransomware, s.kev_ransomware_likelihood, s.kev_likelihood)
    p = p.where(~kev, np.maximum(p, floor))  # KEV raises the probability, never lowers it
    status = vulns["status"]
    factor = np.select(
        [status.isin(ACTIVE_STATUSES), status == "mitigated"], [1.0, s.mitigated_factor], 0.0
    )
    return (p * factor).astype("float64")


def overdue_mask(vulns: pd.DataFrame, as_of: dt.date, settings: AnalysisSettings) -> pd.Series:
    """Open vulnerabilities with CVSS >= 7 (or unknown) whose patch is older than 14 days.

    A risk acceptance with a reference takes a vulnerability out; one without a
    reference does not.
    """
    limit = pd.Timestamp(as_of) - pd.Timedelta(days=settings.patch_expectation_days)
    cvss = vulns["cvss"].astype("float64")
    accepted = (vulns["status"] == "risk_accepted") & (vulns["risk_acceptance_ref"] != "")
    return (
        (
            vulns["status"].isin(ACTIVE_STATUSES)
            & ~accepted
            & (cvss.isna() | (cvss >= 7.0))
            & (vulns["patch_released"] < limit)
        )
        .fillna(False)
        .astype(bool)
    )


def eol_status(
    systems: pd.DataFrame, os_match: pd.DataFrame, as_of: dt.date, settings: AnalysisSettings
) -> pd.Series:
    """Support status of each system's OS.

    One of ``eol`` (past end of support, no extension in force), ``eol_extended``
    (past end of support, paid extended updates in force), ``eol_soon`` (support
    ends within ``eol_soon_months``), ``supported``, ``unknown`` (an OS is expected
    but empty or not recognised, or the name may mean several releases of which some
    are past support and some not) or ``not_applicable`` (SaaS, storage, paper...).
    Where the name may mean several releases, the system is ``eol`` only when all of
    them are past support (``support_end``, of the release supported longest).
    An unknown ``esu`` cell is read as no extension.
    """
    today = pd.Timestamp(as_of)
    soon = today + pd.DateOffset(months=settings.eol_soon_months)
    support_end = os_match["support_end"]
    earliest = os_match["support_end_earliest"].fillna(support_end)
    extended_end = os_match["extended_end"]
    esu = systems["esu"].fillna(False).astype(bool)
    recognised = os_match["os_recognised"].astype(bool)
    expected = expects_os(systems)
    past = recognised & (support_end < today)
    extended = past & esu & (extended_end >= today)
    # the text may mean several releases: unsupported only when all of them are (past),
    # unknown while only some are
    split = recognised & ~past & (earliest < today)
    conditions = [
        past & extended,
        past,
        split,
        recognised & (earliest < soon),
        recognised,
        expected,
    ]
    choices = ["eol_extended", "eol", "unknown", "eol_soon", "supported", "unknown"]
    return pd.Series(np.select(conditions, choices, "not_applicable"), index=systems.index)


def system_likelihood(
    systems: pd.DataFrame,
    vulns: pd.DataFrame,
    os_match: pd.DataFrame,
    *,
    as_of: dt.date,
    settings: AnalysisSettings,
) -> pd.DataFrame:
    """Score every system; one row per system, indexed like ``systems``.

    Returns the factor probabilities (``p_*``), ``likelihood`` (0-1),
    ``likelihood_score`` (0-100), ``likelihood_band`` (1-5) and the evidence the
    rules quote: open, KEV and overdue vulnerability counts, OS support status and
    days since patching.
    """
    s = settings
    out = pd.DataFrame(index=systems.index)
    for col in MATCH_COLUMNS:
        out[col] = os_match[col]
    out["eol_status"] = eol_status(systems, os_match, as_of, s)

    p_vuln = vulnerability_likelihood(vulns, s)
    active = vulns["status"].isin(ACTIVE_STATUSES)
    kev = vulns["kev"].fillna(False).astype(bool)
    per_system = (
        pd.DataFrame(
            {
                "system_id": vulns["system_id"],
                "log_miss": np.log1p(-p_vuln.clip(upper=0.999)),
                "open": active,
                "kev": active & kev,
                "ransomware": active & kev & vulns["ransomware"].fillna(False).astype(bool),
                "overdue": overdue_mask(vulns, as_of, s),
            }
        )
        .groupby("system_id")
        .sum()
    )
    ids = systems["system_id"]
    out["open_vulnerabilities"] = ids.map(per_system["open"]).fillna(0).astype(int)
    out["open_kev"] = ids.map(per_system["kev"]).fillna(0).astype(int)
    out["open_ransomware"] = ids.map(per_system["ransomware"]).fillna(0).astype(int)
    out["overdue_patches"] = ids.map(per_system["overdue"]).fillna(0).astype(int)
    out["p_vulnerabilities"] = 1.0 - np.exp(ids.map(per_system["log_miss"]).fillna(0.0))

    status = out["eol_status"]
    out["p_end_of_life"] = np.select(
        [status == "eol", status == "eol_extended", status == "unknown"],
        [s.eol_likelihood, s.eol_extended_likelihood, s.os_unknown_likelihood],
        0.0,
    )

    days = (pd.Timestamp(as_of) - systems["last_patched"]).dt.days
    out["days_since_patch"] = days.astype("Int64")
    p_patch = pd.Series(0.0, index=systems.index)
    for threshold, p in sorted(s.patch_age_likelihood, reverse=True):
        p_patch = p_patch.where(~((days > threshold) & (p_patch == 0.0)), p)
    expects_patching = expects_os(systems)
    out["expects_os"] = expects_patching
    p_patch = p_patch.where(days.notna() | ~expects_patching, s.patch_unknown_likelihood)
    out["p_patch_age"] = p_patch.astype("float64")

    exposure = internet_exposure(systems)
    out["internet_exposure"] = exposure
    out["p_internet"] = np.select(
        [exposure == "yes", exposure == "unknown"],
        [s.internet_likelihood, s.internet_unknown_likelihood],
        0.0,
    )
    windows = out["os_product"].fillna("").str.contains("windows", case=False) | systems[
        "os"
    ].str.contains(r"\bwin", case=False, regex=True)
    smb1 = systems["smb1"]
    out["p_smb1"] = np.select(
        [smb1.fillna(False).astype(bool), smb1.isna() & windows],
        [s.smb1_likelihood, s.smb1_unknown_likelihood],
        0.0,
    )
    facing = exposure != "no"  # unknown is read as reachable
    mfa = systems["mfa"]
    no_mfa = (mfa == False).fillna(False)  # noqa: E712
    out["p_no_mfa"] = np.select(
        [facing & no_mfa, facing & mfa.isna()],
        [s.no_mfa_internet_likelihood, s.mfa_unknown_internet_likelihood],
        0.0,
    )
    miss = (1.0 - s.base_likelihood) * np.prod(
        [1.0 - out[f].to_numpy(dtype="float64") for f in FACTORS], axis=0
    )
    out["likelihood"] = np.minimum(1.0 - miss, s.max_likelihood).round(4)
    out["likelihood_score"] = (out["likelihood"] * 100).round(1)
    out["likelihood_band"] = band_of(out["likelihood"], (0.1, 0.25, 0.5, 0.75))
    return out


def band_of(values: pd.Series, edges: tuple[float, float, float, float]) -> pd.Series:
    """Band 1-5 of each value against four rising edges.

    >>> band_of(pd.Series([0.05, 0.3, 0.9]), (0.1, 0.25, 0.5, 0.75)).tolist()
    [1, 3, 5]
    """
    return pd.Series(
        np.searchsorted(np.asarray(edges), values.to_numpy(), side="right") + 1, index=values.index
    ).astype(int)


def entry_likelihood(
    systems: pd.DataFrame, likelihood: pd.Series, settings: AnalysisSettings
) -> pd.Series:
    """Probability an attacker gets a first foothold on each system from outside.

    Internet-facing systems are attacked directly (their likelihood), and so are
    systems whose exposure is not recorded (unknown is read as the risky answer);
    workstations, medical devices and mobiles are reached by phishing
    (``phishing_base``, raised by the device's own weakness). Other systems are not
    entry points (0).

    >>> sy = pd.DataFrame({"internet_facing": pd.array([True, False, None], dtype="boolean"),
    ...                    "kind": ["server", "workstation", "database"]})
    >>> entry_likelihood(sy, pd.Series([0.5, 0.2, 0.9]), AnalysisSettings()).round(2).tolist()
    [0.5, 0.12, 0.9]
    """
    s = settings
    direct = likelihood.where(internet_exposure(systems) != "no", 0.0)
    phish = np.where(
        systems["kind"].isin(s.phishing_kinds), s.phishing_base * (0.5 + 0.5 * likelihood), 0.0
    )
    return (1.0 - (1.0 - direct) * (1.0 - phish)).astype("float64")
