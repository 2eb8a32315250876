"""Pick claims at random from built Markdown briefs, for a spot check against their sources.

Usage: ``python scripts/pick_claims.py OUT_DIR [--count 20] [--seed N]``, where OUT_DIR holds
the Markdown briefs of ``aftercare-report build --format md``. A claim is a passage of a country
brief that ends with source numbers (``... 2024. [3, 7]``) and states a fact (a passage that only
says no source documents something is left out); the same number is picked from each country.
Each is printed with its brief and the sources its numbers name, with where their text was read
("read in a copy at ..."), so a checker can find each source and mark the claim.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

COUNTRIES = ("india", "nigeria", "thailand", "united-kingdom", "united-states")
_CITED = re.compile(r"([^.!?\n]*[^\s\[][^\n]*?)\s*\[(\d+(?:,\s*\d+)*)\]")
_NOTE = re.compile(r"^(\d+)\. (.*)$", re.M)
_ONLY_ABSENCE = re.compile(r"^[^.]*\b(?:unknown|not established)\b|^No source|^Who:", re.I)


def claims(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """The cited passages of a brief's main part and annex, before its source list."""
    body = text.split("\n### Sources", 1)[0]
    found = []
    for line in body.splitlines():
        for match in _CITED.finditer(line):
            sentence = re.sub(r"^[-*\d.|\s]+", "", match.group(1)).strip(" |")
            numbers = tuple(int(n) for n in match.group(2).split(","))
            if len(sentence) > 40 and not _ONLY_ABSENCE.match(sentence):
                found.append((sentence, numbers))
    return found


def notes(text: str) -> dict[int, str]:
    """The numbered source list of a brief."""
    listed = text.split("\n### Sources", 1)[-1]
    return {int(n): entry for n, entry in _NOTE.findall(listed)}


def main() -> None:
    """Print the picked claims with their sources."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    picked = []
    for stem in COUNTRIES:
        text = (args.out / f"{stem}.md").read_text(encoding="utf-8")
        listed = notes(text)
        pool = [(stem, c, [listed.get(n, "?") for n in nums]) for c, nums in claims(text)]
        picked += rng.sample(pool, args.count // len(COUNTRIES))
    for i, (stem, sentence, sources) in enumerate(picked):
        print(f"{i + 1}. [{stem}] {sentence}")
        for source in sources:
            print(f"     - {source}")


if __name__ == "__main__":
    main()
