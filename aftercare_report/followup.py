"""What became of the previous edition's recommendations: GRETA's follow-up cycle, per country.

A profile records, per recommendation id of the previous edition, whether it was met, partly
met, not met, or whether no source says (``follow_up``). Joined with that edition's JSON (the
record of what it recommended, see :mod:`aftercare_report.editions`), each entry gets the words
it was published with and whether it was one of the page-2 steps. A recommendation of the
previous edition the profile does not follow up counts as ``no_information``: the brief never
suggests more is known than was recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from aftercare_report.editions import PublishedCountry
from aftercare_report.findings import FOLLOW_UP_STATUSES as STATUSES
from aftercare_report.model import FollowUpStatus, Profile

__all__ = ["STATUSES", "FollowUp", "FollowedUp", "follow_up"]


@dataclass(frozen=True)
class FollowedUp:
    """One recommendation of the previous edition, and what became of it.

    Attributes:
        id: Its id in the previous edition.
        status: ``met``, ``partly_met``, ``not_met`` or ``no_information``.
        evidence: What the sources say was done ("" when the profile records nothing).
        sources: Ids of the profile's sources registry.
        text: What the previous edition recommended ("" when its record is not kept).
        indicator: What it said to measure within 12 months ("" when unknown).
        institution: Whom it addressed ("" when unknown).
        headline: It was one of the previous edition's page-2 steps.
        recorded: The profile follows it up (False: counted as no information).
    """

    id: str
    status: FollowUpStatus
    evidence: str
    sources: tuple[str, ...]
    text: str = ""
    indicator: str = ""
    institution: str = ""
    headline: bool = False
    recorded: bool = True


@dataclass(frozen=True)
class FollowUp:
    """A country's follow-up of the previous edition.

    Attributes:
        edition: The edition followed up ("2026").
        edition_date: Its publication date, when the project file gives it.
        items: The previous page-2 steps first, in their order, then the other recommendations
            in the order that edition printed them, then ids its record does not hold.
        known: Whether the previous edition's record (its JSON) was read.
    """

    edition: str
    edition_date: dt.date | None
    items: tuple[FollowedUp, ...]
    known: bool

    def count(self, status: FollowUpStatus) -> int:
        """How many recommendations have this status."""
        return sum(item.status == status for item in self.items)

    @property
    def headline(self) -> tuple[FollowedUp, ...]:
        """The previous edition's page-2 steps: the most important, shown on page 2."""
        return tuple(item for item in self.items if item.headline)


def follow_up(
    profile: Profile, previous: PublishedCountry | None, edition_date: dt.date | None = None
) -> FollowUp | None:
    """Join a profile's follow-up with the previous edition's record of this country.

    Args:
        profile: The country; None is returned when it records no follow-up.
        previous: The country as the previous edition published it, or None when the project
            keeps no record of it.
        edition_date: The previous edition's publication date, if known.
    """
    recorded = profile.follow_up
    if recorded is None:
        return None
    given = {item.recommendation: item for item in recorded.items}
    items: list[FollowedUp] = []
    published = previous.recommendations if previous else ()
    for rec in sorted(published, key=lambda r: not r.headline):
        entry = given.pop(rec.id, None)
        made = (
            FollowedUp(rec.id, "no_information", "", (), recorded=False)
            if entry is None
            else FollowedUp(rec.id, entry.status, entry.evidence, entry.sources)
        )
        items.append(
            replace(
                made,
                text=rec.text,
                indicator=rec.indicator,
                institution=rec.institution_name,
                headline=rec.headline,
            )
        )
    items += [FollowedUp(i.recommendation, i.status, i.evidence, i.sources) for i in given.values()]
    return FollowUp(recorded.edition, edition_date, tuple(items), known=previous is not None)
