"""The canonical-source rule: a source should be the original document, not a copy of it.

A ministry's press office flags a TIP tier sourced to a news site or an Act sourced to a bare-act
aggregator at once. The rule's data (``data/canonical_sources.yaml``) lists document types with
an official home and the hosts that hold copies of them; a team adds hosts in its project file
(``[validate.copy_hosts]``). A source marked ``copy_of`` says why no original is cited, so it is
not warned about; nor is an original whose text was read in a copy (``read_via``), which the
statistics count apart, as read through a copy.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aftercare_report import weburl
from aftercare_report.errors import Finding, InputError, Severity
from aftercare_report.loading import Document, load_yaml

RULES_FILE = Path(__file__).resolve().parent / "data" / "canonical_sources.yaml"
CODE = "copy-source"
"""The finding code, for ``--ignore`` and ``[validate] ignore``."""

HOST_PATTERN = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(/[^\s]*)?$"
"""A host name, lower case, optionally followed by a path prefix (``dailymail.co.uk/wires``)."""

_Host = Annotated[str, Field(pattern=HOST_PATTERN, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class _DocumentEntry(_Strict):
    name: str
    original: str
    official: tuple[_Host, ...] = Field(default=(), strict=False)
    title: str | None = None


class _CopyEntry(_Strict):
    what: str
    hosts: tuple[_Host, ...] = Field(strict=False, min_length=1)
    holds: tuple[str, ...] = Field(default=(), strict=False)


class _RulesFile(_Strict):
    schema_version: int
    documents: dict[str, _DocumentEntry]
    copies: tuple[_CopyEntry, ...] = Field(strict=False)


@dataclass(frozen=True)
class DocumentType:
    """A kind of document with an official home.

    Attributes:
        id: Its key in the rules file (``tip``).
        name: What it is, in words (``US Trafficking in Persons Report country narratives``).
        original: Where to find the original, as the warning says it.
        official: Hosts that are its official home.
        title: A pattern that recognises it by a source's title, or None.
    """

    id: str
    name: str
    original: str
    official: tuple[str, ...] = ()
    title: re.Pattern[str] | None = None


@dataclass(frozen=True)
class CopyHost:
    """A host (or host and path) whose pages are copies of documents published elsewhere.

    Attributes:
        host: ``ecoi.net`` or ``dailymail.co.uk/wires``.
        what: What kind of site it is.
        holds: The document types it copies (empty: any document).
        original: The original to cite instead, when a team says so in its project file.
    """

    host: str
    what: str
    holds: tuple[str, ...] = ()
    original: str = ""


@dataclass(frozen=True)
class Rules:
    """The document types and copy hosts the rule knows."""

    documents: Mapping[str, DocumentType]
    copies: tuple[CopyHost, ...]

    def with_team_hosts(self, hosts: Mapping[str, str]) -> Rules:
        """Return the rules with a team's copy hosts added (``host = "original to cite"``)."""
        extra = tuple(
            CopyHost(host, "hosts your project file names as holding copies", (), original)
            for host, original in hosts.items()
        )
        return replace(self, copies=(*extra, *self.copies))

    def copy_host(self, url: str) -> CopyHost | None:
        """Return the copy host a URL is on, or None."""
        return next((c for c in self.copies if on_host(url, c.host)), None)


@functools.cache
def bundled_rules() -> Rules:
    """Load the rules shipped with the tool (once per process).

    Raises:
        InputError: The rules file is malformed (a packaging mistake, located by line).
    """
    return load_rules(RULES_FILE)


def load_rules(path: Path) -> Rules:
    """Load and validate a rules file.

    Raises:
        InputError: With every problem found, each located.
    """
    doc = load_yaml(path)
    try:
        data = _RulesFile.model_validate(doc.data)
    except ValidationError as exc:
        errors = [doc.finding(tuple(e["loc"]), e["msg"]) for e in exc.errors()]
        raise InputError(errors) from None
    documents = {
        key: DocumentType(
            key,
            d.name,
            " ".join(d.original.split()),
            d.official,
            re.compile(d.title, re.IGNORECASE) if d.title else None,
        )
        for key, d in data.documents.items()
    }
    problems = [
        doc.finding(("copies", i, "holds"), f"'{held}' is not a document type of this file")
        for i, entry in enumerate(data.copies)
        for held in entry.holds
        if held not in documents
    ]
    if problems:
        raise InputError(problems)
    copies = tuple(CopyHost(h, e.what, e.holds) for e in data.copies for h in e.hosts)
    return Rules(documents, copies)


def on_host(url: str, host: str) -> bool:
    """Whether ``url`` is on ``host`` (or a subdomain of it), under its path prefix if it has one.

    Args:
        url: A source's URL.
        host: ``example.org`` or ``example.org/some/path``.
    """
    name, _, prefix = host.partition("/")
    netloc = weburl.host(url)  # as a browser reads it: a backslash ends the host
    if netloc != name and not netloc.endswith("." + name):
        return False
    return not prefix or urlsplit(url).path.lstrip("/").startswith(prefix)


def problem(url: str, title: str, rules: Rules) -> str | None:
    """Say why a source is not the original it should be, or None when it may be.

    Args:
        url: The source's URL.
        title: Its title, which may name a document type with an official home.
        rules: The rules to apply.
    """
    named = [d for d in rules.documents.values() if d.title and d.title.search(title)]
    copy = rules.copy_host(url)
    if copy is not None:
        held = [d for d in named if not copy.holds or d.id in copy.holds]
        held = held or [rules.documents[h] for h in copy.holds]
        where = copy.host.partition("/")[0]
        return f"{where} is one of the {copy.what}: cite the original, {_originals(copy, held)}"
    for doc in named:
        if doc.official and not any(on_host(url, h) for h in doc.official):
            return (
                f"the title names {doc.name}, but the URL is not on their official home "
                f"({', '.join(doc.official)}): cite the original, {doc.original}"
            )
    return None


def _originals(copy: CopyHost, held: list[DocumentType]) -> str:
    if copy.original:
        return copy.original
    if len(held) == 1:
        return held[0].original
    if not held:
        return "the publisher's own page"
    return "; ".join(f"for {d.name}, {d.original}" for d in held)


def copy_warnings(doc: Document, rules: Rules) -> list[Finding]:
    """Warn about each source in a profile's registry that is an unmarked copy.

    Works on the raw document, so a source is judged by what its author wrote.

    Args:
        doc: The loaded profile.
        rules: The rules (bundled, with a team's hosts added).

    Returns:
        One warning per unmarked copy, located at its URL.
    """
    return [
        doc.finding(
            ("sources", sid, "url"),
            f"{message}; or, if no original can be reached, mark it `copy_of:` with the reason",
            severity=Severity.WARNING,
            code=CODE,
        )
        for sid, message in _unmarked_copies(doc, rules)
    ]


@dataclass(frozen=True)
class SourceCounts:
    """How a set of profiles cites its sources: the statistics ``validate`` prints.

    Attributes:
        total: Sources in the registries.
        read_via: Originals cited whose text was read in a copy (``read_via``).
        marked: Copies cited because no original could be reached (``copy_of``).
        unmarked: Copies cited as if they were originals (each also a warning).
    """

    total: int = 0
    read_via: int = 0
    marked: int = 0
    unmarked: int = 0

    def __add__(self, other: SourceCounts) -> SourceCounts:
        return SourceCounts(
            self.total + other.total,
            self.read_via + other.read_via,
            self.marked + other.marked,
            self.unmarked + other.unmarked,
        )

    @property
    def originals(self) -> int:
        """Originals cited and read as such."""
        return self.total - self.read_via - self.marked - self.unmarked


def count_sources(doc: Document, rules: Rules) -> SourceCounts:
    """Count a profile's sources by how they are cited (see :class:`SourceCounts`).

    Args:
        doc: The loaded profile.
        rules: The rules (bundled, with a team's hosts added).
    """
    registry = doc.data.get("sources")
    entries = registry if isinstance(registry, Mapping) else {}
    unmarked = {sid for sid, _ in _unmarked_copies(doc, rules)}

    def kind(sid: object, entry: object) -> str:
        if not isinstance(entry, Mapping) or str(sid) in unmarked:
            return "unmarked" if str(sid) in unmarked else "original"
        if entry.get("copy_of"):
            return "marked"
        return "read_via" if entry.get("read_via") else "original"

    kinds = [kind(sid, entry) for sid, entry in entries.items()]
    return SourceCounts(
        total=len(kinds),
        read_via=kinds.count("read_via"),
        marked=kinds.count("marked"),
        unmarked=kinds.count("unmarked"),
    )


def _unmarked_copies(doc: Document, rules: Rules) -> Iterator[tuple[str, str]]:
    registry = doc.data.get("sources")
    for sid, entry in registry.items() if isinstance(registry, Mapping) else ():
        if not isinstance(entry, Mapping) or entry.get("copy_of"):
            continue
        url, title = entry.get("url"), entry.get("title")
        if isinstance(url, str):
            message = problem(url, title if isinstance(title, str) else "", rules)
            if message:
                yield str(sid), message
