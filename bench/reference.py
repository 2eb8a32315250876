"""A reference brief for the layout row of ``bench/render.py``: the baseline a brief should match.

Issue 13 compares the brief's layout cost per page with "a 7-page reference brief with TOC,
running heads, footnotes, tables and an SVG chart" measured on the same machine. The machine's
speed moves by half between minutes (a pure-Python loop takes 1.1-1.7 s), so a fixed number of
seconds cannot be a target; the reference is laid out in the same run, in turn with the brief,
and the row reports the ratio of seconds per page.

The reference is built here from the bundled profiles' own prose (their summaries and evidence),
so it has a policy brief's words and density: 9.5 pt text in paragraphs, headings, a table of
contents with page numbers, running heads and page numbers, footnotes (``float: footnote``), a
table of one row per component and an SVG bar chart. It has no per-clause source links, badges
or per-cell notes: it is the plain document a brief's pages can be compared with.
"""

from __future__ import annotations

import html
from pathlib import Path

import yaml

CSS = """
@page {
  size: A4;
  margin: 18mm 17mm 18mm 17mm;
  @top-left { content: string(title); font-size: 7.5pt; color: #555555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 7.5pt; }
  @footnote { border-top: 0.5pt solid #999999; padding-top: 1mm; }
}
@page :first { @top-left { content: none; } }
html { font-family: 'DejaVu Sans', sans-serif; font-size: 9.5pt; line-height: 1.4; color: #1a1a1a; }
h1 { font-size: 20pt; color: #1f4e79; string-set: title content(); margin: 0 0 6mm; }
h2 { font-size: 13pt; color: #1f4e79; border-bottom: 1pt solid #1f4e79; margin: 6mm 0 2mm;
     bookmark-level: 2; break-after: avoid; }
p { margin: 0 0 2mm; orphans: 2; widows: 2; }
nav ol { list-style: none; padding: 0; }
nav a { color: inherit; text-decoration: none; }
nav a::after { content: leader('.') target-counter(attr(href), page); }
.footnote { float: footnote; font-size: 7.5pt; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; margin: 2mm 0 4mm; }
th, td { text-align: left; vertical-align: top; padding: 1mm 1.5mm;
         border-bottom: 0.5pt solid #c9d1da; }
thead th { border-bottom: 1.2pt solid #1f4e79; }
tr { break-inside: avoid; }
svg { width: 100%; height: auto; }
"""


def _chart(rows: list[tuple[str, int]]) -> str:
    """A horizontal bar chart, one labelled bar per row, as inline SVG."""
    bars = []
    for i, (label, level) in enumerate(rows):
        y = 10 + i * 16
        bars.append(
            f'<text x="200" y="{y + 10}" text-anchor="end" font-size="10">'
            f"{html.escape(label)}</text>"
            f'<rect x="210" y="{y}" width="{level * 100}" height="11" fill="#1f4e79"/>'
        )
    height = 20 + len(rows) * 16
    return (
        f'<svg viewBox="0 0 660 {height}" width="660" height="{height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>Levels by component</title>'
        + "".join(bars)
        + "</svg>"
    )


def reference(profiles: Path, sections: int = 5, copies: int = 1) -> tuple[str, str]:
    """Return the reference brief's HTML and CSS, made from the profiles in ``profiles``.

    Args:
        profiles: Folder of profiles whose prose fills the brief.
        sections: Profiles used, one section each (8 pages for the five bundled ones).
        copies: How many times the sections are repeated: a document's fixed cost (its fonts,
            its stylesheet) weighs less per page the longer it is, so the brief is compared
            with a reference at least as long.
    """
    files = [p for p in sorted(profiles.glob("*.yaml")) if "." not in p.stem]  # not thailand.fr
    data = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in files]
    body: list[str] = []
    toc: list[str] = []
    notes = 0
    chosen = [(f"{c}-{n}", p) for c in range(copies) for n, p in enumerate(data[:sections], 1)]
    for n, profile in chosen:
        toc.append(f'<li><a href="#s{n}">{html.escape(profile["country"])}</a></li>')
        body.append(f'<h2 id="s{n}">{html.escape(profile["country"])}</h2>')
        body.append(f"<p>{html.escape(profile['summary'])}</p>")
        texts = [c["evidence"] for c in profile["components"].values() if c.get("evidence")]
        for k in range(0, len(texts), 3):
            notes += 1
            sources = list(profile["sources"].values())
            note = html.escape(sources[notes % len(sources)]["title"])
            paragraph = " ".join(html.escape(t) for t in texts[k : k + 3])
            body.append(f'<p>{paragraph}<span class="footnote">{note}</span></p>')
    first = data[0]
    rows = [
        (name.replace("_", " "), c.get("level") or 0) for name, c in first["components"].items()
    ]
    table = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{level}</td>"
        f"<td>{html.escape(first['components'][key].get('evidence', '')[:140])}</td></tr>"
        for (name, level), key in zip(rows, first["components"], strict=True)
    )
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Reference brief</title></head><body>"
        "<h1>Aftercare for survivors: a reference brief</h1>"
        f"<nav><ol>{''.join(toc)}</ol></nav>"
        f"{body[0]}{body[1]}"
        f"<figure>{_chart(rows)}</figure>"
        "<table><thead><tr><th>Component</th><th>Level</th><th>Evidence</th></tr></thead>"
        f"<tbody>{table}</tbody></table>"
        f"{''.join(body[2:])}"
        "</body></html>"
    )
    return document, CSS
