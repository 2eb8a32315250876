"""A team's own language: catalogs and framework overlays in the project's ``translations`` folder.

``translations init LANG`` starts ``translations/LANG.po`` from the tool's message template (or
from the tool's own translation, for a language it ships) and ``translations/framework.LANG.yaml``
with every framework text to translate; ``update`` brings a catalog up to date with a newer tool;
``check`` reports what is untranslated, fuzzy or has placeholders that do not match. A build in a
language refuses to start until its catalog and overlay are complete, so no brief is handed over
half in English.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from aftercare_report import confine, i18n, lookalikes, overlay, profile_overlay
from aftercare_report.errors import Finding, InputError, Severity, display_path
from aftercare_report.i18n import Language
from aftercare_report.loading import load_yaml
from aftercare_report.model import Profile
from aftercare_report.resources import DEFAULT_FRAMEWORK, bundled

RTL_MESSAGE = (
    "{name} is written right to left, which the brief layout does not support yet: tables, "
    "lists, the chart and page numbers would read in the wrong order. Build the briefs in a "
    "left-to-right language"
)


@dataclass(frozen=True)
class Report:
    """What ``translations check`` found.

    Attributes:
        catalog: The catalog checked.
        total: Messages in the tool's template.
        untranslated: Messages with no translation.
        fuzzy: Messages marked fuzzy (a guess to review; not used in briefs).
        findings: One finding per problem, with its line.
    """

    catalog: Path
    total: int
    untranslated: int
    fuzzy: int
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class TeamMessage:
    """A message a team's template writes with ``_()``, ``ngettext()`` or ``pgettext()``.

    Attributes:
        id: The message, or (singular, plural) for ``ngettext``.
        context: The context of ``pgettext``, or None.
        path: The template file.
        line: Its line there.
    """

    id: str | tuple[str, str]
    context: str | None
    path: Path
    line: int

    @property
    def text(self) -> str:
        """The message as a finding quotes it (the singular of a plural one)."""
        return _first(self.id)


def template(team: Sequence[TeamMessage] = ()) -> Catalog:
    """The message template: every message the tool writes, in English, and the team's own.

    Args:
        team: Messages of the team's templates (see ``templating.team_messages``) that the tool
            does not write itself, each with the template line it comes from.
    """
    catalog = i18n.read_catalog(i18n.TEMPLATE)
    for message in team:
        location = (display_path(message.path), message.line)
        found = catalog.get(message.id, message.context)
        if found is None:
            catalog.add(message.id, locations=[location], context=message.context)
        else:
            found.locations.append(location)
    return catalog


def init(
    language: str,
    folder: Path,
    framework: Path | None = None,
    team: Sequence[TeamMessage] = (),
) -> list[Path]:
    """Start a team's translation into ``language`` in ``folder``.

    Args:
        language: The language code.
        folder: The project's ``translations`` folder (created if missing).
        framework: The team's framework file, or None for the bundled one.
        team: The messages of the team's own templates, to translate too.

    Returns:
        The files written.

    Raises:
        InputError: Not a language Babel knows, written right to left, or files already there.
    """
    _check_code(language)
    po, yaml_path = folder / f"{language}.po", folder / f"framework.{language}.yaml"
    there = [p for p in (po, yaml_path) if os.path.lexists(p)]
    if there:
        names = ", ".join(display_path(p) for p in there)
        message = f"already there: {names}; use 'translations update {language}' to refresh"
        raise InputError([Finding(display_path(there[0]), 0, 0, "", message)])
    shipped = i18n.catalog_path(language)
    catalog = (
        i18n.read_catalog(shipped, language)
        if shipped.is_file()
        else Catalog(locale=i18n.babel_locale(language))
    )
    catalog.update(template(team), no_fuzzy_matching=True)
    source = framework or DEFAULT_FRAMEWORK
    shipped_overlay = overlay.overlay_path(source, language, None)
    if shipped_overlay:
        text = shipped_overlay.read_bytes()
    else:
        text = skeleton(source, language).encode("utf-8")
    _write(po, _catalog_bytes(catalog))
    _write(yaml_path, text)
    return [po, yaml_path]


def check_profile_targets(language: str, profiles: Sequence[Profile]) -> None:
    """Refuse now what :func:`start_profiles` would refuse half way (a symlink in the way).

    Raises:
        InputError: Every translation that could not be written, each named.
    """
    found = []
    for _, target in _profile_targets(language, profiles):
        try:
            confine.check_writable(target.parent, Path(target.name))
        except confine.Refused as exc:
            found.append(Finding(display_path(target), 0, 0, "", f"not written: {exc}"))
    if found:
        raise InputError(found)


def _profile_targets(language: str, profiles: Sequence[Profile]) -> list[tuple[Profile, Path]]:
    """Each profile that has no translation into ``language`` yet, with the one to write."""
    base, targets = language.split("-")[0], []
    for profile in profiles:
        path = profile.path
        if path is None or _shipped(path) or profile.language.split("-")[0] == base:
            continue
        if language in profile_overlay.paths_for(path):
            continue
        targets.append((profile, path.with_name(f"{path.stem}.{language}.yaml")))
    return targets


def start_profiles(language: str, profiles: Sequence[Profile]) -> list[Path]:
    """Write a translation to fill in beside each profile that has none in ``language``.

    Profiles written in ``language`` already, and those shipped with the tool, are left out.

    Returns:
        The files written.

    Raises:
        InputError: A file could not be written (never through a symlink).
    """
    written = []
    for profile, target in _profile_targets(language, profiles):
        data = profile_overlay.skeleton(profile, language).encode("utf-8")
        try:
            written.append(confine.write_new(target.parent, Path(target.name), data))
        except (OSError, confine.Refused) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            finding = Finding(display_path(target), 0, 0, "", f"not written: {reason}")
            raise InputError([finding]) from None
    return written


def update(language: str, folder: Path, team: Sequence[TeamMessage] = ()) -> Path:
    """Bring the team's catalog up to date with the messages of the tool and of its templates.

    New messages come in untranslated, each with the template line it comes from.

    Raises:
        InputError: There is no catalog for ``language`` in ``folder``.
    """
    po = _team_catalog(language, folder)
    catalog = i18n.read_catalog(po, language)
    catalog.update(template(team), no_fuzzy_matching=False)  # a changed message comes back fuzzy
    _write(po, _catalog_bytes(catalog), replace=True)
    return po


def check(
    language: str,
    folder: Path | None,
    framework: Path | None = None,
    team: Sequence[TeamMessage] = (),
) -> list[Report]:
    """Check the catalogs and framework overlay a build in ``language`` would use.

    Args:
        language: The language code.
        folder: The project's ``translations`` folder, or None (the tool's own catalogs).
        framework: The team's framework file, or None for the bundled one.
        team: The messages of the team's templates: each untranslated one is a warning at
            its template line.

    Returns:
        One report per catalog (the team's, and the tool's when it ships the language).

    Raises:
        InputError: The framework overlay has problems (each at its line).
    """
    po = folder / f"{language}.po" if folder else None
    paths = [p for p in (po, i18n.catalog_path(language)) if p and p.is_file()]
    reports = [check_catalog(p, language) for p in paths[:1]]  # the first one found is used
    if team and language.split("-")[0] != i18n.SOURCE_LANGUAGE:
        reports.append(check_team(language, folder, team))
    source = framework or DEFAULT_FRAMEWORK
    found = overlay.overlay_path(source, language, folder)
    if language.split("-")[0] != i18n.SOURCE_LANGUAGE and found:
        reports.append(check_overlay(source, found))
    return reports


def untranslated(language: Language, team: Sequence[TeamMessage]) -> list[Finding]:
    """The team's template messages ``language`` has no translation of, as warnings.

    A brief in that language would print them in English. Messages the tool writes itself
    are translated by its own catalogs.
    """
    if language.code.split("-")[0] == i18n.SOURCE_LANGUAGE:
        return []
    out = []
    messages = language.translations
    own = next((p for p in language.catalogs if p.is_file()), None)
    catalog = i18n.read_catalog(own, language.code) if own else None
    places: dict[tuple[Any, str | None], int] = {}
    for message in team:  # how often each message is written: it is warned of once
        key = (message.id, message.context)
        places[key] = places.get(key, 0) + 1
    for message in team:
        count = places.pop((message.id, message.context), 0)
        if not count:
            continue  # warned of at its first place
        if isinstance(message.id, tuple):
            translated = messages.ngettext(*message.id, 1) != message.id[0]
        elif message.context is not None:
            translated = messages.pgettext(message.context, message.id) != message.id
        else:
            translated = messages.gettext(message.id) != message.id
        if not translated:
            entry = catalog.get(message.id, message.context) if catalog and own else None
            if entry is not None and own is not None:
                where = f"{display_path(own)}:{entry.lineno}" if entry.lineno else own.name
                fix = f"translate it in {where}"
            else:
                fix = (
                    f"run 'aftercare-report translations update {language.code}', then translate it"
                )
            text = (
                f"“{message.text}” is not translated into {language_name(language.code)}, so "
                f"briefs print it in English: {fix}"
            )
            if count > 1:
                text += f" (it is written in {count:,} places; this is the first)"
            where = display_path(message.path)
            out.append(Finding(where, message.line, 1, "", text, Severity.WARNING, "team-string"))
    return out


def check_team(language: str, folder: Path | None, team: Sequence[TeamMessage]) -> Report:
    """Check that the team's template messages are translated (each a warning at its line)."""
    resolved = i18n.resolve(language, {}, folder)
    found = untranslated(resolved, team)
    where = team[0].path.parent if team else Path("templates")
    return Report(where, len(team), len(found), 0, tuple(found))


def check_profiles(language: str, profiles: Sequence[Profile]) -> list[Report]:
    """Check the translations of profiles into ``language``: what each leaves untranslated.

    A profile with a translation gets its untranslated fields as warnings at the profile's
    lines (the translation is meant to be whole), unless it ships with the tool (a count
    only: a team cannot finish it); a profile without one only a count. Profiles written in
    ``language`` are left out.

    Returns:
        One report per profile, its translation's path or the profile's as ``catalog``.

    Raises:
        InputError: A translation is invalid (every problem at its line).
    """
    base = language.split("-")[0]
    reports = []
    for profile in profiles:
        if profile.path is None or profile.language.split("-")[0] == base:
            continue
        found = profile_overlay.paths_for(profile.path)
        path = found.get(language) or found.get(base)
        translation = profile_overlay.load(path, profile) if path else None
        left = profile_overlay.untranslated(profile, translation, language)
        total = len(left) + (len(translation.texts) if translation else 0)
        shown = () if translation is None or _shipped(profile.path) else tuple(left)
        if path is not None:  # text that reads differently, as validate warns of it
            shown += tuple(lookalikes.findings(load_yaml(path)))
        reports.append(Report(path or profile.path, total, len(left), 0, shown))
    return reports


def _shipped(path: Path) -> bool:
    return path.resolve().is_relative_to(bundled("profiles").resolve())


def check_overlay(framework: Path, path: Path) -> Report:
    """Check a framework overlay: every text present, no unknown ids or placeholders."""
    doc = load_yaml(framework)
    total = sum(1 for _ in overlay.texts(doc.data))
    try:
        texts = overlay.load(path)
        overlay.apply(doc, texts)
    except InputError as exc:
        missing = sum(1 for f in exc.findings if f.code == "untranslated")
        return Report(path, total, missing, 0, tuple(exc.findings))
    return Report(path, total, 0, 0, tuple(lookalikes.findings(texts)))


def check_catalog(path: Path, language: str) -> Report:
    """Count what is untranslated or fuzzy in a catalog, and check its placeholders.

    A message of the tool's template that the catalog lacks counts as untranslated; each
    translation must use only placeholders its message has (Babel's python-format check), so a
    misspelt ``%(contry)s`` fails here, not in a brief.
    """
    catalog = i18n.read_catalog(path, language)
    name = display_path(path)
    findings: list[Finding] = []
    untranslated = fuzzy = 0
    wanted = template()
    for message in wanted:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        line = found.lineno if found else 0
        text = _first(message.id)
        if found is None or not _translated(found.string):
            untranslated += 1
            findings.append(_finding(name, line, f"untranslated: “{text}”", "untranslated"))
        elif found.fuzzy:
            fuzzy += 1
            findings.append(_finding(name, line, f"fuzzy (review it): “{text}”", "fuzzy"))
    for message, errors in catalog.check():
        for error in errors:
            text = _first(message.id)
            findings.append(_finding(name, message.lineno, f"“{text}”: {error}", "placeholder"))
    for message in catalog:
        for text in _texts(message.string):
            for bad in i18n.broken_agreements(text):
                problem = (
                    f"“{_first(message.id)}”: {bad} is not a gender choice; write "
                    "{survivor:feminine|masculine} or {victim:feminine|masculine}"
                )
                findings.append(_finding(name, message.lineno, problem, "placeholder"))
    findings += catalog_warnings(path, language, catalog)
    total = sum(1 for m in wanted if m.id)
    return Report(path, total, untranslated, fuzzy, tuple(findings))


def catalog_warnings(path: Path, language: str, catalog: Catalog | None = None) -> list[Finding]:
    """Invisible, bidi-control and look-alike characters in a catalog's translations.

    The same check and the same warning as for profile text (:mod:`aftercare_report.lookalikes`):
    a translated sentence is published as a profile's is.
    """
    read = catalog if catalog is not None else i18n.read_catalog(path, language)
    texts = [(m.lineno or 0, t) for m in read if m.id for t in _texts(m.string)]
    return lookalikes.line_findings(display_path(path), texts)


def text_warnings(language: str, folder: Path | None, framework: Path | None) -> list[Finding]:
    """What ``validate`` warns of in the team's catalog and framework overlay for ``language``.

    Args:
        language: The language code.
        folder: The project's ``translations`` folder, or None.
        framework: The team's framework file, or None for the bundled one.
    """
    po = folder / f"{language}.po" if folder else None
    out = catalog_warnings(po, language) if po and po.is_file() else []  # en.po too: its words
    if language.split("-")[0] == i18n.SOURCE_LANGUAGE:  # replace the tool's own in English
        return out
    found = overlay.overlay_path(framework or DEFAULT_FRAMEWORK, language, folder)
    if found is not None:
        out += lookalikes.findings(overlay.load(found))
    return out


def usable(
    language: Language, folder: Path | None, framework: Path | None, where: str = "--language"
) -> None:
    """Refuse to build in a language the briefs cannot be written in completely.

    Args:
        language: The language of the build.
        folder: The project's ``translations`` folder, if any.
        framework: The team's framework file, or None for the bundled one.
        where: What named the language, for messages (the project file or ``--language``).

    Raises:
        InputError: Unknown or right-to-left language, no catalog, or an incomplete team catalog.
    """
    code = language.code
    _check_code(code, where)
    if code.split("-")[0] == i18n.SOURCE_LANGUAGE:
        return
    team = [p for p in language.catalogs if p.is_file()]
    shipped = any(i18n.catalog_path(c).is_file() for c in (code, code.split("-")[0]))
    if not team and not shipped:
        message = (
            f"no translation into {language_name(code)} ({code}): run 'aftercare-report "
            f"translations init {code}' and translate the files it writes (shipped: "
            f"{', '.join(i18n.shipped())})"
        )
        raise InputError([Finding(where, 0, 0, "", message, code="no-catalog")])
    for path in team:
        report = check_catalog(path, code)
        # A language the tool ships falls back to its translation; a team's own must be whole.
        missing = 0 if shipped else report.untranslated + report.fuzzy
        broken = [f for f in report.findings if f.code == "placeholder"]
        if missing:
            message = (
                f"{missing} of {report.total} messages are not translated into "
                f"{language_name(code)}: run 'aftercare-report translations check {code}'"
            )
            raise InputError([Finding(display_path(path), 0, 0, "", message, code="untranslated")])
        if broken:  # a placeholder the message does not have would stop the build mid-sentence
            raise InputError(broken)


def _check_code(code: str, where: str = "--language") -> None:
    if not i18n.known_locale(code):
        message = f"'{code}' is not a language code Babel knows (e.g. fr, es, pt-BR)"
        raise InputError([Finding(where, 0, 0, "", message, code="unknown-language")])
    language = Language(code)
    if language.rtl:
        message = RTL_MESSAGE.format(name=language_name(code))
        raise InputError([Finding(where, 0, 0, "", message, code="right-to-left")])


def language_name(code: str) -> str:
    """The language's English name (``French``)."""
    from babel import Locale

    try:
        return str(Locale.parse(code.replace("-", "_")).get_display_name("en"))
    except ValueError:
        return code


def _team_catalog(language: str, folder: Path) -> Path:
    po = folder / f"{language}.po"
    if not po.is_file():
        message = f"no catalog here: run 'aftercare-report translations init {language}' first"
        raise InputError([Finding(display_path(po), 0, 0, "", message)])
    return po


def _catalog_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False, omit_header=False)
    return buffer.getvalue()


def _write(path: Path, data: bytes, *, replace: bool = False) -> None:
    """Write a file of the ``translations`` folder, never through a symlink (the folder too)."""
    root = path.parent.parent
    try:
        confine.write_new(root, path.relative_to(root), data, replace=replace)
    except (OSError, confine.Refused) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise InputError(
            [Finding(display_path(path), 0, 0, "", f"not written: {reason}")]
        ) from None


def _texts(string: Any) -> list[str]:
    return [s for s in (string if isinstance(string, tuple | list) else (string,)) if s]


def _translated(string: Any) -> bool:
    if isinstance(string, tuple | list):
        return all(bool(s) for s in string)
    return bool(string)


def _first(msgid: Any) -> str:
    text = msgid[0] if isinstance(msgid, tuple | list) else msgid
    text = " ".join(str(text).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _finding(name: str, line: int | None, message: str, code: str) -> Finding:
    return Finding(name, line or 0, 1 if line else 0, "", message, code=code)


def skeleton(framework: Path, language: str) -> str:
    """A framework overlay to fill in: every text empty, the English above it as a comment."""
    data = load_yaml(framework).data
    tree: dict[Any, Any] = {}
    for target, source in overlay.texts(data):
        node = tree
        for part in source[:-1]:
            node = node.setdefault(part, {})
        node[source[-1]] = " ".join(str(overlay.value_at(data, target)).split())
    head = [
        f"# The framework's texts in {language_name(language)}: translate each one, keeping any",
        "# {placeholder} (see README, 'Briefs in your language').",
        f"language: {language}",
        f"framework: {data.get('id', '')}",
        f'version: "{data.get("version", "")}"',
    ]
    return "\n".join([*head, *_emit(tree, 0)]) + "\n"


def _emit(tree: dict[Any, Any], depth: int) -> Iterator[str]:
    pad = "  " * depth
    for key, value in tree.items():
        if isinstance(value, dict):
            yield f"{pad}{key}:"
            yield from _emit(value, depth + 1)
        else:
            yield f"{pad}# {value}"
            yield f'{pad}{key}: ""'
