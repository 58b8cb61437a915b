"""Write "can we share this?" answers: ``check_flow.html`` (the disclaimer once, then
each proposal's verdict and answers with their sources), ``check_flow.csv`` (one row per
question) and ``check_flow_verdicts.csv`` (one row per proposal)."""

from __future__ import annotations

from pathlib import Path

from flowmap.governance.checkflow import (
    DISCLAIMER,
    PURPOSE_WORDS,
    SharingAnswer,
    answers_frame,
    verdicts_frame,
)
from flowmap.governance.sources import SOURCES
from flowmap.inventory.textstorage import python_text
from flowmap.render.files import dump_csv, output_files
from flowmap.render.paperwork.page import esc, page

VERDICT_TAGS = {
    "yes": ("green", "Yes"),
    "yes_with_conditions": ("amber", "Yes, with conditions"),
    "no": ("red", "No"),
    "cannot_tell": ("grey", "Cannot tell"),
}
STATUS_TAGS = {
    "ok": ("green", "settled"),
    "condition": ("amber", "condition"),
    "blocker": ("red", "blocks it"),
    "check": ("blue", "check"),
    "info": ("grey", "background"),
    "unknown": ("grey", "unknown"),
}


def _sources(ids: tuple[str, ...]) -> str:
    parts = []
    for i in dict.fromkeys(ids):
        s = SOURCES[i]
        mark = " [UNVERIFIED]" if s.confidence == "unverified" else ""
        url = f' <span class="small">{esc(s.url)}</span>' if s.url else ""
        parts.append(f"{esc(s.label)}{esc(mark)}{url}")
    return "<br>".join(parts)


def _reason(a: SharingAnswer) -> str:
    """The headline without its leading verdict (the tag beside it says that); with
    conditions, a pointer to the list below instead of the list itself."""
    if a.verdict == "yes_with_conditions":
        p = a.proposal
        return (
            f"{p.sender_name} sending {p.asset_name} to {p.receiver_name} for "
            f"{PURPOSE_WORDS.get(p.purpose, p.purpose)} can go ahead once the conditions "
            "below are in place."
        )
    head, _, rest = a.headline.partition(": ")
    return rest if rest and len(head) < 30 else a.headline


def answer_html(a: SharingAnswer) -> str:
    """One proposal's answer as an HTML fragment (also what an explorer can show)."""
    colour, label = VERDICT_TAGS[a.verdict]
    p = a.proposal
    rows = "".join(
        f'<tr><td>{esc(pt.question)}</td><td><span class="tag {STATUS_TAGS[pt.status][0]}">'
        f"{esc(STATUS_TAGS[pt.status][1])}</span></td><td>{esc(pt.answer)}</td>"
        f'<td class="small">{_sources(pt.sources)}</td></tr>'
        for pt in a.points
    )
    conditions = "".join(f"<li>{esc(c)}</li>" for c in a.conditions)
    return (
        f'<div class="card"><h2>{esc(p.proposal_id)}: {esc(p.asset_name)} from '
        f"{esc(p.sender_name)} to {esc(p.receiver_name)}</h2>"
        + (f"<p>{esc(p.note)}</p>" if p.note else "")
        + f'<p><span class="tag {colour}">{esc(label)}</span> {esc(_reason(a))}</p>'
        + (f"<h3>Conditions</h3><ol>{conditions}</ol>" if conditions else "")
        + '<table class="fixed"><colgroup><col style="width:20%"><col style="width:9%">'
        '<col style="width:45%"><col style="width:26%"></colgroup>'
        "<thead><tr><th>Question</th><th>Status</th><th>Answer</th>"
        f"<th>Sources</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


#: The files :func:`write_check_flow` writes, in its folder.
CHECK_FLOW_FILES = ("check_flow.csv", "check_flow_verdicts.csv", "check_flow.html")


@python_text
def write_check_flow(
    answers: list[SharingAnswer], out_dir: str | Path, *, source: str = "", force: bool = False
) -> list[Path]:
    """Write the answers to ``out_dir`` (all files or none); returns the paths."""
    finals = [Path(out_dir) / name for name in CHECK_FLOW_FILES]
    body = f'<div class="notice"><b>Please read first.</b> {esc(DISCLAIMER)}</div>'
    body += "".join(answer_html(a) for a in answers)
    html = page(
        "Can we share this?",
        "Answers from flowmap check-flow" + (f", from {source}" if source else "") + ".",
        body,
    )
    with output_files(finals, force=force) as (answers_csv, verdicts_csv, page_tmp):
        dump_csv(answers_frame(answers), answers_csv)
        dump_csv(verdicts_frame(answers), verdicts_csv)
        page_tmp.write_text(html, encoding="utf-8")
    return finals
