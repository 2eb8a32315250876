"""List the ratings whose evidence does not bear out their level, for a reviewer to settle.

Usage: ``python scripts/check_ratings.py [PROFILE ...] [--review FILE] [--no-meets]``. With
no profiles, the bundled ones. Each rating the checks in
``aftercare_report/data/rating_checks.yaml`` flag is printed with what its level needs, and so
is each rating whose ``meets`` is missing or not in its descriptor's words (``--no-meets`` skips
that, for profiles written before the field existed); a flag the review file settles is printed
with the reviewer's reason. Exit 1 when a flag is unsettled or the review file settles a flag
that no longer fires (the rating or its evidence changed: look again).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from aftercare_report import catalog, rating_check

REVIEW = (
    Path(__file__).resolve().parent.parent / "docs" / "profile-research" / "ratings-review.yaml"
)


def load_review(path: Path) -> dict[tuple[str, str, int, str], str]:
    """Read the settled flags of a review file: (profile, component, level, check) -> reason."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    entries = (data or {}).get("settled") or []
    return {
        (e["profile"], e["component"], int(e["level"]), e["check"]): str(e["reason"])
        for e in entries
    }


def report(profiles: list[Path], review: Path, meets: bool = True) -> tuple[list[str], int]:
    """Return the lines to print and the exit code."""
    framework = catalog.load_framework()
    against = framework if meets else None
    loaded = catalog.load_profiles(profiles, framework)
    flags = [f for p in loaded for f in rating_check.flags(p, framework=against)]
    settled = load_review(review)
    lines, unsettled = [], 0
    for flag in flags:
        missing = "no 'meets'" if flag.check == rating_check.MEETS_MISSING else "no required phrase"
        found = f"'{flag.found}'" if flag.found else missing
        head = f"{flag.profile} {flag.component} at level {flag.level} [{flag.check}, {found}]"
        reason = settled.get(flag.key)
        if reason is None:
            unsettled += 1
            lines.append(f"UNSETTLED {head}: {flag.why}")
        else:
            lines.append(f"settled   {head}: {reason}")
    live = {f.key for f in flags}
    stale = [k for k in settled if k not in live]
    lines += [f"STALE     {' '.join(map(str, k))}: settled, but no longer flagged" for k in stale]
    lines.append(f"{len(flags)} flagged, {len(flags) - unsettled} settled, {len(stale)} stale.")
    return lines, 1 if unsettled or stale else 0


def main(argv: list[str]) -> int:
    """Run the check on the profiles named in ``argv`` (or the bundled ones)."""
    review = REVIEW
    meets = "--no-meets" not in argv
    argv = [a for a in argv if a != "--no-meets"]
    if "--review" in argv:
        at = argv.index("--review")
        review = Path(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    lines, code = report([Path(a) for a in argv], review, meets)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
