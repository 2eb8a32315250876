"""Holes in a valid profile's evidence: warnings for its authors, data gaps in its briefs.

Shared by validation (which reports them with file:line) and assessment (which reports them as
data gaps), so the two can never disagree about what is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from aftercare_report import findings
from aftercare_report.i18n import evidence
from aftercare_report.limits import DEFAULT_STALE_YEARS
from aftercare_report.loading import KeyPath, dotted
from aftercare_report.model import UNKNOWN, Framework, Profile
from aftercare_report.terms import is_placeholder

EvidenceGapCode = Literal["unknown-level", "unsourced", "stale-source"]


def placeholder_texts(data: Any, path: KeyPath = ()) -> Iterator[KeyPath]:
    """Yield the key path of every text in a profile's raw data that is a placeholder."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in ("sources", "url"):
                yield from placeholder_texts(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from placeholder_texts(value, (*path, i))
    elif isinstance(data, str) and is_placeholder(data):
        yield path


def has_evidence(profile: Profile) -> bool:
    """Whether a profile records any evidence at all: a source, cited by something.

    A profile started from the skeleton and never filled asserts nothing: its brief says so
    rather than dating a masthead or stating that the country measures nothing.
    """
    return bool(profile.sources)


@dataclass(frozen=True)
class EvidenceGap:
    """A hole in a valid profile's evidence.

    Attributes:
        code: ``unknown-level``, ``unsourced`` or ``stale-source``.
        path: Key path of what it concerns.
        message: One sentence, fit for a brief.
    """

    code: EvidenceGapCode
    path: KeyPath
    message: str

    @property
    def subject(self) -> str:
        """The key path as dotted text."""
        return dotted(self.path)


def evidence_gaps(
    profile: Profile, framework: Framework, stale_years: int = DEFAULT_STALE_YEARS
) -> list[EvidenceGap]:
    """Find unknown levels, claims without a source, and sources too old for ``as_of``.

    Args:
        profile: A validated profile.
        framework: Its framework, for component and risk names.
        stale_years: Sources more than this many years older than ``as_of`` are stale.

    Returns:
        The gaps in document order.
    """
    out: list[EvidenceGap] = []
    for cid, entry in profile.components.items():
        name = framework.components[cid].name.lower()
        if entry.level == UNKNOWN:
            msg = findings.unknown_level(name)
            out.append(EvidenceGap("unknown-level", ("components", cid, "level"), msg))
        elif not entry.sources:
            out.append(
                EvidenceGap("unsourced", ("components", cid), findings.unsourced_level(name))
            )
    for rid, risk in profile.risk_factors.items():
        if risk.status != UNKNOWN and not risk.sources:
            msg = findings.unsourced_risk(framework.risk_factors[rid].name.lower(), risk.status)
            out.append(EvidenceGap("unsourced", ("risk_factors", rid), msg))
    for name, figure in profile.key_figures:
        if figure.known and not figure.sources:
            msg = findings.unsourced_figure(findings.figure_name(name))
            out.append(EvidenceGap("unsourced", ("key_figures", name), msg))
    for i, claim in enumerate(profile.claims):
        if not claim.sources:
            msg = findings.unsourced_claim(quoted(profile, claim.claim))
            out.append(EvidenceGap("unsourced", ("claims", i), msg))
    for sid, source in profile.sources.items():
        age = profile.as_of.year - source.year
        if age > stale_years and source.kind not in ("law", "treaty"):
            msg = findings.stale_source(
                quoted(profile, source.title), source.year, age, stale_years
            )
            out.append(EvidenceGap("stale-source", ("sources", sid, "year"), msg))
    return out


def quoted(profile: Profile, text: str) -> str:
    """A profile's text as a sentence of the tool quotes it.

    In the brief's language if the profile's translation gives it, else as written and tagged
    with its language (see ``i18n.evidence``).
    """
    return evidence(profile.slug, profile.language, " ".join(text.split()), tag=True)
