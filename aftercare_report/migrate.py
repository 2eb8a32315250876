"""Rewrite a profile of an older format into the current one, keeping every fact and source.

A migration is a chain of steps, one per format (1 -> 2 today): a later format adds one step to
:data:`STEPS`. A step maps what maps and leaves what needs a person's judgement ``unknown``,
with a ``# decide:`` comment above it that says what to decide and quotes the old evidence that
bears on it. Nothing is invented: a level whose meaning changed is not carried over, and a new
part of the format starts unknown.

The result is YAML written here (PyYAML cannot write comments): block mappings, short entries
in flow style, long text folded at 100 columns, and the original file's header comments kept.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from aftercare_report.errors import Finding, InputError
from aftercare_report.i18n import current
from aftercare_report.loading import Document
from aftercare_report.model import (
    LEGACY_FUNCTIONS,
    SCHEMA_VERSION,
    STAGES,
    Framework,
    Institutions,
    Measures,
)
from aftercare_report.scaffold import NOTHING_YET
from aftercare_report.validation import did_you_mean

KeyPath = tuple[str, ...]


@dataclass
class Draft:
    """A profile on its way to the current format.

    Attributes:
        data: The profile as plain data, keys in the order they are written.
        notes: Comments to write above a key, by its key path: what a person must decide.
    """

    data: dict[str, Any]
    notes: dict[KeyPath, list[str]] = field(default_factory=dict)

    def decide(self, path: KeyPath, text: str) -> None:
        """Add a ``decide:`` comment above the key at ``path``."""
        self.notes.setdefault(path, []).append(f"decide: {text}")

    @property
    def decisions(self) -> int:
        """How many decisions the comments ask for."""
        return sum(len(n) for n in self.notes.values())


@dataclass(frozen=True)
class Migrated:
    """A profile rewritten into the current format.

    Attributes:
        text: The new file.
        from_version: The format it was in.
        decisions: How many ``# decide:`` comments it carries.
        comments_dropped: Comments of the old file that are not carried over (those after
            its header).
    """

    text: str
    from_version: int
    decisions: int
    comments_dropped: int


Step = Callable[[Document, Draft, Framework], Draft]


def migrate(doc: Document, framework: Framework) -> Migrated | None:
    """Rewrite a profile into the current format, or return None if it is already in it.

    Args:
        doc: The old profile, as loaded (positions for errors).
        framework: The current framework: its components, risk factors, measures and wording.

    Raises:
        InputError: The file's format is unknown, or it does not have the old format's shape
            (every problem at once, located).
    """
    version = doc.data.get("schema_version")
    if version == SCHEMA_VERSION:
        return None
    if isinstance(version, bool) or not isinstance(version, int) or version not in STEPS:
        known = ", ".join(str(v) for v in sorted(STEPS))
        msg = f"format {version!r} is not one this tool can migrate (formats {known})"
        raise InputError([doc.finding(("schema_version",), msg, code="unknown-format")])
    draft = Draft(copy.deepcopy(doc.data))
    for step_version in range(version, SCHEMA_VERSION):
        draft = STEPS[step_version](doc, draft, framework)
    header, dropped = _comments(doc.source.decode("utf-8"))
    text = header + dump(draft.data, draft.notes)
    return Migrated(text, version, draft.decisions, dropped)


def located_in(findings: Iterable[Finding], doc: Document) -> list[Finding]:
    """Place findings about a migrated profile at the same keys of the old file.

    The migrated text is not on disk yet: its errors are named where a person fixes them, in
    the old file (a key the old file lacks is named at its nearest parent).
    """
    out = []
    for f in findings:
        parts = re.findall(r"\[(\d+)\]|([^.\[\]]+)", f.key)
        path = tuple(int(i) if i else k for i, k in parts)
        msg = f"after migrating to format {SCHEMA_VERSION}: {f.message}"
        out.append(doc.finding(path, msg, severity=f.severity, code=f.code))
    return out


def unified_diff(old: str, new: str, name: str, version: int) -> str:
    """The change as a unified diff, old file first."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        f"{name} (format {version})",
        f"{name} (format {SCHEMA_VERSION})",
    )
    return "".join(lines)


# -- format 1 -> 2 ---------------------------------------------------------------------------

FORMAT_1_KEYS = (
    "schema_version",
    "country",
    "country_in_text",
    "iso3",
    "region",
    "as_of",
    "summary",
    "components",
    "risk_factors",
    "key_figures",
    "claims",
    "sources",
)
"""The top-level keys of a format-1 profile."""

RERATE_2: Mapping[str, tuple[frozenset[int], str]] = {
    "accommodation": (
        frozenset({3, 4}),
        "level 3 now needs housing support for at least 12 months, through move-on housing, "
        "until the survivor has a safe home; level 4 needs long-term housing and outcomes "
        "monitored independently",
    ),
    "health": (
        frozenset({3, 4}),
        "level 3 now needs care for at least 12 months or as long as it is needed",
    ),
    "social": (
        frozenset({3}),
        "level 3 now needs a caseworker for at least 12 months and as long as needed",
    ),
    "residence_return": (
        frozenset({3, 4}),
        "level 3 now needs residence permits with the right to work",
    ),
    "funding": (
        frozenset({4}),
        "level 4 now needs evaluations published in full (survivor participation is a "
        "component of its own, participation)",
    ),
}
"""Levels whose meaning changed in format 2, by component, and how: not carried over."""

FROM_FORMAT_1: Mapping[str, tuple[str, str]] = {
    "national_return": (
        "residence_return",
        "format 1's residence_return covered the return of nationals too; if its evidence "
        "speaks of them, rate national_return from it and keep residence_return for foreign "
        "survivors",
    ),
    "participation": (
        "funding",
        "format 1's funding covered survivor participation; rate participation from its "
        "evidence if it speaks of it",
    ),
}
"""New components whose evidence may be in an old component's, and what to look for."""

MEASURE_HINTS: Mapping[str, str] = {
    "nrm": "identification",
    "reflection_period": "reflection_period",
    "non_punishment_provision": "non_punishment",
    "temporary_residence": "residence_return",
    "permanent_residence_route": "residence_return",
    "compensation_scheme": "legal",
    "services_budget_line": "funding",
    "care_standards": "funding",
    "subsistence_support": "economic",
    "move_on_support": "accommodation",
    "survivor_advisory_body": "funding",
    "open_shelters": "accommodation",
    "returnee_reception": "residence_return",
}
"""The format-1 component whose evidence may document each measure."""


def _format_1_to_2(doc: Document, draft: Draft, framework: Framework) -> Draft:
    """Rewrite format 1 into format 2.

    Format 2 added roles, institutions, instruments, anchors, measures, the timeline, six
    components, official complicity apart from trafficker contact, ``counts`` on figures and
    a fourth verdict; it changed what some levels mean.
    """
    _check_format_1(doc)
    old = draft.data
    out = Draft({"schema_version": 2})
    for key in ("country", "country_in_text", "iso3", "region"):
        if key in old:
            out.data[key] = old[key]
    out.data["roles"] = ["origin", "transit", "destination"]
    out.decide(
        ("roles",),
        "keep only the roles the sources show (origin, transit, destination); components "
        "that do not fit the roles kept stop counting (residence_return needs destination or "
        "transit, national_return origin)",
    )
    out.data["as_of"] = old["as_of"]
    out.data["summary"] = old["summary"]
    out.data["institutions"] = {
        role: {"name": "unknown"}
        for role in Institutions.model_fields
        if role not in LEGACY_FUNCTIONS  # format 2 names each function's own holder
    }
    out.decide(
        ("institutions",),
        "the country's own names for who must act (recommendations address them); the "
        "summary and evidence may name them",
    )
    out.data["instruments"] = {}
    out.decide(
        ("instruments",),
        "the instruments the country is bound by, each with the year and a source: "
        + ", ".join(framework.instruments),
    )
    out.data["laws"] = {}
    out.data["anchors"] = {
        "tip_tier": {"value": "unknown"},
        "gsi_government_response": {"score": "unknown"},
    }
    out.decide(
        ("anchors",),
        "the latest TIP tier and Global Slavery Index government response, with year and "
        "source (format 1 kept them only in the text, if at all)",
    )
    out.data["measures"] = _measures(old, out)
    out.data["timeline"] = {
        stage: {"status": "unknown", "duration": "unknown", "support": NOTHING_YET}
        for stage in STAGES
    }
    out.decide(
        ("timeline",),
        "where support stops for an adult survivor, stage by stage, from the evidence below",
    )
    out.data["components"] = _components(old, out, framework)
    out.data["risk_factors"] = _risks(old, out, framework)
    out.data["key_figures"] = _figures(old, out)
    if old.get("claims"):
        out.data["claims"] = _claims(old, out)
    out.data["sources"] = old["sources"]
    return out


def _check_format_1(doc: Document) -> None:
    """Refuse a file that does not have format 1's shape: the step could only lose data."""
    findings = [
        doc.finding((key,), f"unknown key '{key}'{did_you_mean(key, FORMAT_1_KEYS)}", of_key=True)
        for key in doc.data
        if key not in FORMAT_1_KEYS
    ]
    for key in ("as_of", "summary", "components", "risk_factors", "key_figures", "sources"):
        if key not in doc.data:
            findings.append(doc.finding((), f"required key '{key}' is missing"))
    for key in ("components", "risk_factors", "key_figures", "sources"):
        value = doc.data.get(key, {})
        entries = value.values() if isinstance(value, dict) else [value]
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in entries):
            findings.append(doc.finding((key,), "should be a mapping of mappings, as in format 1"))
    if not isinstance(doc.data.get("claims", []), list):
        findings.append(doc.finding(("claims",), "should be a list, as in format 1"))
    if findings:
        raise InputError(findings)


def _measures(old: dict[str, Any], out: Draft) -> dict[str, Any]:
    measures = {}
    for name in Measures.model_fields:
        measures[name] = {"status": "unknown", "evidence": NOTHING_YET}
        component = MEASURE_HINTS.get(name)
        entry = old["components"].get(component) if component else None
        if entry and entry.get("evidence"):
            out.decide(
                ("measures", name),
                f"in_place, partial or absent, if components.{component}.evidence documents it",
            )
    return measures


def _components(old: dict[str, Any], out: Draft, framework: Framework) -> dict[str, Any]:
    components: dict[str, Any] = {}
    for cid, spec in framework.components.items():
        path = ("components", cid)
        entry = old["components"].get(cid)
        if entry is None:
            components[cid] = {"level": "unknown", "evidence": NOTHING_YET}
            source, hint = FROM_FORMAT_1.get(cid, ("", ""))
            level3 = _one_line(spec.levels[3]).rstrip(".")
            text = f"new in format 2 ({_one_line(spec.name)}); level 3: {level3}"
            if hint:
                text += f". {hint[:1].upper()}{hint[1:]}"
            evidence = old["components"].get(source, {}).get("evidence") if source else None
            out.decide(path, text + (f": {_quote(evidence)}" if evidence else ""))
            continue
        components[cid] = dict(entry)
        changed, why = RERATE_2.get(cid, (frozenset(), ""))
        if entry.get("level") in changed:
            components[cid]["level"] = "unknown"
            out.decide(
                (*path, "level"),
                f"it was {entry['level']} in format 1, but {why}: rate it again from the evidence",
            )
    return components


def _risks(old: dict[str, Any], out: Draft, framework: Framework) -> dict[str, Any]:
    risks: dict[str, Any] = {}
    contact = old["risk_factors"].get("trafficker_contact")
    for rid, spec in framework.risk_factors.items():
        entry = old["risk_factors"].get(rid)
        if rid in ("trafficker_contact", "official_complicity") and contact:
            risks[rid] = {**contact}
            if contact.get("status") != "unknown":
                risks[rid]["status"] = "unknown"
                out.decide(
                    ("risk_factors", rid, "status"),
                    f"format 1's trafficker_contact was {contact.get('status')} and covered "
                    "both contact with traffickers and official complicity; format 2 splits "
                    f"them: is {_one_line(spec.name).lower()} present, absent or unknown, "
                    "from this evidence?",
                )
        elif entry is None:
            risks[rid] = {"status": "unknown", "evidence": NOTHING_YET}
            out.decide(("risk_factors", rid), f"new in format 2: {_one_line(spec.name)}")
        else:
            risks[rid] = entry
    return risks


def _figures(old: dict[str, Any], out: Draft) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name, entry in old["key_figures"].items():
        figure = {"value": entry.get("value", "unknown")}
        note = entry.get("note")
        # Format 1's note said what is counted: format 2 asks for that in `counts`.
        figure["counts"] = note if note else "unknown"
        figure.update({k: v for k, v in entry.items() if k not in ("value", "note")})
        figures[name] = figure
        if figure["value"] != "unknown":
            what = "it holds format 1's note" if note else "format 1 did not say"
            out.decide(
                ("key_figures", name, "counts"),
                "what exactly the figure counts, and of which form of trafficking "
                f"(sex, labour, all): {what}; shorten it and keep its limits in `note`",
            )
    return figures


def _claims(old: dict[str, Any], out: Draft) -> list[Any]:
    claims = []
    for i, claim in enumerate(old["claims"]):
        claim = dict(claim)
        if claim.get("verdict") == "unsupported":
            # Format 1 had no verdict for "no evidence either way"; "not established" says no
            # more than the old verdict did, "unsupported" now says the evidence points against.
            claim["verdict"] = "not_established"
            out.decide(
                ("claims", str(i), "verdict"),
                "format 1's unsupported; not_established says no evidence settles it, "
                "unsupported now says the evidence points against it",
            )
        claims.append(claim)
    return claims


STEPS: Mapping[int, Step] = {1: _format_1_to_2}
"""Each format and the step that rewrites it into the next one."""


# -- writing YAML with comments ---------------------------------------------------------------

WIDTH = 100


def dump(data: Mapping[str, Any], notes: Mapping[KeyPath, list[str]] | None = None) -> str:
    """Write a mapping as block YAML, with comments above the keys ``notes`` names.

    Short entries without comments inside go on one line in flow style (``{name: unknown}``);
    long text is folded. What it writes loads back to ``data`` (a test checks it).
    """
    lines: list[str] = []
    _mapping(data, (), 0, notes or {}, lines)
    return "\n".join(lines) + "\n"


def _mapping(
    data: Mapping[str, Any],
    path: KeyPath,
    indent: int,
    notes: Mapping[KeyPath, list[str]],
    lines: list[str],
) -> None:
    pad = " " * indent
    for key, value in data.items():
        here = (*path, str(key))
        for note in notes.get(here, []):
            wrapped = textwrap.wrap(note, WIDTH - indent - 2, break_on_hyphens=False)
            lines += [f"{pad}# {wrapped[0]}", *(f"{pad}#   {w}" for w in wrapped[1:])]
        head = f"{pad}{_scalar(key)}:"
        _value(value, head, here, indent, notes, lines)


def _value(
    value: Any,
    head: str,
    path: KeyPath,
    indent: int,
    notes: Mapping[KeyPath, list[str]],
    lines: list[str],
) -> None:
    commented = any(p[: len(path)] == path and p != path for p in notes)
    flow = _flow(value)
    if flow is not None and not commented and len(head) + 1 + len(flow) <= WIDTH:
        lines.append(f"{head} {flow}")
    elif isinstance(value, dict):
        lines.append(head)
        _mapping(value, path, indent + 2, notes, lines)
    elif isinstance(value, list):
        lines.append(head)
        for i, item in enumerate(value):
            _item(item, (*path, str(i)), indent + 2, notes, lines)
    else:
        _text(value, head, indent, lines)


def _item(
    item: Any, path: KeyPath, indent: int, notes: Mapping[KeyPath, list[str]], lines: list[str]
) -> None:
    pad = " " * indent
    if isinstance(item, dict) and item:
        start = len(lines)
        _mapping(item, path, indent + 2, notes, lines)
        # The first key goes on the dash's line; comments above it may stay where they are.
        first = next(i for i in range(start, len(lines)) if not lines[i].lstrip().startswith("#"))
        lines[first] = f"{pad}- {lines[first][indent + 2 :]}"
    else:
        _value(item, f"{pad}-", path, indent, notes, lines)


def _text(value: Any, head: str, indent: int, lines: list[str]) -> None:
    plain = _scalar(value)
    short = len(head) + 1 + len(plain) <= WIDTH
    # Folded as people write it (">-", wrapped at 100 columns) only if folding gives the text
    # back exactly: single spaces, no line breaks, nothing at either end.
    if short or not isinstance(value, str) or " ".join(value.split()) != value:
        lines.append(f"{head} {plain}")
        return
    pad = " " * (indent + 2)
    wrapped = textwrap.wrap(
        value, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False
    )
    block = [f"{head} >-", *(pad + line for line in wrapped)]
    if not _reads_back("\n".join(["k: >-", *("  " + w for w in wrapped)]), value):
        block = [f"{head} {plain}"]
    lines += block


def _flow(value: Any) -> str | None:
    """The value on one line in flow style, or None for a mapping or list that holds others."""
    if isinstance(value, dict):
        if any(isinstance(v, dict) or (isinstance(v, list) and _nested(v)) for v in value.values()):
            return None
    elif isinstance(value, list):
        if _nested(value):
            return None
    else:
        return None
    return _scalar(value)


def _nested(items: list[Any]) -> bool:
    return any(isinstance(i, dict | list) for i in items)


def _scalar(value: Any) -> str:
    """A value on one line, as PyYAML writes it, double-quoted if it would not read back.

    PyYAML writes some strings plain that it then reads differently (a lone no-break space
    reads as null), so what it writes is read back and compared.
    """
    for style in (None, '"'):
        text = yaml.dump(
            value,
            Dumper=yaml.SafeDumper,
            default_style=style,
            default_flow_style=True,
            width=math.inf,
            sort_keys=False,
            allow_unicode=True,
        )
        text = text.removesuffix("\n").removesuffix("\n...").strip()
        if _reads_back(f"k: {text}", value):
            break
    return text


def _reads_back(text: str, value: Any) -> bool:
    try:
        return bool(yaml.load(text, Loader=_LOADER) == {"k": value})
    except yaml.YAMLError:
        return False


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _comments(source: str) -> tuple[str, int]:
    """The old file's header comments, kept, and how many of its other comments are not."""
    lines = source.splitlines()
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    rest = lines[len(header) :]
    dropped = sum(1 for line in rest if "#" in line and _is_comment(line))
    return ("\n".join(header) + "\n" if header else ""), dropped


def _is_comment(line: str) -> bool:
    """Whether a YAML line holds a comment (a # after a space, outside quotes)."""
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return True
    return False


def _quote(text: str) -> str:
    words = " ".join(str(text).split())
    return f'"{words}"'


def _one_line(text: str) -> str:
    return current().fill(" ".join(text.split()))
