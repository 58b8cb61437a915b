#!/usr/bin/env python3
"""Convert endoflife.date product pages (products/<name>.md, YAML front matter)
into the JSON that endoflife.date serves at /api/v1/products/<name>/ .

We could not reach endoflife.date itself, so the JSON files next to this
script were produced offline from a git mirror of
https://github.com/endoflife-date/endoflife.date (MIT licence) by re-doing,
in Python, what the site's Jekyll plugins do at build time:

  * _config.yml "defaults" for products/  (column flags and labels, LTSLabel,
    customFields: [], identifiers: [], alternate_urls: [])
  * _plugins/product-data-enricher.rb     (id, tags, aliases, column label
    overrides, per-release id/label/link and is_*/..._from fields)
  * _plugins/generate-api-v1.rb           (JSON shape, API version 1.2.1)

The output shape (documented in api_v1/openapi.yml, schemas ProductDetails and
ProductRelease) is:

  {"schema_version": "1.2.1", "generated_at": ISO datetime,
   "last_modified": ISO datetime of the last commit touching the .md,
   "result": {"name", "aliases", "label", "category", "tags", "versionCommand",
              "identifiers": [{"type", "id"}],
              "labels": {"eoas", "discontinued", "eol", "eoes"},
              "links": {"icon", "html", "releasePolicy"},
              "releases": [ {"name", "codename", "label", "releaseDate",
                             "isLts", "ltsFrom",
                             "isEoas", "eoasFrom",        # only if eoasColumn
                             "isEol", "eolFrom",
                             "isDiscontinued", "discontinuedFrom",  # only if discontinuedColumn
                             "isEoes", "eoesFrom",        # only if eoesColumn
                             "isMaintained",
                             "latest": {"name", "date", "link"} | null,
                             "custom": {...} | null}, ... ]}}

Differences from the real site output, on purpose or by necessity:
  * The boolean is* fields depend on "today" on the real site (build day).
    Here "today" is the --as-of date (default: the date of the commit
    converted) and generated_at is that commit's timestamp.  Recompute from
    the *From dates if you need another reference day.
  * Liquid in changelog templates (latest.link only) is rendered with
    python-liquid if it is installed; otherwise such links are left null.
  * Product-level fields the API v1 does not carry are not written.

Usage (read-only on the mirror; uses `git show`):
  python3 convert_endoflife.py --git-dir /path/to/endoflife.date.git \
      --commit <sha> --out-dir endoflife_api_v1  windows windows-server ...
Requires PyYAML.
"""
import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys

import yaml

API_VERSION = "1.2.1"
SITE_URL = "https://endoflife.date"

# _config.yml defaults for scope path "products" (endoflife.date @ a70eca33)
DEFAULTS = {
    "alternate_urls": [], "identifiers": [], "auto": [],
    "latestColumn": True, "latestColumnLabel": "Latest",
    "releaseDateColumn": True, "releaseDateColumnLabel": "Released",
    "discontinuedColumn": False, "discontinuedColumnLabel": "Discontinued",
    "eoasColumn": False, "eoasColumnLabel": "Active Support",
    "eolColumn": True, "eolColumnLabel": "Security Support",
    "eoesColumn": False, "eoesColumnLabel": "Extended Support",
    "staleReleaseThresholdDays": 365, "customFields": [],
    "LTSLabel": '<abbr title="Long Term Support">LTS</abbr>',
}

try:  # optional, only for latest.link templates that use Liquid
    import liquid  # python-liquid
    LIQUID = liquid.Environment()
    # Jekyll array filters used by some templates (Jekyll's "pop" drops the last item)
    LIQUID.add_filter("pop", lambda a, n=1: list(a)[:-int(n)] if n else list(a))
    LIQUID.add_filter("shift", lambda a, n=1: list(a)[int(n):])
except ImportError:  # pragma: no cover
    liquid = LIQUID = None

UNRENDERED = []


def git(git_dir, *args):
    return subprocess.run(["git", "-C", git_dir, *args], check=True,
                          capture_output=True, text=True).stdout


def front_matter(text):
    m = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.S)
    if not m:
        raise ValueError("no front matter")
    return yaml.safe_load(m.group(1))


STRIP_BLOCKS = re.compile(r"<script.*?</script>|<!--.*?-->|<style.*?</style>", re.S)
STRIP_TAGS = re.compile(r"<.*?>", re.S)


def strip_html(s):
    if s is None:
        return ""  # Ruby: nil.to_s -> ""
    s = STRIP_BLOCKS.sub("", str(s))
    return STRIP_TAGS.sub("", s)


def iso(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def render(template, cycle):
    link = template.strip().replace("__RELEASE_CYCLE__", cycle.get("releaseCycle") or "")
    link = link.replace("__CODENAME__", cycle.get("codename") or "")
    link = link.replace("__RELEASE_DATE__", iso(cycle["releaseDate"]))
    link = link.replace("__LATEST__", str(cycle.get("latest") or ""))
    lrd = cycle.get("latestReleaseDate")
    link = link.replace("__LATEST_RELEASE_DATE__", iso(lrd) if lrd else "")
    if "{{" in link or "{%" in link:
        if LIQUID is None:
            UNRENDERED.append(link)
            return None
        try:
            return LIQUID.from_string(link).render()
        except Exception as e:  # unsupported Liquid: leave null, report
            UNRENDERED.append(f"{link} ({e.__class__.__name__})")
            return None
    return link


def explode(cycle, field, bool_name, date_name, today):
    if field not in cycle:
        return
    v = cycle[field]
    if isinstance(v, dt.date):
        cycle[bool_name] = today > v
        cycle[date_name] = v
    else:
        cycle[bool_name] = v
        cycle[date_name] = None


def enrich(page, today):
    for k, v in DEFAULTS.items():
        page.setdefault(k, v)
    page["id"] = page["permalink"][1:]
    tags = page.get("tags")
    tags = (tags if isinstance(tags, list) else tags.split()) if tags else []
    tags = list(tags) + [page["category"]]
    page["tags"] = sorted(tags)
    page["aliases"] = [p[1:] for p in page["alternate_urls"]]
    if page.get("iconSlug"):
        page["iconUrl"] = f"https://cdn.jsdelivr.net/npm/simple-icons/icons/{page['iconSlug']}.svg"
    for col in ("releaseDateColumn", "latestColumn", "discontinuedColumn",
                "eoasColumn", "eolColumn", "eoesColumn"):
        if isinstance(page.get(col), str):
            page[col + "Label"] = page[col]
            page[col] = True
    for c in page["releases"]:
        c["id"] = c["releaseCycle"].replace("/", "-")
        c.setdefault("lts", False)
        explode(c, "lts", "is_lts", "lts_from", today)
        explode(c, "eoas", "is_eoas", "eoas_from", today)
        explode(c, "eoes", "is_eoes", "eoes_from", today)
        explode(c, "eol", "is_eol", "eol_from", today)
        explode(c, "discontinued", "is_discontinued", "discontinued_from", today)
        if "link" in c:
            if c["link"] and "__" in c["link"]:
                c["link"] = render(c["link"], c)
        elif page.get("changelogTemplate"):
            c["link"] = render(page["changelogTemplate"], c)
        tmpl = c.get("releaseLabel") or page.get("releaseLabel")
        c["label"] = render(tmpl, c) if tmpl else c["releaseCycle"]
        lts_label = page["LTSLabel"]
        if c.get("lts_from"):
            if c["is_lts"]:
                c["label"] = f"{c['label']} ({lts_label})"
            else:
                c["label"] = (f"{c['label']} (<span title=\"{c['lts_from'].isoformat()}\">"
                              f"Upcoming</span> {lts_label})")
        elif c.get("is_lts"):
            c["label"] = f"{c['label']} ({lts_label})"
        c["is_maintained"] = any(f in c and not c[f] for f in
                                 ("is_eoas", "is_eol", "is_discontinued", "is_eoes"))
    return page


def release_json(page, r):
    j = {
        "name": r["releaseCycle"], "codename": r.get("codename"),
        "label": strip_html(r.get("label")), "releaseDate": iso(r.get("releaseDate")),
        "isLts": r.get("is_lts"), "ltsFrom": iso(r.get("lts_from")),
        "isEoas": r.get("is_eoas"), "eoasFrom": iso(r.get("eoas_from")),
        "isEol": r.get("is_eol"), "eolFrom": iso(r.get("eol_from")),
        "isDiscontinued": r.get("is_discontinued"),
        "discontinuedFrom": iso(r.get("discontinued_from")),
        "isEoes": r.get("is_eoes"), "eoesFrom": iso(r.get("eoes_from")),
        "isMaintained": r.get("is_maintained"),
        "latest": {"name": r.get("latest"), "date": iso(r.get("latestReleaseDate")),
                   "link": r.get("link")},
        "custom": {f["name"]: iso(r.get(f["name"])) for f in page["customFields"]},
    }
    if not page["eoasColumn"]:
        del j["isEoas"], j["eoasFrom"]
    if not page["discontinuedColumn"]:
        del j["isDiscontinued"], j["discontinuedFrom"]
    if not page["eoesColumn"]:
        del j["isEoes"], j["eoesFrom"]
    if not page["latestColumn"]:
        j["latest"] = None
    if not page["customFields"]:
        j["custom"] = None
    return j


def product_json(page):
    def label(col):
        return strip_html(page[col + "Label"]) if page[col] else None
    return {
        "name": page["id"], "aliases": page["aliases"], "label": page["title"],
        "category": page["category"], "tags": page["tags"],
        "versionCommand": page.get("versionCommand"),
        "identifiers": [{"type": next(iter(i)), "id": i[next(iter(i))]}
                        for i in page["identifiers"]],
        "labels": {"eoas": label("eoasColumn"), "discontinued": label("discontinuedColumn"),
                   "eol": label("eolColumn"), "eoes": label("eoesColumn")},
        "links": {"icon": page.get("iconUrl"), "html": f"{SITE_URL}/{page['id']}",
                  "releasePolicy": page.get("releasePolicyLink")},
        "releases": [release_json(page, r) for r in page["releases"]],
    }


def check_types(name, page):
    """YAML 1.1 turns unquoted 8.1 into a float; report instead of guessing."""
    bad = []
    for r in page["releases"]:
        for k in ("releaseCycle", "latest", "codename"):
            if k in r and r[k] is not None and not isinstance(r[k], str):
                bad.append(f"{name}:{r.get('releaseCycle')}:{k}={r[k]!r}")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--git-dir", required=True)
    ap.add_argument("--commit", default="HEAD")
    ap.add_argument("--ref-prefix", default="products/",
                    help="path prefix of the product files in the commit")
    ap.add_argument("--as-of", help="YYYY-MM-DD reference day for is* flags "
                    "(default: commit date)")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("products", nargs="+")
    a = ap.parse_args()
    sha = git(a.git_dir, "rev-parse", a.commit).strip()
    cdate = git(a.git_dir, "show", "-s", "--format=%cI", sha).strip()
    cdt = dt.datetime.fromisoformat(cdate)
    today = dt.date.fromisoformat(a.as_of) if a.as_of else cdt.astimezone(dt.timezone.utc).date()
    os.makedirs(a.out_dir, exist_ok=True)
    problems = []
    for name in a.products:
        path = f"{a.ref_prefix}{name}.md"
        page = front_matter(git(a.git_dir, "show", f"{sha}:{path}"))
        problems += check_types(name, page)
        page = enrich(page, today)
        lm = git(a.git_dir, "log", "-1", "--format=%cI", sha, "--", path).strip()
        doc = {"schema_version": API_VERSION,
               "generated_at": cdt.astimezone(dt.timezone.utc).isoformat(),
               "last_modified": dt.datetime.fromisoformat(lm).astimezone(dt.timezone.utc).isoformat(),
               "result": product_json(page)}
        out = os.path.join(a.out_dir, f"{page['id']}.json")
        with open(out, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"{out}\t{len(page['releases'])} releases\tsource {path}@{sha[:12]}",
              file=sys.stderr)
    for u in UNRENDERED:
        print("LIQUID NOT RENDERED (link left null):", u, file=sys.stderr)
    for p in problems:
        print("NON-STRING VALUE (left as YAML parsed it):", p, file=sys.stderr)


if __name__ == "__main__":
    main()
