"""Read YAML safely and remember where every value came from.

Profiles and frameworks are untrusted (they arrive in pull requests), so loading refuses anything a
plain data file does not need: custom tags (``!!python/...``), merge keys, duplicate keys, huge
files, deep nesting and alias-expansion bombs. Each refusal is a located :class:`Finding`.

The result is plain data (dicts, lists, scalars) plus a map from key paths to source positions, so
later validation steps can say ``file:line:col`` for anything they find.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aftercare_report.confine import Refused, read_input
from aftercare_report.errors import Finding, InputError, display_path

try:  # libyaml's C parser is about 10x faster; fall back only where it is not built.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
"""Largest input accepted; a country profile is a few kB."""
MAX_DEPTH = 32
"""Deepest nesting accepted; profiles need about 5 levels."""
MAX_NODES = 50_000
"""Most values a document may expand to, counting every alias use (stops 'billion laughs')."""
MAX_FILE_FINDINGS = 100
"""Findings the reading of one file reports one by one (a file that repeats a key 25,000 times
would otherwise make as many, held and printed by the building process)."""
ALIAS_GROWTH = 2
ALIAS_ALLOWANCE = 10_000
"""Aliases may make a document at most twice what is written, and 10,000 more (values, or
characters of text): enough to repeat a source or a list, never to multiply the file."""
MAX_EXPANDED = 4 * MAX_BYTES
"""Most characters of text a document may expand to through aliases (one long anchored string
reused many times would otherwise multiply every output built from it)."""

KeyPath = tuple[str | int, ...]
"""Where a value sits in a document: mapping keys and sequence indexes from the top."""

Position = tuple[int, int]
"""A 1-based (line, column)."""

_TAG = "tag:yaml.org,2002:"
_constructor = yaml.constructor.SafeConstructor()
_SCALARS: dict[str, Callable[[yaml.ScalarNode], Any]] = {
    _TAG + "str": _constructor.construct_yaml_str,
    _TAG + "int": _constructor.construct_yaml_int,
    _TAG + "float": _constructor.construct_yaml_float,
    _TAG + "bool": _constructor.construct_yaml_bool,
    _TAG + "null": _constructor.construct_yaml_null,
    _TAG + "timestamp": _constructor.construct_yaml_timestamp,
}


@dataclass(frozen=True)
class Document:
    """A loaded YAML document with the position of each key and value.

    Attributes:
        path: The file it came from.
        data: The top-level mapping, as plain Python data.
        values: Position of the value at each key path (``()`` is the document itself).
        keys: Position of the key token of each mapping entry.
        source: The bytes read, so later steps use exactly what was validated.
    """

    path: Path
    data: dict[str, Any]
    values: dict[KeyPath, Position] = field(default_factory=dict)
    keys: dict[KeyPath, Position] = field(default_factory=dict)
    source: bytes = b""

    @functools.cached_property
    def name(self) -> str:
        """The path as shown in messages (worked out once: a file may have 20,000 findings)."""
        return display_path(self.path)

    def position(self, path: KeyPath, *, of_key: bool = False) -> Position:
        """Return the closest known position for ``path``.

        Args:
            path: Key path of the value in question. Missing trailing parts are walked back, so a
                missing key is reported at its parent mapping.
            of_key: Prefer the position of the key token over that of the value.

        Returns:
            A 1-based (line, column); (1, 1) when nothing along the path is known.
        """
        while True:
            if of_key and path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def finding(self, path: KeyPath, message: str, *, of_key: bool = False, **kw: Any) -> Finding:
        """Return a finding located at ``path`` in this document.

        Args:
            path: Key path the message is about.
            message: What is wrong.
            of_key: Point at the key token rather than the value.
            **kw: ``severity`` and ``code`` for :class:`Finding`.
        """
        line, column = self.position(path, of_key=of_key)
        return Finding(self.name, line, column, dotted(path), message, **kw)


def leaves(data: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every value of loaded data that is not a mapping or a list, with its key path."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from leaves(value, (*path, i))
    else:
        yield path, data


def texts(data: Any) -> Iterator[tuple[KeyPath, str]]:
    """Every string of loaded data, with its key path."""
    return ((path, value) for path, value in leaves(data) if isinstance(value, str))


def dotted(path: KeyPath) -> str:
    """Return a key path as ``components.shelter.sources[0]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_yaml(path: Path) -> Document:
    """Read and parse one YAML file whose top level must be a mapping.

    Args:
        path: The file to read.

    Returns:
        The document with positions.

    Raises:
        InputError: The file is missing, too large, not UTF-8, empty, not valid YAML, uses a
            refused feature, or its top level is not a mapping. All findings at once where the
            parse got far enough to see several.
    """
    return parse_yaml(_read_bytes(path, display_path(path)), path)


def parse_yaml(raw: bytes, path: Path) -> Document:
    """Parse YAML bytes already read from ``path`` (see :func:`load_yaml`).

    Later steps that need positions in a file validated earlier parse the very bytes that were
    validated (a profile's ``source``), not the file again. The same bytes parse to the same
    document, so a process keeps the last few (``serve`` rebuilds, a build that reads the
    framework twice): callers read a document and never change it (an overlay copies it).
    Only files of ordinary size are kept, so hostile 2 MB files cannot fill memory.

    Raises:
        InputError: As :func:`load_yaml`, except for reading.
    """
    if len(raw) > CACHED_BYTES:
        return _parse.__wrapped__(raw, path, Path.cwd())
    # Keyed by the working directory too: messages name a file relative to it.
    return _parse(raw, path, Path.cwd())


CACHED_BYTES = 512 * 1024
"""Largest file whose parsed document a process keeps (profiles are about 100 kB)."""


@functools.lru_cache(maxsize=16)
def _parse(raw: bytes, path: Path, cwd: Path) -> Document:
    name = display_path(path)
    text = _decode(raw, name)
    written = _check_structure(text, name)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:  # e.g. a second document, an undefined alias
        raise InputError([_syntax_finding(exc, name)]) from None
    if root is None:
        raise InputError([Finding(name, 1, 1, "", "file has no content", code="empty")])
    # Aliases may repeat what is written, not multiply it: a run reads up to 300 profiles, so a
    # bound per file that lets each expand eightfold adds up to gigabytes in the building process.
    builder = _Builder(
        name,
        max_nodes=min(MAX_NODES, ALIAS_GROWTH * written + ALIAS_ALLOWANCE),
        max_characters=min(MAX_EXPANDED, ALIAS_GROWTH * len(text) + ALIAS_ALLOWANCE),
    )
    data = builder.build(root, ())
    if builder.more:  # 25,000 repeats of one key made as many findings, held and printed
        msg = f"and {builder.more:,} more problems of this kind in the file: fix these first"
        builder.findings.append(Finding(name, 0, 0, "", msg, code="too-many"))
    if builder.findings:
        raise InputError(builder.findings)
    if not isinstance(data, dict):
        line, col = _pos(root.start_mark)
        kind = type(data).__name__
        msg = f"top level must be a mapping of keys to values, not a {kind}"
        raise InputError([Finding(name, line, col, "", msg, code="not-mapping")])
    return Document(path, data, builder.values, builder.keys, raw)


def _read_bytes(path: Path, name: str) -> bytes:
    """Read a regular file of at most ``MAX_BYTES``, never through a symlink.

    A pull request could otherwise add ``thailand.yaml -> /proc/self/environ`` and have the
    runner's environment attached to the PDF, or link a profile to ``/proc/kmsg`` and hang it.
    """
    try:
        return read_input(path, MAX_BYTES)
    except Refused as exc:
        raise InputError([Finding(name, 0, 0, "", f"not read: {exc}", code="not-file")]) from None


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        msg = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise InputError([Finding(name, line, column, "", msg, code="encoding")]) from None
    if not text.strip():
        raise InputError([Finding(name, 0, 0, "", "file is empty", code="empty")])
    return text


def _check_structure(text: str, name: str) -> int:
    """Check syntax, nesting depth and size with the event stream, before any tree is built.

    The parser is iterative, so a document nested 100,000 levels deep is refused here rather than
    overflowing the stack of a recursive composer.
    """
    depth = nodes = 0
    bare: list[Finding] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                nodes += 1  # keys and values as written; aliases are counted when built
                if nodes > MAX_NODES:  # stop here: composing them all takes seconds a MB
                    line, col = _pos(event.start_mark)
                    msg = (
                        f"holds more than {MAX_NODES:,} values; a country profile needs about 2,000"
                    )
                    raise InputError([Finding(name, line, col, "", msg, code="too-large")])
            if getattr(event, "tag", None) == "!":
                # A bare '!' makes its value a string whatever it looks like ("key: !" loads
                # as ''), a tag the composer no longer shows: refused here, where it is seen.
                line, col = _pos(event.start_mark)
                msg = "YAML tag '!' is not allowed: profiles are plain data, write the value alone"
                if len(bare) < MAX_FILE_FINDINGS:
                    bare.append(Finding(name, line, col, "", msg, code="refused-tag"))
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line, col = _pos(event.start_mark)
                    msg = f"nested more than {MAX_DEPTH} levels deep; profiles need far fewer"
                    raise InputError([Finding(name, line, col, "", msg, code="too-deep")])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        raise InputError([_syntax_finding(exc, name)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml always gives a mark
        raise InputError([Finding(name, 0, 0, "", f"invalid YAML: {exc}", code="syntax")]) from None
    if bare:
        raise InputError(bare)
    return nodes


def _syntax_finding(exc: yaml.MarkedYAMLError, name: str) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line, col = _pos(mark) if mark else (0, 0)
    words = ": ".join(part for part in (exc.context, exc.problem) if part)
    if "expected a single document" in words or "but found another document" in words:
        words = "more than one YAML document (---) in the file; a profile is one document"
    return Finding(name, line, col, "", f"invalid YAML: {words}", code="syntax")


def _pos(mark: Any) -> Position:
    return (mark.line + 1, mark.column + 1)


_RESOLVER = yaml.resolver.Resolver()
_NOT_KEYS = frozenset(_TAG + kind for kind in ("bool", "null", "float", "timestamp"))
_CORE = {
    _TAG + "bool": re.compile(r"true|True|TRUE|false|False|FALSE"),
    _TAG + "int": re.compile(r"[-+]?(0|[1-9][0-9]*)|0x[0-9a-fA-F]+"),
    _TAG + "float": re.compile(
        r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
    ),
}
"""How YAML 1.2 (what editors, linters and most other tools read) writes booleans and numbers."""


def yaml_1_1(node: yaml.ScalarNode) -> str | None:
    """Say how to write a plain scalar that only YAML 1.1 reads as a boolean or number.

    PyYAML reads YAML 1.1: ``no`` is false (Norway's code), ``1:30`` is 90, ``0755`` is 493.
    YAML 1.2 reads them as text or other numbers, so one file would mean two things; it is
    refused with the spelling that means one.
    """
    core = _CORE.get(node.tag)
    text = node.value
    if core is None or node.style not in (None, "") or core.fullmatch(text):
        return None
    implicit = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if implicit != node.tag:
        return None  # an explicit tag on an odd value (`!!bool maybe`): the constructor says
    shown = text if len(text) <= 40 else text[:37] + "..."
    if node.tag == _TAG + "bool":
        return (
            f"'{shown}' is a boolean only in YAML 1.1: write true or false, or quote it "
            f"('{shown}') if it is text"
        )
    if ":" in text:
        return (
            f"'{shown}' is a base-60 number in YAML 1.1: quote it ('{shown}') if it is text, "
            "or write the number in decimal"
        )
    return (
        f"'{shown}' is a number only YAML 1.1 reads this way (octal, binary or with "
        f"underscores): write it in decimal without leading zeros or underscores, or quote it "
        f"('{shown}') if it is text"
    )


class _Builder:
    """Turn a composed node tree into plain data, recording positions and refusing what's unsafe."""

    def __init__(
        self, name: str, max_nodes: int = MAX_NODES, max_characters: int = MAX_EXPANDED
    ) -> None:
        self.name = name
        self.max_nodes, self.max_characters = max_nodes, max_characters
        self.values: dict[KeyPath, Position] = {}
        self.keys: dict[KeyPath, Position] = {}
        self.findings: list[Finding] = []
        self.visited = 0
        self.characters = 0
        self.more = 0  # findings past the cap, counted

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.visited += 1
        if isinstance(node, yaml.ScalarNode):
            self.characters += len(node.value)
        # Only aliases can make a small file this large, wide or deep: refuse before the memory
        # or the stack runs out. The event check saw the nesting of the text, not of aliases.
        if self.visited > self.max_nodes:
            what = f"{self.max_nodes:,} values"
            self._stop(node, path, f"expands to more than {what} through aliases")
        if self.characters > self.max_characters:
            what = f"{self.max_characters:,} characters of text"
            self._stop(node, path, f"expands to more than {what} through aliases")
        if len(path) > MAX_DEPTH:
            self._stop(node, path, f"nested more than {MAX_DEPTH} levels deep through aliases")
        self.values[path] = _pos(node.start_mark)
        if isinstance(node, yaml.MappingNode) and node.tag == _TAG + "map":
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode) and node.tag == _TAG + "seq":
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode) and node.tag in _SCALARS:
            return self._scalar(node, path)
        self._refuse_tag(node, path)
        return None

    def _stop(self, node: yaml.Node, path: KeyPath, message: str) -> None:
        self._fail(node, path[:MAX_DEPTH], message, "too-large")
        raise InputError(self.findings)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key is None:
                continue
            line, col = _pos(key_node.start_mark)
            if key in first_seen:
                msg = (
                    f"duplicate key '{key}' (first at line {first_seen[key]}); "
                    "YAML would silently keep only the last one"
                )
                self._note(self._at(line, col, (*path, key), msg, "duplicate-key"))
                continue
            first_seen[key] = line
            self.keys[(*path, key)] = (line, col)
            out[key] = self.build(value_node, (*path, key))
        return out

    def _key(self, node: yaml.Node, path: KeyPath) -> Any:
        if node.tag == _TAG + "merge":
            self._fail(node, path, "merge keys (<<) are not supported; write the keys out")
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _SCALARS:
            self._fail(node, path, "mapping keys must be plain words or numbers")
            return None
        if node.tag in _NOT_KEYS:
            # `~:`, `yes:`, `1.5:` or a date as a key is a slip, never an intended name.
            self._fail(node, path, f"'{node.value}' cannot be a key; quote it if it is a name")
            return None
        return self._scalar(node, path)

    def _scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        old = yaml_1_1(node)
        if old:
            self._fail(node, path, old, "yaml-1.1")
            return None
        try:
            value = _SCALARS[node.tag](node)
        except (ValueError, OverflowError, LookupError, AttributeError, TypeError) as exc:
            # PyYAML's constructors fail on explicit tags with odd values in many ways:
            # `!!bool maybe` (KeyError), `!!int ""` (IndexError), a bad `!!timestamp`
            # (AttributeError). Each is the author's slip, never our bug.
            what = "date" if node.tag.endswith("timestamp") else node.tag.removeprefix(_TAG)
            reason = f": {exc}" if isinstance(exc, ValueError | OverflowError) else ""
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            self._fail(node, path, f"'{shown}' is not a valid {what}{reason}", "bad-value")
            return None
        if isinstance(value, dt.datetime):
            self._fail(node, path, f"'{node.value}': give a date (YYYY-MM-DD), not a time")
            return None
        return value

    def _refuse_tag(self, node: yaml.Node, path: KeyPath) -> None:
        tag = node.tag.replace(_TAG, "!!")
        msg = f"YAML tag '{tag}' is not allowed: profiles are plain data, nothing is executed"
        self._fail(node, path, msg, "refused-tag")

    def _fail(self, node: yaml.Node, path: KeyPath, message: str, code: str = "refused") -> None:
        line, col = _pos(node.start_mark)
        self._note(self._at(line, col, path, message, code))

    def _note(self, finding: Finding) -> None:
        """Keep a finding, up to :data:`MAX_FILE_FINDINGS`; count the rest."""
        if len(self.findings) < MAX_FILE_FINDINGS:
            self.findings.append(finding)
        else:
            self.more += 1

    def _at(self, line: int, col: int, path: KeyPath, message: str, code: str) -> Finding:
        return Finding(self.name, line, col, dotted(path), message, code=code)
