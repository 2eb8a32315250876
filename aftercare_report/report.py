"""Assess each country once: the unit everything downstream consumes.

A :class:`CountryReport` feeds the ``gaps`` and ``list`` commands, the JSON export and the briefs,
so a country that appears in several briefs is assessed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aftercare_report import findings
from aftercare_report.assess import Assessment, assess
from aftercare_report.limits import DEFAULT_STALE_YEARS
from aftercare_report.model import Framework, Profile
from aftercare_report.recommend import Recommendation, recommendations


@dataclass(frozen=True)
class CountryReport:
    """One country's assessment with its recommendations and key messages (default terms)."""

    assessment: Assessment
    recommendations: tuple[Recommendation, ...]
    key_messages: tuple[str, ...]

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
) -> tuple[CountryReport, ...]:
    """Assess each profile once against the framework and its peers.

    Args:
        profiles: The countries to report on.
        framework: The framework.
        peers: Countries to compare with (default: ``profiles`` themselves).
        stale_years: Sources this many years older than ``as_of`` count as data gaps.

    Returns:
        One report per profile, in the order given.
    """
    peer_set = tuple(profiles if peers is None else peers)
    out = []
    for profile in profiles:
        assessment = assess(profile, framework, peer_set, stale_years=stale_years)
        recs = recommendations(assessment)
        messages = findings.key_messages(assessment)
        out.append(CountryReport(assessment, recs, messages))
    return tuple(out)
