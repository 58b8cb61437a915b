"""Redaction for sharing a map outside the IG team: stable pseudonyms, no free text.

Every organisation, system, asset, flow, backup and zone id becomes a keyed hash
(HMAC-SHA256) of the original, so the same key gives the same pseudonyms on every
run and a partner cannot reverse them without the key. Names become "<kind> <hash>",
owners and free-text columns (:data:`flowmap.inventory.schema.FREE_TEXT_COLUMNS`) are dropped,
reference columns (agreement, lawful basis) only say whether they are recorded, and
finding messages (which quote names) are replaced by the rule's title.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pandas as pd

from flowmap.render.mapview.frames import MapFrames

#: Prefix of each kind of pseudonym.
PREFIXES = {
    "org": "ORG",
    "system": "SYS",
    "asset": "IA",
    "flow": "FLOW",
    "backup": "BK",
    "zone": "ZONE",
}
#: Shortest key accepted: text keys in characters, byte keys in bytes (128 bits).
MIN_KEY_CHARS = 24
MIN_KEY_BYTES = 16
#: Fewest different characters in a text key (``aaaa...`` is long but guessable).
MIN_KEY_DISTINCT = 8
MAKE_A_KEY = (
    'make a random one with: python3 -c "import secrets; print(secrets.token_urlsafe(32))" '
    "(or openssl rand -base64 32), keep it as you would a password, and give the same key "
    "each time the pseudonyms must match"
)


def check_key(key: str | bytes | None) -> None:
    """Refuse a redaction key that is empty, short or repetitive.

    Pseudonyms hide ids only while the key is secret and unguessable: organisation codes
    are few (an ODS code is 3 to 5 characters), so with a guessable key anyone can hash
    every code and read the map back. ``None`` (a random key for this map) is fine.

    Raises
    ------
    UsageError
        Naming the parameter and how to make a good key.

    Examples
    --------
    >>> check_key(None), check_key("Jk3v-9QxZr2mLp0Wt7YbNa4sHc1e")
    (None, None)
    >>> try:
    ...     check_key("board-2026")
    ... except Exception as e:
    ...     print(str(e)[:62])
    redact_key is too short (10 characters; at least 24 are needed
    """
    from flowmap.errors import UsageError

    if key is None:
        return
    if isinstance(key, bytes | bytearray):
        if len(key) < MIN_KEY_BYTES:
            raise UsageError(
                f"redact_key is too short ({len(key)} bytes; at least {MIN_KEY_BYTES} are "
                f"needed): {MAKE_A_KEY}",
                param="redact_key",
            )
        return
    text = str(key)
    if len(text) < MIN_KEY_CHARS:
        raise UsageError(
            f"redact_key is too short ({len(text)} characters; at least {MIN_KEY_CHARS} are "
            f"needed, or anyone could recover the ids by trying every code): {MAKE_A_KEY}",
            param="redact_key",
        )
    if len(set(text)) < MIN_KEY_DISTINCT:
        raise UsageError(
            f"redact_key repeats too few characters ({len(set(text))} different; at least "
            f"{MIN_KEY_DISTINCT}) to be unguessable: {MAKE_A_KEY}",
            param="redact_key",
        )


#: Free-text or reference columns that only say whether a value was recorded.
RECORDED_ONLY = ("lawful_basis", "special_condition", "dsa_ref")
DIGITS = 10  # hex digits of a pseudonym id (40 bits: collisions need ~a million ids)


class Pseudonymiser:
    """Keyed-hash pseudonyms: ``Pseudonymiser(key).id("org", "RXA") -> 'ORG-...'``.

    Parameters
    ----------
    key : str or bytes, optional
        The secret. The same key gives the same pseudonyms; without one a random key
        is drawn, so two runs differ and nobody can recompute them.

    Examples
    --------
    >>> key = "Jk3v-9QxZr2mLp0Wt7YbNa4sHc1e"
    >>> p = Pseudonymiser(key)
    >>> p.id("org", "RXA") == Pseudonymiser(key).id("org", "RXA")
    True
    >>> p.id("org", "RXA").startswith("ORG-"), p.id("org", "")
    (True, '')
    >>> p.id("org", "RXA") != Pseudonymiser(key + "x").id("org", "RXA")
    True
    """

    def __init__(self, key: str | bytes | None = None) -> None:
        check_key(key)
        if key is None:
            key = secrets.token_bytes(32)
        self._key = key.encode("utf-8") if isinstance(key, str) else bytes(key)

    def digest(self, kind: str, value: str) -> str:
        message = f"{kind}\x00{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def id(self, kind: str, value: object) -> str:
        """The pseudonym of one id (empty stays empty)."""
        text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
        if text == "":
            return ""
        return f"{PREFIXES[kind]}-{self.digest(kind, text)[:DIGITS]}"

    def ids(self, kind: str, values: pd.Series) -> pd.Series:
        """Pseudonyms of a column of ids, computed once per distinct value."""
        values = values.fillna("").astype(str)
        mapping = {v: self.id(kind, v) for v in values.unique()}
        return values.map(mapping)


def redact_frames(frames: MapFrames, key: str | bytes | None = None) -> MapFrames:
    """A copy of ``frames`` with pseudonyms for every id and name and no free text.

    Examples
    --------
    >>> import datetime, flowmap
    >>> from flowmap.render.mapview.frames import frames_of
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> r = redact_frames(frames_of(a), key="an-example-key-of-24-chars+")
    >>> "RXA" in set(r.orgs["org_id"]), bool(r.assets["owner"].eq("").all())
    (False, True)
    """
    p = Pseudonymiser(key)
    orgs = frames.orgs.copy()
    sector_label = orgs["sector"].str.replace("_", " ").str.capitalize()
    orgs["org_id"] = p.ids("org", orgs["org_id"])
    orgs["name"] = sector_label + " " + orgs["org_id"].str[4:10]

    systems = frames.systems.copy()
    systems["system_id"] = p.ids("system", systems["system_id"])
    systems["name"] = (
        systems["kind"].str.replace("_", " ").str.capitalize()
        + " "
        + systems["system_id"].str[4:10]
    )
    systems["org_id"] = p.ids("org", systems["org_id"])
    systems["supplier_org_id"] = p.ids("org", systems["supplier_org_id"])
    systems["zone"] = p.ids("zone", systems["zone"])
    systems["os"] = ""  # typed by a person; the end-of-life status says what matters

    assets = frames.assets.copy()
    assets["asset_id"] = p.ids("asset", assets["asset_id"])
    assets["name"] = "Asset " + assets["asset_id"].str[3:9]
    assets["org_id"] = p.ids("org", assets["org_id"])
    assets["owner"] = ""

    flows = frames.flows.copy()
    flows["flow_id"] = p.ids("flow", flows["flow_id"])
    flows["asset_id"] = p.ids("asset", flows["asset_id"])
    for col, kind in (
        ("source_system_id", "system"),
        ("target_system_id", "system"),
        ("sender_org_id", "org"),
        ("receiver_org_id", "org"),
    ):
        flows[col] = p.ids(kind, flows[col])
    for col in RECORDED_ONLY:
        flows[col] = flows[col].fillna("").astype(str).ne("").map({True: "recorded", False: ""})

    backups = frames.backups.copy()
    backups["backup_id"] = p.ids("backup", backups["backup_id"])
    for col in ("source_system_id", "target_system_id"):
        backups[col] = p.ids("system", backups[col])

    findings = frames.findings.copy()
    kinds = {
        "system": "system",
        "asset": "asset",
        "flow": "flow",
        "backup": "backup",
        "organisation": "org",
    }
    findings["subject_id"] = [
        p.id(kinds.get(t, "system"), s)
        for t, s in zip(findings["subject_type"], findings["subject_id"])
    ]
    findings["org_id"] = p.ids("org", findings["org_id"])
    findings["message"] = ""
    # Problem ids name systems and organisations; the map only groups by them.
    findings["problem_id"] = [f"problem:{i}" for i in pd.factorize(findings["problem_id"])[0]]

    copies = frames.copies.copy()
    copies["asset_id"] = p.ids("asset", copies["asset_id"])
    copies["system_id"] = p.ids("system", copies["system_id"])
    copies["via"] = [
        p.id("flow" if how == "flow" else "backup", v)
        for how, v in zip(copies["how"], copies["via"])
    ]
    copies["route"] = [
        " > ".join(p.id("flow", f) for f in str(r).split(" > ")) if r else ""
        for r in copies["route"]
    ]

    paths = frames.paths.copy()
    for col, kind in (
        ("asset_id", "asset"),
        ("org_id", "org"),
        ("target_system_id", "system"),
        ("entry_system_id", "system"),
    ):
        paths[col] = p.ids(kind, paths[col])
    paths["systems"] = [tuple(p.id("system", s) for s in ss) for ss in paths["systems"]]
    paths["moves"] = [
        tuple("entry point" if i == 0 else "lateral move" for i in range(len(m)))
        for m in paths["moves"]
    ]
    return frames.with_tables(
        orgs=orgs,
        systems=systems,
        assets=assets,
        flows=flows,
        backups=backups,
        findings=findings,
        copies=copies,
        paths=paths,
        source="",
        redacted=True,
    )
