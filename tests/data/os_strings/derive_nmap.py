#!/usr/bin/env python3
"""Derive nmap_os_db_classes.tsv from Debian nmap-common's nmap-os-db.

Usage (how the checked-in TSV was made, Debian 12 "bookworm"):

    cd /tmp && apt-get download nmap-common       # nmap-common_7.93+dfsg1-1_all.deb
    dpkg -x nmap-common_7.93+dfsg1-1_all.deb nmapx
    python3 derive_nmap.py nmapx/usr/share/nmap/nmap-os-db nmap_os_db_classes.tsv
    # optional: add the submitter comments as a 5th column
    python3 derive_nmap.py --with-comments nmapx/usr/share/nmap/nmap-os-db out.tsv

Output: one row per ``Fingerprint`` entry, tab separated, with a header row:

    line          1-based line number of the Fingerprint line in nmap-os-db
    fingerprint   text after "Fingerprint " (the human-readable OS name)
    classes       every "Class" line of the entry, text after "Class ",
                  i.e. "vendor | OS family | OS generation | device type",
                  in file order, joined with " ;; "
    cpes          every "CPE" line of the entry, text after "CPE " (a CPE 2.2
                  URI, sometimes followed by the flag " auto"), in file
                  order, joined with " ;; "
    comment       ONLY with --with-comments (not in the checked-in TSV, to
                  keep it small): the "#" comment lines directly above the
                  Fingerprint line (submitter notes, e.g. winver output),
                  "#" stripped, joined with " ;; "

Nothing else (the test vectors SEQ/OPS/WIN/... lines) is kept.  Tabs inside
values would be replaced by a space (none occur in 7.93).  Our own code (MIT,
as flowmap); the data it reads is Nmap's (see tests/data/README.md).
"""
import csv
import sys


def entries(lines):
    pending_comments = []
    cur = None
    for no, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        if line.startswith("Fingerprint "):
            if cur:
                yield cur
            cur = {"line": no, "fingerprint": line[len("Fingerprint "):].strip(),
                   "classes": [], "cpes": [], "comment": pending_comments}
            pending_comments = []
        elif line.startswith("Class ") and cur:
            cur["classes"].append(line[len("Class "):].strip())
        elif line.startswith("CPE ") and cur:
            cur["cpes"].append(line[len("CPE "):].strip())
        elif line.startswith("#"):
            pending_comments.append(line.lstrip("#").strip())
        elif not line.strip():
            pending_comments = []
    if cur:
        yield cur


def clean(s):
    return s.replace("\t", " ")


def main(src, dst, with_comments=False):
    with open(src, encoding="utf-8", errors="surrogateescape") as f:
        rows = list(entries(f))
    with open(dst, "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, delimiter="\t", lineterminator="\n",
                       quoting=csv.QUOTE_MINIMAL)
        w.writerow(["line", "fingerprint", "classes", "cpes"]
                   + (["comment"] if with_comments else []))
        for e in rows:
            row = [e["line"], clean(e["fingerprint"]),
                   clean(" ;; ".join(e["classes"])),
                   clean(" ;; ".join(e["cpes"]))]
            if with_comments:
                row.append(clean(" ;; ".join(c for c in e["comment"] if c)))
            w.writerow(row)
    print(f"{len(rows)} fingerprints written to {dst}", file=sys.stderr)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--with-comments"]
    main(args[0], args[1], with_comments="--with-comments" in sys.argv[1:])
