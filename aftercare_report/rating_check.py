"""Ratings against their descriptors: list each rating whose evidence its level rules out.

A level is a promise about a country: level 3 of accommodation says open, nationwide housing for
at least 12 months. When the evidence beside a 3 says "no source describes" or "tied to
cooperation", a reader who checks it stops trusting the brief. The checks are data
(``data/rating_checks.yaml``): phrases that contradict a level, and phrases a level requires.
What they find is for a reviewer to settle, not an error: a phrase can be negated or quoted.

Given the framework, the check also reads each rating's ``meets``: the clause of the level's
descriptor the evidence meets, which must be there and be the descriptor's own words.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aftercare_report.errors import InputError
from aftercare_report.loading import load_yaml
from aftercare_report.model import UNKNOWN, Framework, Profile
from aftercare_report.terms import ENGLISH_TERMS

CHECKS_FILE = Path(__file__).resolve().parent / "data" / "rating_checks.yaml"


class _Check(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    from_level: int = Field(ge=0, le=4)
    phrases: tuple[str, ...] = Field(strict=False, min_length=1)
    why: str
    components: tuple[str, ...] = Field(default=(), strict=False)


class _ChecksFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    schema_version: int
    contradicts: tuple[_Check, ...] = Field(default=(), strict=False)
    requires: tuple[_Check, ...] = Field(default=(), strict=False)


@dataclass(frozen=True)
class Check:
    """One check of ratings against descriptors.

    Attributes:
        id: Stable name (``conditional``), used by the review file.
        kind: ``contradicts`` (a phrase rules the level out) or ``requires`` (the level needs one).
        from_level: The lowest level it applies to.
        phrases: Lower-case phrases looked for in the evidence.
        why: What the descriptor says that the evidence does not bear out.
        components: The components it applies to; empty means all.
    """

    id: str
    kind: Literal["contradicts", "requires"]
    from_level: int
    phrases: tuple[str, ...]
    why: str
    components: tuple[str, ...] = ()

    def applies(self, component: str, level: int) -> bool:
        """Whether a rating of ``component`` at ``level`` is in this check's scope."""
        return level >= self.from_level and (not self.components or component in self.components)


@dataclass(frozen=True)
class Flag:
    """A rating a reviewer should look at.

    Attributes:
        profile: The profile's slug.
        component: The component id.
        level: Its level.
        check: The check's id.
        found: The phrase found (``contradicts``), or ``""`` when a required one is missing.
        why: What the level's descriptor needs that the evidence does not show.
    """

    profile: str
    component: str
    level: int
    check: str
    found: str
    why: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        """What a review file names to settle it: profile, component, level and check."""
        return (self.profile, self.component, self.level, self.check)


@functools.cache
def bundled_checks() -> tuple[Check, ...]:
    """The checks shipped with the tool."""
    return load_checks(CHECKS_FILE)


def load_checks(path: Path) -> tuple[Check, ...]:
    """Load and validate a checks file.

    Raises:
        InputError: With every problem, each located.
    """
    doc = load_yaml(path)
    try:
        data = _ChecksFile.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError([doc.finding(tuple(e["loc"]), e["msg"]) for e in exc.errors()]) from None
    kinds: tuple[Literal["contradicts", "requires"], ...] = ("contradicts", "requires")
    return tuple(
        Check(c.id, kind, c.from_level, tuple(p.lower() for p in c.phrases), c.why, c.components)
        for kind in kinds
        for c in getattr(data, kind)
    )


MEETS_MISSING = "meets-missing"
MEETS_NOT_IN_DESCRIPTOR = "meets-not-in-descriptor"


def flags(
    profile: Profile, checks: tuple[Check, ...] | None = None, framework: Framework | None = None
) -> list[Flag]:
    """List the ratings of a profile whose evidence does not bear out their level.

    Args:
        profile: A validated profile.
        checks: The checks to run (the bundled ones by default).
        framework: When given, each rating's ``meets`` is also checked against its descriptor.

    Returns:
        One flag per rating and check that fires, in component order.
    """
    found = list(_flags(profile, bundled_checks() if checks is None else checks))
    if framework is not None:
        found += _meets_flags(profile, framework)
    return found


def descriptor(framework: Framework, component: str, level: int) -> str:
    """The descriptor of a component's level in English, its term placeholders filled."""
    text = framework.components[component].levels[level]
    for key, word in ENGLISH_TERMS.items():
        text = text.replace("{" + key + "}", word)
        text = text.replace("{" + key[:1].upper() + key[1:] + "}", word[:1].upper() + word[1:])
    return text


def _plain(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


def _meets_flags(profile: Profile, framework: Framework) -> Iterator[Flag]:
    for cid, entry in profile.components.items():
        if entry.level == UNKNOWN or entry.level == "not_applicable":
            continue
        level = int(entry.level)
        wanted = descriptor(framework, cid, level)
        if entry.meets is None:
            why = f"give the clause of level {level} that the evidence meets: {wanted}"
            yield Flag(profile.slug, cid, level, MEETS_MISSING, "", why)
        elif _plain(entry.meets) not in _plain(wanted):
            why = f"'meets' is not in the words of level {level}'s descriptor: {wanted}"
            yield Flag(profile.slug, cid, level, MEETS_NOT_IN_DESCRIPTOR, entry.meets, why)


def _flags(profile: Profile, checks: tuple[Check, ...]) -> Iterator[Flag]:
    for cid, entry in profile.components.items():
        if entry.level == UNKNOWN:
            continue
        level = int(entry.level)
        text = " ".join(entry.evidence.lower().split())
        for check in checks:
            if not check.applies(cid, level):
                continue
            found = next((p for p in check.phrases if p in text), None)
            if check.kind == "contradicts" and found:
                yield Flag(profile.slug, cid, level, check.id, found, check.why)
            elif check.kind == "requires" and found is None:
                yield Flag(profile.slug, cid, level, check.id, "", check.why)
