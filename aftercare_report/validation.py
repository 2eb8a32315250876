"""Check loaded documents against the models and against each other, finding every problem at once.

Two passes over a document: the model pass (types, required and unknown keys, ranges) and the
reference pass (source ids exist, components and risk factors match the framework). Both run on the
raw data, so a file with a wrong type *and* a dangling source id reports both in one go.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from aftercare_report import lookalikes, weburl
from aftercare_report.editions import Published, PublishedRecommendation
from aftercare_report.errors import Finding, Severity
from aftercare_report.evidence import evidence_gaps, placeholder_texts
from aftercare_report.findings import PLACEHOLDER
from aftercare_report.limits import (
    DEFAULT_STALE_YEARS,
    MAX_FINDINGS,
    MAX_HINT_WORD,
    MAX_HINTS,
    MAX_SUGGEST,
)
from aftercare_report.loading import Document, KeyPath
from aftercare_report.model import LEGACY_FUNCTIONS, UNKNOWN, Framework, Profile
from aftercare_report.overlay import PLACEHOLDERS
from aftercare_report.settings import Edition

if TYPE_CHECKING:  # types only: the engine is not imported to load a profile
    from aftercare_report.recommend import Problem

M = TypeVar("M", bound=BaseModel)


def parse_model(
    doc: Document, model: type[M], context: dict[str, Any] | None = None
) -> tuple[M | None, list[Finding]]:
    """Validate a document against a model.

    Args:
        doc: The loaded document.
        model: The pydantic model class its top level should match.
        context: Validation context handed to the model (a profile's ``origin``).

    Returns:
        The model instance (or None) and the located findings, one per problem.
    """
    try:
        return model.model_validate(doc.data, context=context), []
    except ValidationError as exc:
        schema, hints = _schema(model), Hints()
        errors = list(_one_per_place(exc.errors(), doc.data))
        shown = [_finding(doc, err, schema, hints) for err in errors[:MAX_FINDINGS]]
        return None, shown + _more(doc, len(errors) - len(shown), "problems with the data")


def _more(doc: Document, rest: int, what: str) -> list[Finding]:
    """One finding standing for the ``rest`` past ``MAX_FINDINGS`` (nobody reads 20,000)."""
    if rest <= 0:
        return []
    msg = f"and {rest:,} more {what} past the first {MAX_FINDINGS:,}; fix these first"
    return [doc.finding((), msg, code="too-many")]


@functools.cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _one_per_place(errors: list[ErrorDetails], data: Any) -> Iterator[ErrorDetails]:
    # A union (number | "unknown") fails once per member; the user needs one message per place.
    merged: dict[tuple[Any, ...], ErrorDetails] = {}
    for err in errors:
        loc = _data_path(err["loc"], data)
        if loc in merged:
            first = merged[loc]
            options = [*first.get("ctx", {}).get("options", [_expected(first)]), _expected(err)]
            merged[loc] = {**first, "type": "union", "ctx": {"options": options}}
        else:
            merged[loc] = {**err, "loc": loc}
    return iter(merged.values())


def _expected(err: ErrorDetails) -> str:
    if err["type"] == "literal_error":
        return str(err.get("ctx", {}).get("expected", ""))
    return _EXPECTED.get(err["type"], _lower(err["msg"]).removeprefix("input should be "))


def _data_path(loc: tuple[str | int, ...], data: Any) -> KeyPath:
    """Drop the union-branch labels pydantic puts in ``loc`` ('int', "literal['unknown']")."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            node = node[part]
        elif isinstance(part, str) and _UNION_BRANCH.match(part):
            continue
        else:
            node = None
        path.append(part)
    return tuple(path)


_UNION_BRANCH = re.compile(r"^(int|float|str|bool|[a-z-]+\[.*\])$")


def _finding(doc: Document, err: ErrorDetails, schema: dict[str, Any], hints: Hints) -> Finding:
    path: KeyPath = tuple(err["loc"])
    kind = err["type"]
    name = path[-1] if path else ""
    if kind == "missing":
        msg = f"required key '{name}' is missing"
        return doc.finding(path, msg, of_key=True, code="missing-key")
    if kind == "extra_forbidden":
        known = allowed_keys(schema, path[:-1])
        msg = f"unknown key '{name}'{hints.did_you_mean(str(name), known)}"
        return doc.finding(path, msg, of_key=True, code="unknown-key")
    return doc.finding(path, describe(err))


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "date_type": "a date (YYYY-MM-DD)",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
}


def describe(err: ErrorDetails) -> str:
    """Say what is wrong with a value in a profile author's words, not pydantic's.

    Args:
        err: One pydantic error.
    """
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx", {})
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ").replace("'", "")
        return f"{_show(value)} is not one of {expected}"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_show(value)}"
    if kind == "union":
        options = list(dict.fromkeys(ctx["options"]))
        if "a number" in options and "a whole number" in options:
            options.remove("a whole number")
        return f"expected {' or '.join(options)}, got {_show(value)}"
    if kind == "string_pattern_mismatch":
        return f"{_show(value)} does not have the expected form ({ctx.get('pattern')})"
    if kind == "string_too_short":
        return "must not be empty"
    return f"{_lower(err['msg'])} (got {_show(value)})"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    return "nothing" if value is None else str(value).lower()


def _lower(msg: str) -> str:
    return msg[:1].lower() + msg[1:]


def allowed_keys(schema: dict[str, Any], path: KeyPath) -> list[str]:
    """Walk the JSON Schema along ``path`` to list the keys allowed there (for did-you-mean).

    Args:
        schema: A model's JSON Schema.
        path: Key path of the mapping whose keys are wanted.
    """
    defs = schema.get("$defs", {})
    node: dict[str, Any] = schema
    for part in (*path, None):
        while "$ref" in node or "anyOf" in node:
            if "$ref" in node:
                node = defs[node["$ref"].rsplit("/", 1)[-1]]
            else:
                node = next((n for n in node["anyOf"] if "$ref" in n or "properties" in n), {})
        if part is None:
            break
        if isinstance(part, int):
            node = node.get("items", {})
        elif part in node.get("properties", {}):
            node = node["properties"][part]
        else:
            node = node.get("additionalProperties", {})
    return list(node.get("properties", {}))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or a list of choices if few.

    Bounded: no hint for a word longer than ``MAX_HINT_WORD`` or among more than
    ``MAX_SUGGEST`` choices, so one call costs at most a fixed amount of work.

    Args:
        word: The unknown word.
        choices: The words allowed here.
    """
    options = list(choices)
    if len(word) > MAX_HINT_WORD or len(options) > MAX_SUGGEST:
        return ""
    options.sort()
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if options and len(options) <= 12:
        return f"; expected one of: {', '.join(options)}"
    return ""


class Hints:
    """Did-you-mean hints with a budget: at most ``MAX_HINTS`` per file.

    Each hint compares one word with up to ``MAX_SUGGEST`` others; 20,000 unknown ids each
    compared with 20,000 known ones ran for minutes. A person fixes the first few typos first.
    """

    def __init__(self) -> None:
        self.left = MAX_HINTS

    def did_you_mean(self, word: str, choices: Iterable[str]) -> str:
        """Like :func:`did_you_mean`, while the budget lasts; then ``""``."""
        if self.left <= 0:
            return ""
        self.left -= 1
        return did_you_mean(word, choices)


def check_profile_refs(doc: Document, framework: Framework) -> list[Finding]:
    """Check a profile's ids against its framework and its own sources registry.

    Works on the raw data, so it also runs when the model pass failed.

    Args:
        doc: The loaded profile.
        framework: The framework the profile is assessed against.

    Returns:
        Errors for unknown or missing components and risk factors, and dangling source ids.
    """
    data = doc.data
    hints = Hints()
    findings = [
        *_match_ids(doc, ("components",), framework.components, "component", hints),
        *_match_ids(doc, ("risk_factors",), framework.risk_factors, "risk factor", hints),
        *_unknown_keys(doc, "instruments", framework.instruments, "instrument", hints),
    ]
    recs = data.get("recommendations")
    for i, rec in enumerate(recs if isinstance(recs, list) else []):
        component = rec.get("component") if isinstance(rec, Mapping) else None
        if isinstance(component, str) and component not in framework.components:
            msg = f"'{component}' is not a component of the framework"
            msg += hints.did_you_mean(component, framework.components)
            findings.append(doc.finding(("recommendations", i, "component"), msg))
    findings.extend(_priority_refs(doc, framework, hints))
    findings.extend(_standard_refs(doc, framework, hints))
    findings.extend(_duplicate_ids(doc, framework))
    registry = data.get("sources")
    known_sources = set(registry) if isinstance(registry, Mapping) else set()
    unknown = [
        (path, ref)
        for path, ref in [*_source_refs(data, ()), *_quote_sources(data)]
        if isinstance(ref, str) and ref not in known_sources
    ]
    for path, source_id in unknown[:MAX_FINDINGS]:
        hint = hints.did_you_mean(source_id, known_sources) if known_sources else ""
        msg = f"source '{source_id}' is not in the sources registry{hint}"
        findings.append(doc.finding(path, msg, code="unknown-source"))
    return findings + _more(doc, len(unknown) - MAX_FINDINGS, "unknown source ids")


def _quote_sources(data: Mapping[str, Any]) -> Iterator[tuple[KeyPath, Any]]:
    """Yield the ``source`` of each survivor quote (one id, not a list), with its path."""
    quotes = data.get("survivor_quotes")
    for i, quote in enumerate(quotes if isinstance(quotes, list) else []):
        if isinstance(quote, Mapping) and "source" in quote:
            yield ("survivor_quotes", i, "source"), quote["source"]


def _priority_refs(doc: Document, framework: Framework, hints: Hints) -> Iterator[Finding]:
    """Check that each hand-set priority names a recommendation that exists, or a component."""
    data = doc.data
    recs = data.get("recommendations")
    listed = recs if isinstance(recs, list) else []
    own = {str(r.get("id")) for r in listed if isinstance(r, Mapping)}
    library = {r.id for c in framework.components.values() for r in c.recommendations}
    known = own | library
    priorities = data.get("priorities")
    for i, item in enumerate(priorities if isinstance(priorities, list) else []):
        if isinstance(item, str) and item not in known:
            msg = f"'{item}' is not the id of a recommendation in this profile or the framework"
            yield doc.finding(("priorities", i), msg + hints.did_you_mean(item, sorted(own)))
        elif isinstance(item, Mapping):
            component = item.get("component")
            if isinstance(component, str) and component not in framework.components:
                msg = f"'{component}' is not a component of the framework"
                msg += hints.did_you_mean(component, framework.components)
                yield doc.finding(("priorities", i, "component"), msg)


def _standard_refs(doc: Document, framework: Framework, hints: Hints) -> Iterator[Finding]:
    """Check that each ``standard_of`` names a recommendation of the framework."""
    library = sorted(r.id for c in framework.components.values() for r in c.recommendations)
    for section in ("recommendations", "priorities"):
        items = doc.data.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            named = item.get("standard_of") if isinstance(item, Mapping) else None
            if isinstance(named, str) and named not in library:
                msg = f"'{named}' is not the id of a recommendation of the framework"
                msg += hints.did_you_mean(named, library)
                yield doc.finding((section, i, "standard_of"), msg)


def _duplicate_ids(doc: Document, framework: Framework) -> Iterator[Finding]:
    """A recommendation id names one recommendation: the next edition follows it up by id."""
    library = {r.id for c in framework.components.values() for r in c.recommendations}
    seen: set[str] = set()
    places: list[tuple[KeyPath, Any]] = []
    for section in ("recommendations", "priorities"):
        items = doc.data.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, Mapping) and "id" in item:
                places.append(((section, i, "id"), item["id"]))
    for path, value in places:
        if isinstance(value, str) and value in seen:
            msg = f"'{value}' names another recommendation of this profile: give each its own id"
            yield doc.finding(path, msg, code="duplicate-id")
        elif isinstance(value, str) and value in library:
            msg = f"'{value}' is the id of a recommendation of the framework: give this its own id"
            yield doc.finding(path, msg, code="duplicate-id")
        seen.add(str(value))


def _unknown_keys(
    doc: Document, section: str, expected: Mapping[str, Any], what: str, hints: Hints
) -> Iterator[Finding]:
    found = doc.data.get(section)
    for key in found if isinstance(found, Mapping) else ():
        if key not in expected:
            hint = hints.did_you_mean(str(key), expected)
            msg = f"'{key}' is not an {what} the framework knows{hint}"
            yield doc.finding((section, key), msg, of_key=True, code=f"unknown-{what}")


def _match_ids(
    doc: Document, path: tuple[str], expected: Mapping[str, Any], what: str, hints: Hints
) -> Iterator[Finding]:
    section = doc.data.get(path[0])
    if not isinstance(section, Mapping):
        return
    for key in section:
        if key not in expected:
            hint = hints.did_you_mean(str(key), expected)
            msg = f"'{key}' is not a {what} of the framework{hint}"
            yield doc.finding((*path, key), msg, of_key=True, code=f"unknown-{what[:4]}")
    for key in expected:
        if key not in section:
            msg = f"{what} '{key}' is missing (write `level: unknown` if there is no evidence)"
            if what != "component":
                msg = f"{what} '{key}' is missing (write `status: unknown` if there is no evidence)"
            yield doc.finding(path, msg, of_key=True, code="missing-id")


def _source_refs(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, Any]]:
    """Yield every item of every ``sources`` list in the document, with its path."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                yield from (((*path, key, i), ref) for i, ref in enumerate(item))
            else:
                yield from _source_refs(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _source_refs(item, (*path, i))


_SEVERITY = {
    "unknown-level": Severity.DATA_GAP,
    "stale-source": Severity.DATA_GAP,
    "unsourced": Severity.WARNING,
}
"""An honest unknown is a data gap; a claim without a source is a likely mistake."""


def profile_warnings(
    doc: Document, profile: Profile, framework: Framework, stale_years: int = DEFAULT_STALE_YEARS
) -> list[Finding]:
    """Return the warnings a valid profile deserves: gaps in its evidence rather than its format.

    Args:
        doc: The document, for positions.
        profile: The validated profile.
        framework: Its framework.
        stale_years: Flag sources older than this many years before ``as_of``.

    Returns:
        Warnings for unknown levels, unsourced claims, stale and unused sources, and text that
        reads differently from what it is (see :mod:`aftercare_report.lookalikes`).
    """
    out = [
        doc.finding(gap.path, gap.message, severity=_SEVERITY[gap.code], code=gap.code)
        for gap in evidence_gaps(profile, framework, stale_years)
    ]
    out.extend(_legacy_findings(doc, profile))
    out.extend(_placeholder_findings(doc))
    out += lookalikes.findings(doc)
    for sid, source in profile.sources.items():
        named = weburl.other_host_named(source.title, source.url)
        if named:  # the Markdown brief shows the title as the link: it reads as that site
            where = ("sources", sid, "title")
            out.append(doc.finding(where, named, severity=Severity.WARNING, code="look-alike"))
    used = {ref for _, ref in [*_source_refs(doc.data, ()), *_quote_sources(doc.data)]}
    for sid in profile.sources:
        if sid not in used:
            msg = "source is never cited"
            out.append(
                doc.finding(("sources", sid), msg, severity=Severity.WARNING, code="unused-source")
            )
    return out


def page_two_findings(doc: Document, found: Sequence[Problem]) -> list[Finding]:
    """Locate in the profile what its brief could not print on page 2 as it stands.

    A largest gap whose page-2 step no named institution can take: an error; a function the
    profile names ``unknown``, or an annex step left out for want of a named institution: a
    data gap. A hand-set priority that is not true of the country: an error. A longer-term
    page-2 step whose 12-month indicator counts outcomes instead of naming a first milestone:
    a warning.

    Args:
        doc: The document, for positions.
        found: The problems :func:`recommend.problems` found in the country's assessment.
    """
    return [
        doc.finding(p.path, p.message, code=p.code, severity=Severity.DATA_GAP)
        if p.unknown
        else doc.finding(p.path, p.message, code=p.code, severity=Severity.WARNING)
        if p.warning
        else doc.finding(p.path, p.message, code="page-two")
        for p in found
    ]


REPLY_CHARS = 300
"""Longest reply page 2 prints without a warning: a sentence or two beside five steps (the
policy review asks for a one-line response)."""


def edition_findings(
    doc: Document, profile: Profile, edition: Edition, previous: Published | None
) -> list[Finding]:
    """Check a profile's follow-up against the edition it names, and its reply's length.

    The ids of a follow-up must be recommendations the previous edition published for this
    country (its JSON, kept in the project as ``[edition] previous_json``); each of them
    should be followed up, and a status other than ``no_information`` needs a source.

    Args:
        doc: The document, for positions.
        profile: The validated profile.
        edition: The project's edition settings.
        previous: The previous edition as published, by ISO3 code, or None if not kept.
    """
    out: list[Finding] = []
    if profile.reply is not None and len(profile.reply.text) > REPLY_CHARS:
        msg = (
            f"page 2 prints the reply beside the steps: keep it to a sentence or two "
            f"({REPLY_CHARS} characters) and cite the full reply as a source"
        )
        out.append(doc.finding(("reply", "text"), msg, severity=Severity.WARNING, code="reply"))
    follow = profile.follow_up
    if follow is None:
        return out
    for i, item in enumerate(follow.items):
        if item.status != "no_information" and not item.sources:
            msg = f"'{item.status}' needs a source that shows it"
            at: KeyPath = ("follow_up", "items", i, "sources")
            out.append(doc.finding(at, msg, severity=Severity.WARNING, code="unsourced"))
    out += _duplicate_follow_ups(doc, profile)
    if follow.edition != edition.previous:
        named = f"the project's previous edition is '{edition.previous}'"
        if not edition.previous:
            named = "the project file names no previous edition ([edition] previous)"
        msg = f"follows up edition '{follow.edition}', but {named}"
        return [*out, doc.finding(("follow_up", "edition"), msg, code="follow-up")]
    if previous is None:
        msg = (
            f"the ids cannot be checked: the project keeps no JSON of edition "
            f"'{follow.edition}' ([edition] previous_json)"
        )
        at = ("follow_up", "edition")
        return [*out, doc.finding(at, msg, severity=Severity.WARNING, code="follow-up")]
    before = previous.get(profile.iso3)
    if before is None:
        msg = f"edition '{follow.edition}' published no brief of {profile.iso3}"
        return [*out, doc.finding(("follow_up", "edition"), msg, code="follow-up")]
    return out + _follow_up_ids(doc, profile, before.recommendations)


def _duplicate_follow_ups(doc: Document, profile: Profile) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, item in enumerate(profile.follow_up.items if profile.follow_up else ()):
        if item.recommendation in seen:
            msg = f"'{item.recommendation}' is followed up twice"
            yield doc.finding(("follow_up", "items", i, "recommendation"), msg, code="follow-up")
        seen.add(item.recommendation)


def _follow_up_ids(
    doc: Document, profile: Profile, published: Sequence[PublishedRecommendation]
) -> list[Finding]:
    assert profile.follow_up is not None
    edition = profile.follow_up.edition
    known = [r.id for r in published]
    given = {item.recommendation for item in profile.follow_up.items}
    hints, out = Hints(), []
    for i, item in enumerate(profile.follow_up.items):
        if item.recommendation not in known:
            msg = f"'{item.recommendation}' is not a recommendation edition '{edition}' published"
            msg += hints.did_you_mean(item.recommendation, known)
            at = ("follow_up", "items", i, "recommendation")
            out.append(doc.finding(at, msg, code="follow-up"))
    missing = [rec for rec in published if rec.id not in given]
    for rec in (r for r in missing if r.headline):
        msg = (
            f"the page-2 step '{rec.id}' of edition '{edition}' is not followed up: add it "
            "(status: no_information when no source says); briefs count it as no information"
        )
        out.append(_missing(doc, msg))
    others = [rec.id for rec in missing if not rec.headline]
    if others:
        msg = (
            f"{len(others)} other recommendation{'s' * (len(others) > 1)} of edition "
            f"'{edition}' {'are' if len(others) > 1 else 'is'} not followed up "
            f"({', '.join(others)}); briefs count {'them' if len(others) > 1 else 'it'} as "
            "no information"
        )
        out.append(_missing(doc, msg))
    return out


def _missing(doc: Document, message: str) -> Finding:
    path = ("follow_up", "items")
    return doc.finding(path, message, severity=Severity.WARNING, code="follow-up-missing")


def _legacy_findings(doc: Document, profile: Profile) -> Iterator[Finding]:
    """Warn about fields written before 0.3 that still work but address the wrong body."""
    for legacy, functions in LEGACY_FUNCTIONS.items():
        if getattr(profile.institutions, legacy) is not None:
            msg = (
                f"'{legacy}' stands for several functions ({', '.join(functions)}): name the "
                "institution that holds each, so every step reaches the body with the power to act"
            )
            yield _warning(doc, ("institutions", legacy), msg, "legacy-function", of_key=True)
    for i, rec in enumerate(profile.recommendations):
        if rec.institution in LEGACY_FUNCTIONS:
            covered = ", ".join(LEGACY_FUNCTIONS[rec.institution])
            msg = f"'{rec.institution}' is no longer a function: use one of {covered}"
            yield _warning(doc, ("recommendations", i, "institution"), msg, "legacy-function")
        if rec.by is None:
            msg = "say what made this recommendation (by: tip, court, treaty_body, "
            msg += (
                "un_special_rapporteur, greta, ngo, parliament, government or other) and its year"
            )
            yield _warning(doc, ("recommendations", i), msg, "recommendation-kind")
        elif rec.by == "court" and rec.directed_to is None:
            msg = "a court direction is addressed to whom the court directed: add directed_to"
            yield _warning(doc, ("recommendations", i, "by"), msg, "recommendation-kind")
    gsi = profile.anchors.gsi_government_response
    if gsi.value is not None:
        msg = "the free-text 'value' is no longer shown: give 'score' (0-100), not_rated or unknown"
        yield _warning(doc, ("anchors", "gsi_government_response", "value"), msg, "legacy-gsi")


_OUTCOME = re.compile(
    r"^\s*(?:the\s+)?(?:number|share|proportion|percentage|median|count|rate)\s+(?:of|and)\b",
    re.IGNORECASE,
)
"""An indicator worded as an outcome to count ("Number of survivors housed..."), not a step."""


def outcome_indicator(indicator: str) -> bool:
    """Whether a 12-month indicator is a count of outcomes rather than a first milestone.

    A longer-term step is measured in 12 months by a milestone ("a bill laid", "a pilot
    started"): a yearly count of outcomes beside "When: longer term" tells the reader the step
    is due in a year, and that it is not, at once.
    """
    return bool(_OUTCOME.match(indicator))


def _placeholder_findings(doc: Document) -> Iterator[Finding]:
    """Report placeholder text: by field, or once per section when a skeleton holds many.

    A placeholder beside a value that is itself unknown (a skeleton's "No source has been checked
    yet." next to ``level: unknown``) asserts nothing: it is an honest gap, counted as one, so a
    fresh profile passes ``--strict``. Beside a known value it stands where evidence should be,
    a claim without its facts: a warning, which ``--strict`` rejects.
    """
    by_kind: dict[tuple[Any, bool], list[KeyPath]] = {}
    for path in placeholder_texts(doc.data):
        section = path[0] if path else ""
        by_kind.setdefault((section, _beside_unknown(doc.data, path)), []).append(path)
    for (section, unresearched), paths in by_kind.items():
        severity = Severity.DATA_GAP if unresearched else Severity.WARNING
        if len(paths) <= 3:
            for path in paths:
                msg = (
                    "placeholder text: write what the sources say; briefs show it as not documented"
                )
                yield doc.finding(path, msg, severity=severity, code="placeholder-text")
            continue
        if unresearched:
            msg = (
                f"{len(paths)} texts in '{section}' are placeholders beside unknown values: "
                "nothing is asserted and briefs show them as not documented; write what the "
                "sources say as you research them"
            )
        else:
            msg = (
                f"{len(paths)} texts in '{section}' are placeholders (e.g. 'Not yet researched.'): "
                "write what the sources say, or 'No source checked documents it.'; briefs show "
                "them as not documented"
            )
        yield doc.finding((section,), msg, severity=severity, code="placeholder-text", of_key=True)


def _beside_unknown(data: Any, path: KeyPath) -> bool:
    """Whether the mapping holding ``path`` records its value (level, status...) as unknown."""
    for key in path[:-1]:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int):
            data = data[key]
    if not isinstance(data, dict):
        return False
    return any(data.get(k) == UNKNOWN for k in ("level", "status", "value", "name"))


def _warning(
    doc: Document, path: KeyPath, message: str, code: str, *, of_key: bool = False
) -> Finding:
    return doc.finding(path, message, severity=Severity.WARNING, code=code, of_key=of_key)


def check_framework_refs(doc: Document, framework: Framework) -> list[Finding]:
    """Check that a framework's internal references hold together.

    Args:
        doc: The loaded framework, for positions.
        framework: The validated framework.

    Returns:
        Errors for dangling ids, bad levels or bands, duplicate recommendation ids and
        placeholders other than those allowed.
    """
    out: list[Finding] = []
    comps, bands = framework.components, [b.id for b in framework.index.bands]
    if framework.index.bands[-1].min != 0:
        out.append(doc.finding(("index", "bands"), "the last band must start at 0"))
    if [b.min for b in framework.index.bands] != sorted(
        (b.min for b in framework.index.bands), reverse=True
    ):
        out.append(doc.finding(("index", "bands"), "bands must be ordered best first"))
    for i, cap in enumerate(framework.index.caps):
        out.extend(_check_cap(doc, framework, i))
        if cap.band not in bands:
            out.append(doc.finding(("index", "caps", i, "band"), _unknown(cap.band, bands)))
    if sorted(framework.levels) != [0, 1, 2, 3, 4]:
        out.append(doc.finding(("levels",), "describe each level 0-4"))
    seen: set[str] = set()
    for cid, comp in comps.items():
        if sorted(comp.levels) != [0, 1, 2, 3, 4]:
            out.append(doc.finding(("components", cid, "levels"), "describe each level 0-4"))
        for i, rec in enumerate(comp.recommendations):
            path: KeyPath = ("components", cid, "recommendations", i)
            out.extend(_check_rec(doc, path, rec.id, rec.text, _TEXT_PLACEHOLDERS, seen))
            out.extend(_check_standards(doc, path, rec.standards, framework))
            for key in ("improve", "partial"):
                variant = getattr(rec, key)
                if variant and rec.creates is None:
                    msg = f"{key} is used only when the measure named by creates exists"
                    out.append(doc.finding((*path, key), msg))
                elif variant:
                    out.extend(
                        _check_rec(doc, (*path, key), "", variant, _TEXT_PLACEHOLDERS, set())
                    )
            for premised in rec.premise.levels:
                if premised not in comps:
                    where = (*path, "premise", "levels", premised)
                    out.append(doc.finding(where, _unknown(premised, comps), of_key=True))
            for j, also in enumerate(rec.also_addresses):
                if also not in comps:
                    out.append(doc.finding((*path, "also_addresses", j), _unknown(also, comps)))
        if not any(
            r.when_level_below == comp.target and not r.premise.model_dump(exclude_defaults=True)
            for r in comp.recommendations
        ):
            msg = (
                "no recommendation applies to every country short of the target here (one with "
                f"when_level_below: {comp.target} and no premise): a largest gap could have no step"
            )
            out.append(doc.finding(("components", cid, "recommendations"), msg))
    data_recs = framework.data_recommendations
    for name in ("unknown_level", "no_re_trafficking_measure"):
        rec = getattr(data_recs, name)
        path = ("data_recommendations", name)
        out.extend(_check_rec(doc, path, rec.id, rec.text, set(PLACEHOLDERS), seen))
        out.extend(_check_standards(doc, path, rec.standards, framework))
    for iid, instrument in framework.instruments.items():
        if instrument.source is not None and instrument.source not in framework.sources:
            msg = f"source '{instrument.source}' is not in the sources registry"
            out.append(doc.finding(("instruments", iid, "source"), msg))
    for rid, risk in framework.risk_factors.items():
        for i, cid in enumerate(risk.mitigated_by):
            if cid not in comps:
                out.append(
                    doc.finding(("risk_factors", rid, "mitigated_by", i), _unknown(cid, comps))
                )
    for path, ref in _source_refs(doc.data, ()):
        if ref not in framework.sources:
            out.append(doc.finding(path, f"source '{ref}' is not in the sources registry"))
    return out


def _check_cap(doc: Document, framework: Framework, i: int) -> list[Finding]:
    cap, path = framework.index.caps[i], ("index", "caps", i)
    if (cap.component is None) == (cap.risk is None):
        return [doc.finding(path, "a cap names either a component or a risk, not both or neither")]
    if cap.component is not None:
        if cap.level_at_most is None:
            return [doc.finding(path, "a component cap needs level_at_most")]
        if cap.component not in framework.components:
            msg = _unknown(cap.component, framework.components)
            return [doc.finding((*path, "component"), msg)]
    if cap.risk is not None and cap.risk not in framework.risk_factors:
        return [doc.finding((*path, "risk"), _unknown(cap.risk, framework.risk_factors))]
    return []


def _check_standards(
    doc: Document, path: KeyPath, standards: Mapping[str, str], framework: Framework
) -> list[Finding]:
    return [
        doc.finding((*path, "standards", iid), _unknown(iid, framework.instruments), of_key=True)
        for iid in standards
        if iid not in framework.instruments
    ]


def _unknown(value: str, choices: Iterable[str]) -> str:
    return f"'{value}' is not defined{did_you_mean(value, choices)}"


_TEXT_PLACEHOLDERS = set(PLACEHOLDERS) - {"component"}
"""What a recommendation text may use: the country's forms and the terms."""


def _check_rec(
    doc: Document, path: KeyPath, rec_id: str, text: str, allowed: set[str], seen: set[str]
) -> list[Finding]:
    out = []
    if rec_id in seen:
        out.append(doc.finding((*path, "id"), f"recommendation id '{rec_id}' is used twice"))
    seen.add(rec_id)
    for name in PLACEHOLDER.findall(text):
        if name not in allowed:
            shown = ", ".join(f"{{{n}}}" for n in sorted(allowed) if not n[:1].isupper())
            msg = f"placeholder {{{name}}} is not allowed; use {shown}"
            out.append(doc.finding((*path, "text"), msg, code="placeholder"))
    return out
