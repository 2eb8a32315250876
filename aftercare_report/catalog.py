"""Find, load and validate the framework and sets of country profiles.

This is the one place that turns paths into typed objects: everything downstream receives a
:class:`~aftercare_report.model.Framework` and validated :class:`~aftercare_report.model.Profile`s.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from aftercare_report import canonical, confine, overlay, profile_overlay, script_coverage
from aftercare_report.errors import Finding, InputError, Severity, display_path, sorted_findings
from aftercare_report.fonts import Coverage
from aftercare_report.i18n import current
from aftercare_report.limits import DEFAULT_STALE_YEARS, MAX_PROFILES, MB, PROFILE_TOTAL_BYTES
from aftercare_report.loading import Document, load_yaml, parse_yaml
from aftercare_report.model import Framework, Origin, Profile
from aftercare_report.resources import DEFAULT_FRAMEWORK, bundled
from aftercare_report.validation import (
    check_framework_refs,
    check_profile_refs,
    did_you_mean,
    parse_model,
    profile_warnings,
)

if TYPE_CHECKING:
    from aftercare_report.assess import Assessment

PROFILE_SUFFIXES = (".yaml", ".yml")
RESERVED_SLUGS = frozenset({"comparative", "manifest"})
"""File names a build writes for itself: a profile called so would overwrite them."""
_ODD_IN_NAMES = re.compile(r'[\x00-\x1f\x7f-\x9f:\\"<>|?*#\[\]\s]')
"""What a profile's file name may not hold: control characters and white space, what Windows
refuses in names (':' also starts workflow commands in a CI log, and '##[' the runner's older
ones), and '#', '[' and ']', which end or break the address of its brief on a web server."""
_NOT_UTF8 = re.compile("[\ud800-\udfff]")
"""What Python makes of file-name bytes that are not UTF-8 (surrogate escapes)."""


@dataclass(frozen=True)
class Checked:
    """The result of validating a set of profiles.

    Attributes:
        profiles: The profiles that passed, in file-name order.
        findings: Every error and warning, sorted by file and line.
        files: How many files were read.
        bundled: The files read that ship with the tool, as findings name them.
        documents: The document each profile was read from (its lines, for later findings).
        cited: How each valid profile cites its sources (originals, read through a copy,
            marked and unmarked copies), by the path findings name it by.
    """

    profiles: tuple[Profile, ...]
    findings: tuple[Finding, ...] = field(default=())
    files: int = 0
    bundled: frozenset[str] = frozenset()
    documents: tuple[Document, ...] = field(default=(), compare=False, repr=False)
    cited: tuple[tuple[str, canonical.SourceCounts], ...] = field(default=(), compare=False)

    @property
    def sources(self) -> canonical.SourceCounts:
        """How the valid profiles cite their sources, all together."""
        return sum((c for _, c in self.cited), canonical.SourceCounts())

    @property
    def errors(self) -> list[Finding]:
        """Findings that fail validation."""
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """Likely mistakes: they fail only under ``--strict``."""
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def data_gaps(self) -> list[Finding]:
        """Honest unknowns: reported, never failing a run."""
        return [f for f in self.findings if f.severity is Severity.DATA_GAP]

    def without(self, codes: frozenset[str]) -> Checked:
        """Return the result with warnings and data gaps of these codes left out (errors stay)."""
        kept = tuple(
            f for f in self.findings if f.severity is Severity.ERROR or f.code not in codes
        )
        return replace(self, findings=kept)

    def adding(self, findings: Sequence[Finding]) -> Checked:
        """Return the result with more findings (a later step's), in reading order."""
        return replace(self, findings=tuple(sorted_findings([*self.findings, *findings])))

    def team_first(self, summarise_bundled: bool) -> tuple[Checked, Checked]:
        """Split the findings into those to list, the team's own first, and those to summarise.

        A team cannot act on the data gaps of the profiles shipped with the tool, and in a CI
        log or a diff (GitHub shows about ten annotations a step) they would hide the team's
        own. So when the bundled profiles are checked beside a team's, only their errors (which
        stop every build) are listed, after the team's findings; their other findings are
        summarised.

        Args:
            summarise_bundled: Summarise the bundled profiles' findings other than errors.

        Returns:
            What to list, and the bundled findings to summarise in one line (with the number of
            bundled files; empty when nothing is summarised).
        """
        team_files = self.files - len(self.bundled)
        listed = sorted(self.findings, key=lambda f: f.path in self.bundled)  # stable: by line
        if not summarise_bundled or not self.bundled:
            return replace(self, findings=tuple(listed)), Checked(())
        shown = tuple(
            f for f in listed if f.path not in self.bundled or f.severity is Severity.ERROR
        )
        hidden = tuple(f for f in listed if f not in shown)
        return (
            Checked(
                self.profiles,
                shown,
                team_files,
                self.bundled,
                self.documents,
                tuple((path, c) for path, c in self.cited if path not in self.bundled),
            ),
            Checked((), hidden, len(self.bundled), self.bundled),
        )


def load_framework(
    path: Path | None = None, language: str = "en", translations: Path | None = None
) -> Framework:
    """Load and validate a framework file (the bundled one by default), in a language.

    Args:
        path: A team's own framework YAML, or None for the bundled one.
        language: The language of its texts: other than English, its overlay gives them.
        translations: The project's ``translations`` folder, searched first for an overlay.

    Raises:
        InputError: With every problem found in the file or its overlay; no overlay for the
            language.
    """
    doc = load_yaml(path or DEFAULT_FRAMEWORK)
    if doc.data.get("schema_version") == 1:
        msg = "this framework is in format 1; see 'Migrating profiles to format 2' in the README"
        raise InputError([doc.finding(("schema_version",), msg, code="old-format")])
    framework, findings = parse_model(doc, Framework)
    if framework is not None:
        findings = check_framework_refs(doc, framework)
    if findings or framework is None:
        raise InputError(findings)
    english = language.split("-")[0] == "en"
    data = copy.deepcopy(doc.data) if english else _translated(doc, language, translations)
    # Terms are filled in once, here, in the form each text asks for ({survivors}): every name
    # and sentence made from the framework is then final, whatever reads it (briefs, JSON, the
    # terminal). Placeholders for the country and a component stay for the recommendations.
    fill = current().fill
    for target, _ in overlay.texts(doc.data):
        overlay.set_at(data, target, fill(str(overlay.value_at(data, target))))
    worded, findings = parse_model(Document(doc.path, data, doc.values, doc.keys), Framework)
    if findings or worded is None:
        raise InputError(findings)
    return worded


def _translated(doc: Document, language: str, translations: Path | None) -> dict[str, Any]:
    """The framework's data with the texts of its overlay for ``language`` (validated whole)."""
    found = overlay.overlay_path(doc.path, language, translations)
    if found is None:
        where = display_path(translations / f"framework.{language}.yaml") if translations else ""
        msg = (
            f"no {language} translation of this framework: add {where or 'one'} "
            f"(aftercare-report translations init {language})"
        )
        raise InputError([Finding(doc.name, 0, 0, "", msg, code="no-overlay")])
    return overlay.apply(doc, overlay.load(found))


def profile_files(paths: Sequence[Path]) -> list[Path]:
    """Expand files and folders into the profile files they name, folders sorted by name.

    Before any is parsed, the number of profiles and the bytes of them and their translations
    are held to :data:`~aftercare_report.limits.MAX_PROFILES` and
    :data:`~aftercare_report.limits.PROFILE_TOTAL_BYTES`: the building process keeps every
    profile it reads, so these bound its memory and time.

    Args:
        paths: Files and folders; empty means the bundled profiles.

    Raises:
        InputError: A path does not exist, no profile is found at all (a folder without
            profiles is fine beside folders with some), or the profiles pass a bound (each
            folder or file given is named with its share).
    """
    found: list[Path] = []
    missing: list[Finding] = []
    empty: list[Finding] = []
    given: dict[Path, tuple[int, int]] = {}  # each path given: its profiles and their bytes
    for path in paths or [bundled("profiles")]:
        if path.is_dir():
            # A profile's translation (thailand.fr.yaml) is read with the profile, not as one.
            names = sorted(p for p in path.iterdir() if p.suffix in PROFILE_SUFFIXES)
            files = [p for p in names if profile_overlay.language_of(p) is None]
            if not files:
                msg = "no .yaml profiles here; start one with: aftercare-report new COUNTRY"
                empty.append(Finding(display_path(path), 0, 0, "", msg, code="no-profiles"))
            given[path] = (len(files), sum(_size(p) for p in names))
            found.extend(files)
        elif path.exists():
            translations = profile_overlay.paths_for(path).values()
            given[path] = (1, _size(path) + sum(_size(p) for p in translations))
            found.append(path)
        else:
            missing.append(Finding(display_path(path), 0, 0, "", "no such file or folder"))
    # A team folder with no profile yet is fine beside others (a new project with the bundled
    # profiles builds at once); only a run with no profile at all has nothing to do.
    if missing or not found:
        raise InputError(missing + empty)
    found = list(dict.fromkeys(found))
    too_many = _past_bound(given, 0, len(found), MAX_PROFILES, "too-many-profiles")
    too_big = _past_bound(given, 1, sum(b for _, b in given.values()), PROFILE_TOTAL_BYTES, "")
    if too_many or too_big:
        raise InputError(too_many + too_big)
    return found


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone or unreadable: reading it says so, with the reason
        return 0


def _past_bound(
    given: Mapping[Path, tuple[int, int]], index: int, total: int, bound: int, code: str
) -> list[Finding]:
    """A finding at each path given, with its share, when the run's total passes ``bound``."""
    if total <= bound:
        return []
    if code:
        what, limit = f"{total:,} profiles", f"the {bound:,} one run reads"
        why = "ISO 3166 has 249 countries and territories"
    else:
        what = f"{total / MB:,.1f} MB of profiles and translations"
        limit, why = f"the {bound // MB:,} MB one run reads", "a profile is about 50 kB"
    out = []
    for path, counts in given.items():
        if not counts[index]:
            continue
        plural = "" if counts[0] == 1 else "s"
        here = f"{counts[0]:,} profile{plural}" if code else f"{counts[1] / MB:,.1f} MB"
        msg = (
            f"{here} here, {what} in all: more than {limit} ({why}); none was read. "
            "Split them into several projects, or name fewer files or folders"
        )
        out.append(Finding(display_path(path), 0, 0, "", msg, code=code or "profiles-too-large"))
    return out


def check_profiles(
    paths: Sequence[Path],
    framework: Framework,
    stale_years: int = DEFAULT_STALE_YEARS,
    language: str | Sequence[str] = "en",
    *,
    fonts: Coverage | None = None,
    copy_hosts: Mapping[str, str] | None = None,
    memo: MutableMapping[Path, tuple[object, OneFile]] | None = None,
    count_sources: bool = True,
) -> Checked:
    """Validate profiles: each file alone, then the set (one file per country).

    Args:
        paths: Profile files or folders; empty means the bundled profiles.
        framework: The framework the profiles must match.
        stale_years: Sources this many years older than ``as_of`` are flagged.
        language: The languages briefs are written in (notes on evidence in another language,
            and on country names the profile does not give in one).
        fonts: What the available fonts cover: the valid profiles' text must be covered (see
            :mod:`aftercare_report.script_coverage`); None checks no fonts.
        copy_hosts: A team's copy hosts (``[validate.copy_hosts]``), added to the bundled
            canonical-source rules.
        memo: Each file's result by path, with the file's :func:`confine.stamp`, kept between
            calls by a caller that builds again and again (``serve``): a file whose stamp is
            unchanged is not read again. The caller empties it when any other argument changes.
        count_sources: Count how each profile cites its sources (``cited``), which only
            ``validate`` reports; a build leaves it out.

    Returns:
        The valid profiles and all findings. Nothing is raised for invalid profiles.
    """
    files = profile_files(paths)
    loaded: dict[Path, Profile] = {}
    documents: dict[Path, Document] = {}
    findings: list[Finding] = []
    rules = canonical.bundled_rules().with_team_hosts(copy_hosts or {})
    for path in files:
        stamp = confine.stamp(path) if memo is not None else None
        kept = memo.get(path) if memo is not None else None
        if kept is not None and stamp is not None and kept[0] == stamp:
            profile, doc, found = kept[1]
        else:
            profile, doc, found = _check_one(path, framework, stale_years, language, rules)
            if memo is not None and stamp is not None:
                memo[path] = (stamp, (profile, doc, found))
        findings.extend(found)
        if profile is None or doc is None or any(f.severity is Severity.ERROR for f in found):
            continue
        loaded[path], documents[path] = profile, doc
    findings.extend(_team_wins(loaded))
    findings.extend(_duplicates(loaded))
    findings.extend(_translation_problems(loaded))
    if fonts is not None:
        findings.extend(script_coverage.check(tuple(loaded.values()), fonts))
    shipped = frozenset(display_path(p) for p in files if is_bundled(p))
    docs = tuple(documents[path] for path in loaded)
    ordered = tuple(sorted_findings(findings))
    cited = tuple(
        (display_path(d.path), canonical.count_sources(d, rules)) for d in docs if count_sources
    )
    return Checked(tuple(loaded.values()), ordered, len(files), shipped, docs, cited)


def _translation_problems(loaded: dict[Path, Profile]) -> list[Finding]:
    """Every problem of the translations beside the valid profiles, in every language.

    A translation made from an earlier state of its profile, and text with invisible, bidi or
    look-alike characters, are warnings (see ``profile_overlay.warnings``).
    """
    out = []
    for path, profile in loaded.items():
        for translation in profile_overlay.paths_for(path).values():
            try:
                profile_overlay.load(translation, profile)
            except InputError as exc:
                out.extend(exc.findings)
                continue
            out.extend(profile_overlay.warnings(translation, profile))
    return out


def is_bundled(path: Path) -> bool:
    """Whether a profile file is one of those shipped with the tool."""
    return path.resolve().is_relative_to(bundled("profiles").resolve())


def _team_wins(loaded: dict[Path, Profile]) -> list[Finding]:
    """Drop a bundled profile when a team's profile holds the same country; say so.

    A team that includes the bundled profiles and profiles one of those countries itself means
    its own version: comparing the two would put one country twice in a brief.
    """
    mine = {p.iso3: path for path, p in loaded.items() if not is_bundled(path)}
    out = []
    for path, profile in list(loaded.items()):
        if is_bundled(path) and profile.iso3 in mine:
            del loaded[path]
            team = mine[profile.iso3]
            msg = f"replaces the bundled profile of {profile.country} ({profile.iso3})"
            out.append(
                Finding(display_path(team), 1, 1, "", msg, Severity.NOTE, "replaces-bundled")
            )
    return out


OneFile: TypeAlias = tuple[Profile | None, Document | None, list[Finding]]
"""One file's result: its profile and document when it loads, and its findings."""


def _check_one(
    path: Path,
    framework: Framework,
    stale_years: int,
    language: str | Sequence[str] = "en",
    rules: canonical.Rules | None = None,
) -> OneFile:
    if path.stem.lower() in RESERVED_SLUGS:  # also Manifest.yaml: one file on macOS
        msg = f"'{path.stem}' is a name the build uses for its own outputs; rename the file"
        return None, None, [Finding(display_path(path), 0, 0, "", msg, code="reserved-name")]
    if _NOT_UTF8.search(path.stem):  # bytes no UTF-8 text holds: no brief or JSON can bear them
        msg = "the file name is not UTF-8 text, so no brief can bear it: rename the file"
        return None, None, [Finding(display_path(path), 0, 0, "", msg, code="reserved-name")]
    odd = _ODD_IN_NAMES.search(path.stem)
    if odd:  # the brief's files are named after it: in a CI log, a share, another system
        msg = (
            f"the file name holds {odd[0]!r}, which the files of its brief cannot bear "
            "everywhere they go: name it with letters, digits, '-' and '_'"
        )
        return None, None, [Finding(display_path(path), 0, 0, "", msg, code="reserved-name")]
    try:
        doc = load_yaml(path)
    except InputError as exc:
        return None, None, exc.findings
    profile, found = _check_document(doc, framework, stale_years, language, rules)
    return profile, doc, found


def check_text(
    raw: bytes, path: Path, framework: Framework, stale_years: int = DEFAULT_STALE_YEARS
) -> tuple[Profile | None, list[Finding]]:
    """Validate a profile's bytes as if read from ``path``: a file about to be written.

    Returns:
        The profile (None if invalid) and every finding, located in ``raw``.
    """
    try:
        doc = parse_yaml(raw, path)
    except InputError as exc:
        return None, exc.findings
    return _check_document(doc, framework, stale_years)


def _check_document(
    doc: Document,
    framework: Framework,
    stale_years: int,
    language: str | Sequence[str] = "en",
    rules: canonical.Rules | None = None,
) -> tuple[Profile | None, list[Finding]]:
    path = doc.path
    old = _old_format(doc)
    if old:
        return None, [old]
    origin = Origin(path.stem, path, doc.source)
    profile, findings = parse_model(doc, Profile, {"origin": origin})
    findings += check_profile_refs(doc, framework)
    if profile is None or findings:
        return None, findings
    warnings = profile_warnings(doc, profile, framework, stale_years)
    warnings += canonical.copy_warnings(doc, rules or canonical.bundled_rules())
    codes = (language,) if isinstance(language, str) else tuple(language)
    notes = [note for code in codes for note in _language_notes(doc, profile, code)]
    return profile, [*warnings, *notes]


def _language_notes(doc: Document, profile: Profile, language: str) -> list[Finding]:
    """Note evidence a brief in ``language`` quotes in another language, and missing names.

    A profile without the country's forms in the brief's language gets a warning: the
    preposition and article a country takes cannot be worked out from its name.
    """
    brief, own = language.split("-")[0], profile.language.split("-")[0]
    out = []
    translations = profile_overlay.paths_for(doc.path) if own != brief else {}
    translation = translations.get(language) or translations.get(brief)
    tagged = f'tagged lang="{profile.language}"'
    if translation is not None:
        msg = (
            f"the evidence is in '{profile.language}'; briefs in '{language}' quote its "
            f"translation {translation.name}, and the original where it gives none ({tagged}; "
            f"translations check {language} lists them)"
        )
    else:
        msg = (
            f"the evidence is in '{profile.language}' and briefs are in '{language}': it is quoted "
            f"as written and {tagged} for screen readers and PDF/UA (a translation beside it, "
            f"{doc.path.stem}.{brief}.yaml, gives it in '{brief}')"
        )
    if own != brief:
        out.append(
            doc.finding(("language",), msg, severity=Severity.NOTE, code="evidence-language")
        )
    if brief != "en" and language not in profile.names and brief not in profile.names:
        msg = (
            f"no names.{brief}: a brief in '{language}' names the country from Unicode CLDR with "
            f"the most common preposition, which some countries do not take; give names.{brief} "
            "with name, in_text, in_country and of_country"
        )
        out.append(doc.finding(("names",), msg, severity=Severity.WARNING, code="country-names"))
    return out


MIGRATION = (
    "this profile is in format 1; format 2 adds roles, institutions, instruments, anchors, "
    "measures, timeline, `counts` on key figures and six components (children, privacy, consent, "
    "timeliness, national_return, participation), and level 3 of accommodation, health and social "
    "now needs support for 12 months or more. aftercare-report migrate {path} rewrites it, "
    "marking what needs your judgement (see CHANGELOG.md)"
)


def _old_format(doc: Document) -> Finding | None:
    """One clear message for a format-1 file instead of a wall of missing keys."""
    if doc.data.get("schema_version") == 1:
        msg = MIGRATION.replace("{path}", doc.name)
        return doc.finding(("schema_version",), msg, code="old-format")
    return None


def anchor_warning(doc: Document, a: Assessment) -> list[Finding]:
    """Warn when the index band and the TIP tier disagree strongly: a sign of missing evidence.

    A Tier 1 country in band D or E, or a Tier 3 country in band A or B, is how an index that
    rewarded missing evidence would show itself. Found after the assessment (see
    :func:`pipeline.validate`), not while loading: a build assesses each profile once.

    Args:
        doc: The profile's document, for the line of its TIP tier.
        a: The profile's assessment.
    """
    if not a.anchor_disagrees:
        return []
    tier = a.profile.anchors.tip_tier
    msg = (
        f"band {a.index.band} disagrees with {tier.value} in the TIP report ({tier.year}); "
        "check the levels and the unknowns, which count as not met"
    )
    path = ("anchors", "tip_tier", "value")
    return [doc.finding(path, msg, severity=Severity.WARNING, code="anchor-disagrees")]


def _duplicates(loaded: dict[Path, Profile]) -> list[Finding]:
    # Two files for one country would put it twice in a comparison, with different data.
    first: dict[str, Path] = {}
    out = []
    for path, profile in loaded.items():
        for key in (profile.slug, profile.iso3, profile.country.casefold()):
            other = first.setdefault(key, path)
            if other != path:
                msg = (
                    f"{profile.country} ({profile.iso3}) is also profiled in {display_path(other)}"
                )
                out.append(Finding(display_path(path), 1, 1, "", msg, code="duplicate-country"))
                break
    return out


def load_profiles(
    paths: Sequence[Path], framework: Framework, stale_years: int = DEFAULT_STALE_YEARS
) -> tuple[Profile, ...]:
    """Load profiles for assessment and rendering; any error stops the run.

    Args:
        paths: Profile files or folders; empty means the bundled profiles.
        framework: The framework the profiles must match.
        stale_years: Sources this many years older than ``as_of`` are flagged.

    Raises:
        InputError: With every error in every file (warnings do not stop a build).
    """
    checked = check_profiles(paths, framework, stale_years, count_sources=False)
    if checked.errors:
        raise InputError(checked.errors)
    return checked.profiles


def select(
    wanted: Sequence[str], available: Sequence[Profile], framework: Framework
) -> tuple[Profile, ...]:
    """Resolve country names, slugs, ISO3 codes or profile paths to profiles.

    Args:
        wanted: What the user typed: ``thailand``, ``THA``, ``Thailand`` or ``my/x.yaml``.
        available: The loaded profile set to look names up in.
        framework: For loading profiles given as paths.

    Raises:
        InputError: A name matches no profile (with a did-you-mean hint), or a path is invalid.
    """
    index: dict[str, Profile] = {}
    for profile in available:
        for key in (profile.slug, profile.iso3, profile.country):
            index.setdefault(key.casefold(), profile)
    chosen: list[Profile] = []
    unknown: list[Finding] = []
    for name in wanted:
        path = Path(name)
        named = name.casefold() in index
        # A bare word is a country first: a file planted in the working directory under a
        # country's name must not stand in for that country's profile unnoticed.
        written_as_path = path.suffix in PROFILE_SUFFIXES or "/" in name or os.sep in name
        if named and not written_as_path and path.exists():
            msg = f"names both a country and a file here; write ./{name} for the file"
            unknown.append(Finding(name, 0, 0, "", msg, code="ambiguous-name"))
        elif written_as_path or (not named and path.is_file()):
            chosen.extend(load_profiles([path], framework))
        elif named:
            chosen.append(index[name.casefold()])
        else:
            hint = did_you_mean(name.casefold(), [p.slug for p in available])
            unknown.append(Finding(name, 0, 0, "", f"no profile for this country{hint}"))
    if unknown:
        raise InputError(unknown)
    return unique(chosen)


def one_per_country(profiles: Sequence[Profile]) -> tuple[Profile, ...]:
    """Return profiles with one per country (by ISO3 code), the first of each kept.

    A draft given by path (``drafts/thailand.yaml``) replaces the bundled Thailand among the
    peers instead of being compared with it.
    """
    return _first_of_each(profiles, lambda p: p.iso3)


def check_one_per_country(profiles: Sequence[Profile]) -> None:
    """Refuse a selection that names one country twice (e.g. a draft and the bundled profile).

    Raises:
        InputError: Naming both profiles.
    """
    first: dict[str, Profile] = {}
    findings = []
    for profile in profiles:
        other = first.setdefault(profile.iso3, profile)
        if other is not profile:
            where = display_path(profile.path) if profile.path else profile.slug
            elsewhere = display_path(other.path) if other.path else other.slug
            msg = f"{profile.country} ({profile.iso3}) is chosen twice: also {elsewhere}"
            findings.append(Finding(where, 0, 0, "", msg, code="duplicate-country"))
    if findings:
        raise InputError(findings)


def unique(profiles: Sequence[Profile]) -> tuple[Profile, ...]:
    """Return profiles without repeats (by slug), keeping the first of each in order."""
    return _first_of_each(profiles, lambda p: p.slug)


def _first_of_each(
    profiles: Sequence[Profile], key: Callable[[Profile], str]
) -> tuple[Profile, ...]:
    seen: dict[str, Profile] = {}
    for profile in profiles:
        seen.setdefault(key(profile), profile)
    return tuple(seen.values())
