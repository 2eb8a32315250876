"""Assess each country once: the unit everything downstream consumes.

A :class:`CountryReport` feeds the ``gaps`` and ``list`` commands, the JSON export and the briefs,
so a country that appears in several briefs is assessed once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aftercare_report import findings
from aftercare_report.assess import Assessment, assess
from aftercare_report.editions import PublishedCountry
from aftercare_report.followup import FollowUp, follow_up
from aftercare_report.limits import DEFAULT_STALE_YEARS
from aftercare_report.model import Framework, Profile
from aftercare_report.recommend import Recommendation, recommendations
from aftercare_report.settings import Edition, ReplyRequest


@dataclass(frozen=True)
class CountryReport:
    """One country's assessment with its recommendations and key messages (default terms).

    Attributes:
        assessment: The assessment.
        recommendations: Its recommendations, page-2 steps first.
        key_messages: Its key findings.
        follow_up: What became of the previous edition's recommendations, or None.
        edition: The edition of the briefs and the previous one (the project's).
        request: When and to whom the page-2 steps were sent for a reply, if recorded.
    """

    assessment: Assessment
    recommendations: tuple[Recommendation, ...]
    key_messages: tuple[str, ...]
    follow_up: FollowUp | None = None
    edition: Edition = field(default_factory=Edition)
    request: ReplyRequest | None = None

    @property
    def profile(self) -> Profile:
        """The assessed profile."""
        return self.assessment.profile

    @property
    def headline(self) -> tuple[Recommendation, ...]:
        """The (at most five) recommendations that lead the brief, in order."""
        return tuple(r for r in self.recommendations if r.headline)


def analyse(
    profiles: Sequence[Profile],
    framework: Framework,
    peers: Sequence[Profile] | None = None,
    *,
    stale_years: int = DEFAULT_STALE_YEARS,
    edition: Edition | None = None,
    previous: Mapping[str, PublishedCountry] | None = None,
) -> tuple[CountryReport, ...]:
    """Assess each profile once against the framework and its peers.

    Args:
        profiles: The countries to report on.
        framework: The framework.
        peers: Countries to compare with (default: ``profiles`` themselves).
        stale_years: Sources this many years older than ``as_of`` count as data gaps.
        edition: The edition and the previous one (default: none named).
        previous: The previous edition as published, by ISO3 code, or None when the project
            keeps no record of it.

    Returns:
        One report per profile, in the order given.
    """
    peer_set = tuple(profiles if peers is None else peers)
    edition = edition or Edition()
    out = []
    for profile in profiles:
        assessment = assess(profile, framework, peer_set, stale_years=stale_years)
        recs = recommendations(assessment)
        messages = findings.key_messages(assessment)
        before = previous.get(profile.iso3) if previous is not None else None
        followed = follow_up(profile, before, edition.previous_date)
        request = edition.requests.get(profile.slug)
        out.append(CountryReport(assessment, recs, messages, followed, edition, request))
    return tuple(out)
