"""The language of a brief: translated messages, the team's terms, and names, dates and numbers.

Every word the tool writes goes through :func:`_` or :func:`ngettext` with named placeholders
(``%(country)s``), so a translator sees whole sentences and plural forms (Babel's catalogs and
CLDR plural rules), never fragments. The language of the text being written is the one made
current with :func:`using`: the pipeline sets it for a build, the workers for the brief they
render, so code that writes sentences needs no language argument.

Terms (``survivors``, ``re-trafficking``) are placeholders in messages and framework texts, filled
from the team's terms for the language, in the form the sentence needs: singular, plural or the
form used before a noun. Nothing is replaced word by word.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as _gettext
import html
import io
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from aftercare_report.confine import Refused, read_input
from aftercare_report.errors import Finding, InputError, display_path
from aftercare_report.limits import INPUT_BYTES, MAX_WIDTH
from aftercare_report.terms import ENGLISH_TERMS, FORM_HELP, GENDER_KEYS, TERM_FORMS, TERM_KEYS

if TYPE_CHECKING:  # the catalog machinery is imported when a catalog is read, not by `validate`
    from babel.messages.catalog import Catalog

DOMAIN = "aftercare_report"
"""The gettext domain of the tool's messages."""

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""The catalogs shipped with the tool: ``<lang>/LC_MESSAGES/aftercare_report.po``."""

TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
"""Every message the tool writes, extracted from the code and the bundled templates."""

SOURCE_LANGUAGE = "en"
"""The language messages are written in."""

TERM_CONTEXT = "term"
"""The message context of a term's default form in a catalog (``msgctxt "term"``)."""

TERM_MESSAGES: Mapping[str, str] = {
    key: f"{key}: {FORM_HELP[key]}" for key in (*TERM_KEYS, *GENDER_KEYS.values())
}
"""The message of each form in a catalog: its translation is the language's default form."""

_AGREE = re.compile(r"\{(survivor|victim):([^{}|]*)\|([^{}|]*)\}")
"""``{survivor:certaines|certains}`` in a translation: the word that agrees with the term's
grammatical gender, feminine first."""

_BRACED = re.compile(r"\{(\w+)\}")


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; translate it where it is used."""
    return message


DERIVED: Mapping[str, str] = {
    "child_survivor": N_("child among %(survivors)s"),
    "child_survivors": N_("children among %(survivors)s"),
}
"""How a form a team did not give reads, made from the forms it gave (see ``terms``)."""


@dataclass(frozen=True)
class Language:
    """A language to write in: its catalogs and the team's terms for it.

    Plain data, so a brief carries its language to the worker that renders it; the catalogs are
    read once per process.

    Attributes:
        code: The language code (``en``, ``fr``, ``es-MX``).
        catalogs: Team catalogs (``.po``), searched before the tool's own.
        terms: The team's terms for this language, by form; missing forms come from the catalog.
    """

    code: str = SOURCE_LANGUAGE
    catalogs: tuple[Path, ...] = ()
    terms: Mapping[str, str] = field(default_factory=dict)

    @property
    def locale(self) -> Locale:
        """Babel's locale: names, dates, numbers and list rules (English uses en_GB's forms)."""
        return _locale(self.code)

    @property
    def translations(self) -> _gettext.NullTranslations:
        """The messages of this language: team catalogs first, then the tool's."""
        return _translations(self.code.split("-")[0], self._catalog_versions)

    @functools.cached_property
    def _catalog_versions(self) -> tuple[tuple[Path, int, int], ...]:
        """The catalogs to read, with their versions, looked up once per language object.

        A build makes a new one, so a sentence costs a dictionary lookup, not a ``stat``.
        """
        base = self.code.split("-")[0]
        candidates = (*self.catalogs, catalog_path(self.code), catalog_path(base))
        return tuple(_versions(candidates))

    @functools.cached_property
    def forms(self) -> dict[str, str]:
        """Every form of every term: the team's, or made from the team's, or the catalog's."""
        out = {}
        for key in (*TERM_KEYS, *GENDER_KEYS.values()):
            default = self.translations.pgettext(TERM_CONTEXT, TERM_MESSAGES[key])
            if default == TERM_MESSAGES[key]:  # not translated: the English form
                default = ENGLISH_TERMS[key]
            out[key] = self.terms.get(key) or default
        changed = any(key in self.terms for key in TERM_FORMS["survivor"])
        for key, message in DERIVED.items():
            if changed and key not in self.terms:  # "children among people with lived experience"
                text = _agreed(self.translations.gettext(message), out)
                out[key] = text % {"survivors": out["survivors"]}
        return out

    def agree(self, text: str) -> str:
        """Choose the words of a translation that agree with the terms' genders (see ``_AGREE``)."""
        return _agreed(text, self.forms)

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self.locale.character_order == "right-to-left"

    def gettext(self, message: str, /, **values: object) -> str:
        """Translate ``message`` and fill its ``%(name)s`` placeholders (terms included)."""
        return self._format(self.agree(self.translations.gettext(message)), values, message)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """Translate a message with plural forms for ``n`` (``%(num)s`` is ``n``)."""
        values.setdefault("num", self.number(n))
        return self._format(
            self.agree(self.translations.ngettext(singular, plural, n)), values, singular
        )

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        """Translate ``message`` in ``context`` (a short label that could mean two things)."""
        return self._format(
            self.agree(self.translations.pgettext(context, message)), values, message
        )

    def fill(self, text: str, /, **values: str) -> str:
        """Fill ``{name}`` placeholders of a framework text: the values given, then terms.

        Nothing is evaluated; an unknown placeholder is left as it is (validation reports it).
        """
        text = self.agree(text)
        forms = _Values(self.forms)
        filled = {
            k: _BRACED.sub(lambda m: str(forms.get(m[1], m[0])), v) for k, v in values.items()
        }
        table = _Values({**self.forms, **filled})  # a value may hold terms: a component's name
        return _BRACED.sub(lambda m: str(table.get(m[1], m[0])), text)

    def _format(self, text: str, values: Mapping[str, object], message: str) -> str:
        """Fill ``text``'s placeholders; its length filled in is counted first.

        Past ``MAX_FILLED`` it is refused: a catalog's ``%(x)999s`` repeated a thousand times
        would be a megabyte per sentence, and a brief writes thousands of sentences.
        """
        table = _Values({**self.forms, **values})
        size = len(text)
        for name, padding, kind in _fields(text):
            size += padding + _longest(table, name, kind)
        if size > MAX_FILLED:
            if len(_fields(text)) > len(_fields(message)):  # a translation repeating a value
                where = next((display_path(p) for p in self.catalogs if p.is_file()), "")
                problem = (
                    f"the {self.code} translation of “{_shown(message)}” would be {size:,} "
                    f"characters filled in, over {MAX_FILLED:,}; run 'aftercare-report "
                    f"translations check {self.code}'"
                )
                raise InputError([Finding(where, 0, 0, "", problem, code="catalog")])
            # Otherwise what makes the sentence this long is what is filled into it: a list of a
            # thousand countries in a comparison, or a very long profile text.
            problem = (
                f"the sentence “{_shown(message)}” would be {size:,} characters with what is "
                f"filled into it, over the {MAX_FILLED:,} a sentence of a brief may have: a list "
                "in it names too many countries, or a profile text in it is too long; compare "
                "fewer countries, or shorten the text"
            )
            raise InputError([Finding("", 0, 0, "", problem, code="too-long")])
        quoted = {k: v for k, v in values.items() if isinstance(v, Quoted)}
        if not quoted:
            return text % table
        # Each quoted value goes in marked, so its passages can be found in the sentence.
        marked = {**values, **{k: f"\ue000{k}\ue001" for k in quoted}}
        pieces = _MARK.split(text % _Values({**self.forms, **marked}))
        return concat([quoted[p] if i % 2 else p for i, p in enumerate(pieces)])

    def term(self, key: str) -> str:
        """One form of a term (``survivors``), or with a capital (``Survivors``)."""
        return str(_Values(self.forms)[key])

    def date(self, day: dt.date | str) -> str:
        """A date as this language writes it in full (``27 novembre 2026``)."""
        from babel.dates import format_date

        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        return format_date(day, "long", locale=self.locale)

    def number(self, value: float) -> str:
        """A number with this language's separators (``14 000``, ``40,1``).

        Languages whose usage (CLDR's ``minimumGroupingDigits``) leaves four-digit numbers
        ungrouped write them so: Spanish ``2018`` and ``14.000``, not ``2.018``.
        """
        from babel.numbers import format_decimal

        grouped = abs(value) >= 10_000 or min_grouping(self.code) < 2
        return format_decimal(value, locale=self.locale, group_separator=grouped)

    def percent(self, share: float, places: int | None = None) -> str:
        """A share (0.75, 0.006) as a percentage (``75 %``, ``0,6 %`` in French).

        Args:
            share: The share, 1.0 being 100%.
            places: Decimal places to round to; None keeps the digits given.
        """
        from babel.numbers import format_percent

        if places is not None:
            share = round(share * 100, places) / 100
        return format_percent(share, locale=self.locale, decimal_quantization=False)

    def join(self, items: Sequence[str]) -> str:
        """Join words as prose: ``a, b and c`` / ``a, b et c`` / ``a, b y c``."""
        from babel.lists import format_list

        return format_list(list(items), locale=self.locale) if items else ""

    def territory(self, iso3: str) -> str | None:
        """The name of a country in this language, from its ISO 3166-1 alpha-3 code."""
        codes = get_global("territory_aliases").get(iso3.upper(), [])
        return self.locale.territories.get(codes[0]) if codes else None


_MIN_GROUPING_TWO = frozenset({"es", "pt", "pl", "it", "bg", "hu", "lv", "et"})
"""Languages whose CLDR ``minimumGroupingDigits`` is 2 (as ICU gives it): a separator only
from five digits. Babel's number formatting does not read that setting."""
_GROUPED_REGIONS = frozenset(
    {
        "419", "AO", "AR", "BO", "BR", "BZ", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN",
        "MX", "NI", "PA", "PE", "PR", "PY", "SV", "US", "UY", "VE",
    }
)  # fmt: skip
"""Regions whose Spanish or Portuguese groups four-digit numbers (``2,018`` in Mexico): the
Americas and Angola, as ICU has them."""


def min_grouping(code: str) -> int:
    """Fewest digits before the first separator is written (CLDR ``minimumGroupingDigits``)."""
    base, _, region = code.partition("-")
    if base not in _MIN_GROUPING_TWO:
        return 1
    if base == "pt" and not region:
        return 1  # CLDR's pt is Brazil's
    return 1 if region.upper() in _GROUPED_REGIONS else 2


_CHOICE = re.compile(r"\{(?:survivor|victim)\b[^{}]*\}")


def broken_agreements(text: str) -> list[str]:
    """The gender choices of a translation that are not ``{survivor:f|m}`` or ``{victim:f|m}``."""
    return [m[0] for m in _CHOICE.finditer(text) if not _AGREE.fullmatch(m[0])]


def _agreed(text: str, forms: Mapping[str, str]) -> str:
    """``text`` with each ``{survivor:f|m}`` choice made by the term's gender in ``forms``."""
    if "{" not in text:
        return text
    return _AGREE.sub(lambda m: m[3] if forms.get(GENDER_KEYS[m[1]]) == "m" else m[2], text)


class _Values(dict[str, object]):
    """Placeholder values; ``Survivors`` is ``survivors`` with a capital."""

    def __missing__(self, key: str) -> object:
        lower = key[:1].lower() + key[1:]
        if key[:1].isupper() and lower in self:
            text = str(self[lower])
            return text[:1].upper() + text[1:]
        raise KeyError(key)

    def get(self, key: str, default: object = None) -> object:
        try:
            return self[key]
        except KeyError:
            return default


ENGLISH = Language()
"""English with the default terms."""

_current: ContextVar[Language] = ContextVar("language", default=ENGLISH)


def current() -> Language:
    """The language text is being written in now."""
    return _current.get()


@contextmanager
def using(language: Language) -> Iterator[Language]:
    """Write in ``language`` inside the block (the build's, or a brief's in a worker)."""
    token = _current.set(language)
    try:
        yield language
    finally:
        _current.reset(token)


Span = tuple[int, int, str]
"""A passage of a text in another language: start, end and its language code."""


class Quoted(str):
    """Text with passages in another language than the brief's, printed in HTML with ``lang``.

    A translated brief quotes a field its translation leaves out in the profile's language:
    the text carries that language, and a template that prints it (``{{ ms.evidence }}``) gets
    ``<span lang="en">...</span>``, escaped, so screen readers and PDF/UA read it in English.
    A translation that quotes its source word for word (« authorized a 45-day reflection
    period »), or a sentence of the tool that names an English source title, carries those
    passages only (``spans``): messages formatted with a quoted value keep its passages (see
    :meth:`Language.gettext` and :func:`concat`). Other string operations give a plain string.
    """

    spans: tuple[Span, ...]

    def __new__(cls, text: str, lang: str = "", spans: Sequence[Span] = ()) -> Quoted:
        """Text ``text`` written in ``lang``, or with only ``spans`` in other languages."""
        quoted = super().__new__(cls, text)
        quoted.spans = tuple(spans) if spans else ((0, len(text), lang),)
        return quoted

    @property
    def lang(self) -> str:
        """The language of its (first) passage."""
        return self.spans[0][2]

    def __html__(self) -> str:
        """The text escaped, each passage in a span that names its language."""
        out, at = [], 0
        for start, end, lang in self.spans:
            out.append(html.escape(self[at:start]))
            out.append(f'<span lang="{html.escape(lang)}">{html.escape(self[start:end])}</span>')
            at = end
        out.append(html.escape(self[at:]))
        return "".join(out)

    def __reduce__(self) -> tuple[type[Quoted], tuple[str, str, tuple[Span, ...]]]:
        return Quoted, (str(self), "", self.spans)  # briefs travel to workers pickled


def concat(parts: Sequence[str], separator: str = "") -> str:
    """Join texts, keeping the passages in other languages of those that have some."""
    out: list[str] = []
    spans: list[Span] = []
    at = 0
    for i, part in enumerate(parts):
        if i:
            out.append(separator)
            at += len(separator)
        if isinstance(part, Quoted):
            spans.extend((at + start, at + end, lang) for start, end, lang in part.spans)
        out.append(str(part))
        at += len(part)
    text = "".join(out)
    return Quoted(text, spans=spans) if spans else text


_MARK = re.compile("\ue000(\\w+)\ue001")
"""Where a quoted value went in a formatted message (private-use characters around its name)."""


_QUOTED = re.compile(r"«\s*(.+?)\s*»|“(.+?)”|\"(.+?)\"")
"""A passage between quotation marks, French, English or straight."""


def verbatim(translation: str, original: str, lang: str) -> str:
    """A translation, the passages it quotes word for word from ``original`` marked ``lang``."""
    spans = []
    for match in _QUOTED.finditer(translation):
        group = next(g for g in (1, 2, 3) if match[g] is not None)
        if len(match[group]) > 2 and " ".join(match[group].split()) in original:
            spans.append((match.start(group), match.end(group), lang))
    return Quoted(translation, spans=spans) if spans else translation


_translated: ContextVar[Mapping[str, Mapping[str, str]]] = ContextVar(
    "translated", default=MappingProxyType({})
)


@contextmanager
def translating(texts: Mapping[str, Mapping[str, str]]) -> Iterator[None]:
    """Quote profiles' text in their translations into the current language inside the block.

    Args:
        texts: By profile slug, each original text (spaces normalised) and its translation.
    """
    token = _translated.set(texts)
    try:
        yield
    finally:
        _translated.reset(token)


def translated(slug: str) -> bool:
    """Whether the profile ``slug`` has a translation into the current language."""
    return slug in _translated.get()


def translation_of(slug: str, text: str) -> str | None:
    """The translation of a profile's text into the current language, or None."""
    table = _translated.get().get(slug)
    return None if table is None else table.get(" ".join(text.split()))


def evidence(slug: str, lang: str, text: str, *, tag: bool = False) -> str:
    """A profile's text as a brief in the current language quotes it.

    Its translation when the profile's translation gives one; else the text as written, marked
    with the profile's language ``lang`` when the profile has a translation (so the fields it
    leaves out are tagged one by one) or when ``tag`` asks (text the templates do not tag,
    such as an institution named in a recommendation); unmarked otherwise (the templates tag
    the country's evidence as a whole with its language).
    """
    if not text:
        return text
    original = " ".join(text.split())
    found = translation_of(slug, original)
    if found is not None:
        return verbatim(found, original, lang)
    foreign = lang.split("-")[0] != current().code.split("-")[0]
    if foreign and (tag or translated(slug)):
        return Quoted(text, lang)
    return text


def keep_lang(text: str, change: Callable[[str], str]) -> str:
    """``change`` applied to a text, which keeps its language if it is :class:`Quoted`."""
    changed = change(text)
    if isinstance(text, Quoted) and len(changed) == len(text):
        return Quoted(changed, spans=text.spans)
    return changed


def _(message: str, /, **values: object) -> str:
    """Translate ``message`` into the current language and fill its placeholders."""
    return current().gettext(message, **values)


def pgettext(context: str, message: str, /, **values: object) -> str:
    """Translate ``message`` in ``context`` into the current language."""
    return current().pgettext(context, message, **values)


def ngettext(singular: str, plural: str, n: int, /, **values: object) -> str:
    """Translate a message with plural forms into the current language."""
    return current().ngettext(singular, plural, n, **values)


def shipped() -> tuple[str, ...]:
    """The languages the tool ships complete: English and those with a catalog."""
    found = sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())
    return (SOURCE_LANGUAGE, *found)


def catalog_path(language: str, folder: Path = LOCALE_DIR) -> Path:
    """Where the catalog of ``language`` lives under ``folder``."""
    return folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    """Read a ``.po`` catalog (Babel's parser: plural forms, fuzzy flags, line numbers).

    A team's catalog arrives in pull requests and its translations are formatted in this
    process, so it is bounded before and after Babel reads it: a regular file (never through a
    symlink) of at most ``INPUT_BYTES``; a ``Plural-Forms`` header of at most ``MAX_PLURALS``
    forms and a plural expression Python's gettext accepts, checked when the header is read,
    before any message is built (``nplurals=100000000`` would make Babel allocate gigabytes);
    and no field width or precision over ``MAX_WIDTH`` in any message
    (``%(country)1000000000s``), as the template sandbox caps ``format``, nor widths adding up
    to more, nor a translation many times longer than its message (see
    :func:`wide_placeholder`); a sentence filled in is bounded again (``MAX_FILLED``).

    Raises:
        InputError: Located at the file and line: unreadable, too large, not a catalog Babel
            reads (a bad header, date, language or charset), or the bounds above.
    """
    from babel.messages.pofile import PoFileError, PoFileParser

    name = display_path(path)
    try:
        data = read_input(path, INPUT_BYTES)
    except Refused as exc:
        raise InputError([Finding(name, 0, 0, "", f"not read: {exc}", code="catalog")]) from None
    catalog = _bounded_catalog()(locale=babel_locale(language), domain=DOMAIN)
    try:
        PoFileParser(catalog, ignore_obsolete=False, abort_invalid=True).parse(io.BytesIO(data))
    except PoFileError as exc:
        line = getattr(exc, "lineno", 0) or 0
        reason = re.sub(r" on \d+$", "", str(exc))
        raise InputError([_catalog_finding(name, line, f"not a catalog: {reason}")]) from None
    except LookupError as exc:
        message = f"not a catalog: the Content-Type header's {exc}; write charset=UTF-8"
        raise InputError([_catalog_finding(name, 0, message)]) from None
    except _Repeated as exc:
        raise InputError([_catalog_finding(name, exc.lineno, str(exc))]) from None
    except ValueError as exc:  # bytes the declared charset cannot decode
        raise InputError([_catalog_finding(name, 0, f"not a catalog: {exc}")]) from None
    widths = [
        _catalog_finding(name, message.lineno or 0, problem)
        for message in catalog
        if message.id  # the header is never formatted
        for text, of in _texts(message.id, message.string)
        if (problem := wide_placeholder(text, of))
    ]
    markup = [
        _catalog_finding(
            name,
            message.lineno or 0,
            f"the translation adds markup its message does not have ({tag[:60]}): a translation "
            "may carry only its message's own tags, so a catalog cannot put links or images "
            "into a brief",
        )
        for message in catalog
        if message.id and (tag := added_markup(message.id, message.string))
    ]
    if widths or markup:
        raise InputError(widths + markup)
    return catalog


_TAG = re.compile(r"<[^<>]*>?")
"""A tag as a translation writes it (to its ``>``, or to the end when it has none)."""


def added_markup(msgid: object, string: object) -> str | None:
    """The first tag a translation has that its message does not, or None.

    Translations are put into briefs as markup (a message may bold its figure:
    ``<strong>%(value)s</strong>``); a team catalog comes from pull requests, and one that
    could add ``<a href>`` or ``<img>`` would put links and pictures into published briefs.
    """
    own = {tag for text in _items(msgid) if isinstance(text, str) for tag in _TAG.findall(text)}
    for text in _items(string):
        if isinstance(text, str):
            for tag in _TAG.findall(text):
                if tag not in own:
                    return str(tag)
    return None


MAX_PLURALS = 6
"""Most plural forms a catalog may declare: CLDR's largest (Arabic) has six."""
MAX_PLURAL_EXPRESSION = 200
"""Longest plural expression accepted (Arabic's, the longest in use, is about 110 characters)."""
_CONVERSION = re.compile(r"%(?:\(\w*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?[a-zA-Z%]")


MAX_FILLED = 10_000
"""Longest sentence a message may make once its placeholders are filled (the longest a bundled
brief writes is about 500 characters)."""
MAX_GROWTH = 4
"""How many times longer than its message a translation may be, plus ``GROWTH_ALLOWANCE``
characters (French, the wordiest shipped language, is at most 4.3 times a short message)."""
GROWTH_ALLOWANCE = 100


def wide_placeholder(text: str, message: str | None = None) -> str | None:
    """Say what makes a message's text expand beyond its bounds, or None.

    Its ``%`` fields' widths and precisions together may not pass ``MAX_WIDTH``; ``*`` (a width
    taken from the values) is refused too: messages have named values only. A translation
    (``message`` given) may be at most ``MAX_GROWTH`` times as long as its message, plus
    ``GROWTH_ALLOWANCE``: each formatted sentence is a new copy of it, and a brief formats
    thousands, so its size is bounded against the English a build would otherwise write.
    """
    total = 0
    for match in _CONVERSION.finditer(text):
        for number in (match[1], match[2]):
            if number == "*" or (number and (len(number) > 6 or int(number) > MAX_WIDTH)):
                field = match[0] if len(match[0]) <= 40 else match[0][:37] + "..."
                return (
                    f"{field}: a width or precision over {MAX_WIDTH:,} (or '*') is not "
                    "allowed; write the placeholder without one, e.g. %(country)s"
                )
            total += int(number or 0)
        if total > MAX_WIDTH:
            return (
                f"the widths and precisions of its placeholders add up to over {MAX_WIDTH:,}; "
                "write the placeholders without them, e.g. %(country)s"
            )
    longest = MAX_GROWTH * len(message) + GROWTH_ALLOWANCE if message is not None else len(text)
    if len(text) > longest:
        return (
            f"the translation is {len(text):,} characters, over {MAX_GROWTH} times its "
            f"message's {len(message or ''):,} (+{GROWTH_ALLOWANCE}); shorten it"
        )
    return None


@functools.lru_cache(maxsize=4096)
def _fields(text: str) -> tuple[tuple[str, int, str], ...]:
    """Each named ``%`` field of a message: its name, width plus precision, and conversion."""
    out = []
    for match in _CONVERSION.finditer(text):
        name = re.match(r"%\((\w*)\)", match[0])
        if name:
            padding = sum(int(n) for n in (match[1], match[2]) if n and n.isdigit())
            out.append((name[1], padding, match[0][-1]))
    return tuple(out)


_LONGEST_NUMBER = 330
"""Most characters a number takes in a ``%`` field before its width (``%f`` of 1e308)."""


def _longest(values: Mapping[str, object], name: str, kind: str) -> int:
    """At most how long one field's value is written (a missing one is ``%``'s KeyError)."""
    value = values.get(name, "")
    return len(str(value)) if kind in "sra" else _LONGEST_NUMBER


def _shown(message: str) -> str:
    return message if len(message) <= 60 else message[:57] + "..."


@functools.cache
def _bounded_catalog() -> type[Catalog]:
    """Babel's catalog, refusing a ``Plural-Forms`` header out of bounds as it reads it."""
    from babel.messages.catalog import Catalog

    class BoundedCatalog(Catalog):
        def __setitem__(self, id: Any, message: Any) -> None:
            # Babel merges a repeated message into the first, copying every location and
            # comment each time: 38,711 repeats took 8 minutes. msgfmt refuses repeats too.
            if id and self._key_for(id, message.context) in self._messages:
                raise _Repeated(message.lineno or 0, id)
            super().__setitem__(id, message)

        def _set_mime_headers(self, headers: Iterable[tuple[str, str]]) -> None:
            headers = list(headers)
            for key, value in headers:
                if str(key).lower() == "plural-forms":
                    _check_plural_forms(str(value))
            super()._set_mime_headers(headers)

    return BoundedCatalog


class _Repeated(ValueError):
    """A message the catalog defines a second time, with the line of the second."""

    def __init__(self, lineno: int, msgid: object) -> None:
        shown = msgid[0] if isinstance(msgid, tuple | list) else msgid
        super().__init__(
            f"the message {str(shown)[:60]!r} is defined a second time here: a catalog "
            "defines each message once (msgfmt refuses repeats too); delete one"
        )
        self.lineno = lineno


def _check_plural_forms(value: str) -> None:
    """Raise ValueError (Babel's parser adds the line) for a header no brief could use."""
    from babel.messages.catalog import parse_separated_header

    params = parse_separated_header(f" ;{value}")
    count, expression = params.get("nplurals", "2").strip(), params.get("plural", "(n != 1)")
    if not count.isdigit() or not 1 <= int(count) <= MAX_PLURALS:
        raise ValueError(
            f"Plural-Forms: nplurals={count[:20]!r} must be a number from 1 to {MAX_PLURALS}"
        )
    if len(expression) > MAX_PLURAL_EXPRESSION:
        raise ValueError(f"Plural-Forms: plural= is over {MAX_PLURAL_EXPRESSION} characters")
    try:
        _gettext.c2py(expression)
    except (ValueError, SyntaxError, RecursionError):
        raise ValueError(
            f"Plural-Forms: plural={expression!r} is not a plural expression gettext reads"
        ) from None


def _texts(msgid: object, string: object) -> Iterator[tuple[str, str | None]]:
    """Each text of a message, with what a translation is measured against (its longest id)."""
    ids = [
        i for i in (msgid if isinstance(msgid, tuple | list) else (msgid,)) if isinstance(i, str)
    ]
    strings = string if isinstance(string, tuple | list) else (string,)
    yield from ((text, None) for text in ids)
    longest = max(ids, key=len, default="")
    yield from ((text, longest) for text in strings if isinstance(text, str))


def _items(value: object) -> tuple[object, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _catalog_finding(name: str, line: int, message: str) -> Finding:
    return Finding(name, line, 1 if line else 0, "", message, code="catalog")


@functools.lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    name = "en_GB" if code == SOURCE_LANGUAGE else code.replace("-", "_")
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(code.split("-")[0])


def _versions(paths: Sequence[Path]) -> Iterator[tuple[Path, int, int]]:
    """Each existing catalog once, with its modification time and size."""
    for path in dict.fromkeys(paths):
        try:
            info = path.stat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            yield path, info.st_mtime_ns, info.st_size


@functools.lru_cache(maxsize=16)
def _translations(
    base: str, catalogs: tuple[tuple[Path, int, int], ...]
) -> _gettext.NullTranslations:
    """The catalogs layered, the first asked first.

    Cached by file and version, so a catalog edited while ``serve`` runs (or between two builds
    in one process) is read again.
    """
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    translations: _gettext.NullTranslations = _gettext.NullTranslations()
    for path, _, _ in reversed(catalogs):
        buffer = io.BytesIO()
        write_mo(buffer, read_catalog(path, base))  # fuzzy entries are left out
        buffer.seek(0)
        layer = Translations(buffer, domain=DOMAIN)
        layer.add_fallback(translations)
        translations = layer
    return translations


def braced(text: str) -> set[str]:
    """The ``{name}`` placeholders of a framework text."""
    return set(_BRACED.findall(text))


def resolve(code: str, terms: Mapping[str, Mapping[str, str]], folder: Path | None) -> Language:
    """The language to write in: its code, the team's catalogs and the team's terms for it.

    Args:
        code: The language code (``fr``, ``es-MX``).
        terms: The team's terms by language code (a base language's apply to its variants).
        folder: The project's ``translations`` folder, if any.
    """
    base = code.split("-")[0]
    forms = {**terms.get(base, {}), **terms.get(code, {})}
    names = dict.fromkeys((code, base))
    catalogs = tuple(folder / f"{name}.po" for name in names) if folder else ()
    return Language(code, catalogs, forms)


def native_name(code: str) -> str:
    """A language's name in that language, as a language switch shows it (``Français``)."""
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = _locale(code)
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def babel_locale(code: str | None) -> str | None:
    """The locale identifier Babel takes for a language code (``pt-BR`` is ``pt_BR``)."""
    return code.replace("-", "_") if code else code


def known_locale(code: str) -> bool:
    """Whether Babel has locale data (names, dates, plural rules) for ``code``."""
    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True
