#!/usr/bin/env python3
"""Derive windows_builds.csv (build number -> Windows version) from the
converted endoflife.date API v1 JSON files in endoflife_api_v1/ (windows.json,
windows-server.json), cross-checked against DataForGeeks' scrape of
Microsoft's Windows release-information pages (content/ms/win/releases.json,
MIT, https://github.com/altrhombus/DataForGeeks).

endoflife.date writes each release cycle's build as latest.name, e.g.
"10.0.22631" for windows "11-23h2-e" / "11-23h2-w", "10.0.17763" for
windows-server "2019".  One output row per endoflife.date release cycle (so a
build appears several times: Enterprise/Education (E), Home/Pro (W), LTSC,
IoT, server).

Usage: python3 derive_windows_builds.py endoflife_api_v1 dfg_releases.json out.csv
(dfg_releases.json = `git show <commit>:content/ms/win/releases.json` of
DataForGeeks; optional, pass "-" to skip the cross-check.)
"""
import csv
import json
import re
import sys

EOL_COMMIT = "a70eca337600e7d721dc48112c271f98661d208b"
DFG_COMMIT = "6846a6a054aee7073d863832c23966ebffe7e666"


def version_name(product, name, label):
    """Marketing version as Microsoft writes it (23H2, 1809, 2019, 8.1, XP SP3)."""
    if product == "windows":
        m = re.match(r"^(10|11)-(\w+?)(-|$)", name)
        if m:
            return m.group(1), m.group(2).upper()
        # 8.1, 8, 7 SP1, Vista SP2, XP SP3: take the label
        return {"8.1": "8.1", "8": "8"}.get(name, label.split(" ")[0]), label
    # windows-server
    m = re.match(r"^(\d{4}|\d{2}h\d)-(sac|ac)$", name)
    if m:
        return "Server " + m.group(2).upper(), m.group(1).upper()
    return "Server", label.replace("Windows Server ", "").replace(" (LTSC)", "")


def channel(product, name, is_lts):
    if product == "windows-server":
        if name.endswith("-sac"):
            return "SAC"
        if name.endswith("-ac"):
            return "AC"
        return "LTSC" if is_lts else ""  # endoflife.date's lts flag
    parts = name.split("-")[2:]
    tags = {"e": "Enterprise/Education (E)", "w": "Home/Pro (W)", "lts": "LTSC",
            "iot": "IoT"}
    return " + ".join(tags.get(p, p) for p in parts) or "all editions"


def main(api_dir, dfg, out):
    ms = {}
    if dfg != "-":
        for r in json.load(open(dfg))["data"]:
            ms[r["os_build"]] = f"Windows {r['major_version']} {r['windows_version']}"
    rows = []
    for product in ("windows", "windows-server"):
        doc = json.load(open(f"{api_dir}/{product}.json"))
        for r in doc["result"]["releases"]:
            full = (r["latest"] or {}).get("name")
            if not full:
                continue
            build = full.split(".")[2] if full.count(".") >= 2 else ""
            family, ver = version_name(product, r["name"], r["label"])
            rows.append({
                "build": build,
                "full_version": full,
                "product": product,
                "family": ("Windows " + family),
                "version": ver,
                "channel": channel(product, r["name"], r["isLts"]),
                "eol_release": r["name"],
                "eol_label": r["label"],
                "release_date": r["releaseDate"],
                "eoas": r.get("eoasFrom") or "",
                "eol": r.get("eolFrom") or "",
                "eoes": r.get("eoesFrom") or "",
                "ms_release_info": ms.get(build, "") if product == "windows" else "",
                "source": f"endoflife-date/endoflife.date products/{product}.md@{EOL_COMMIT}"
                          + (f"; ms_release_info: altrhombus/DataForGeeks "
                             f"content/ms/win/releases.json@{DFG_COMMIT}"
                             if product == "windows" and build in ms else ""),
            })
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:4])
