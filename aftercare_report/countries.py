"""Find a country's ISO 3166 code and world region from its name, in the briefs' language.

Codes and the ISO names come from pycountry (Debian's iso-codes: ISO 3166-1 as published, with
its translations); the names people use (``Laos``, ``Congo - Kinshasa``, ``Cambodge``) from
Babel's Unicode CLDR data, in every language; the UN M.49 region that contains a country from
CLDR's containment (``data/regions.json``, see ``scripts/cldr_regions.py``), named by Babel.
Nothing here is a list of our own.

A name that fits several countries ("Congo", "Korea") is ambiguous and the caller asks which;
one that fits none is refused with the closest names.
"""

from __future__ import annotations

import difflib
import functools
import gettext
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from aftercare_report.errors import UsageError
from aftercare_report.resources import DATA


@dataclass(frozen=True)
class Country:
    """A country as ISO 3166-1 codes it.

    Attributes:
        alpha2: The two-letter code (``KH``), which CLDR's data is keyed by.
        iso3: The three-letter code (``KHM``), which profiles are keyed by.
        name: Its name in English, as Unicode CLDR gives it (``Cambodia``), without an aside
            in brackets and with "and" for "&".
    """

    alpha2: str
    iso3: str
    name: str


class AmbiguousCountry(UsageError):
    """A name fits several countries: the caller asks which one, or names the choices.

    Attributes:
        candidates: The countries the name fits, by English name.
    """

    def __init__(self, text: str, candidates: Sequence[Country]) -> None:
        self.candidates = tuple(candidates)
        choices = "; ".join(f"{c.name} ({c.iso3})" for c in self.candidates)
        super().__init__(f"{text!r} could be {choices}: give the one you mean with --iso3")


def find(text: str, language: str = "en") -> Country:
    """Return the country a name or ISO code stands for.

    Args:
        text: A country name in English or in ``language`` (``Cambodge``), or an alpha-3 or
            alpha-2 code.
        language: The language the name may be written in (the briefs' language).

    Raises:
        AmbiguousCountry: The name fits several countries.
        UsageError: It fits none (with the closest names).
    """
    coded = by_code(text)
    if coded is not None:
        return coded
    key = _normal(text)
    names = _names(language)
    exact = {code for name, code in names if name == key}
    if not exact:  # every word given starts a word of the name: "Bosnia", "Congo", "Korea"
        words = key.split()
        exact = {code for name, code in names if words and _words_start(words, name.split())}
    found = sorted((_countries()[code] for code in exact), key=lambda c: c.name)
    if len(found) == 1:
        return found[0]
    if found:
        raise AmbiguousCountry(text, found)
    raise UsageError(f"{text!r} is not a country name or ISO code we know{_hint(key, names)}")


def by_code(code: str) -> Country | None:
    """The country of an ISO 3166-1 alpha-3 or alpha-2 code (any case), or None."""
    return _countries().get(code.strip().upper())


def region(country: Country, language: str = "en", known: Iterable[tuple[str, str]] = ()) -> str:
    """Return a world region for a new profile of ``country``.

    A region another profile already uses wins, so that briefs find peers in the same region:
    that of a profiled country in the same UN M.49 sub-region, or one that is the name of a
    region containing the country (``Europe``). Otherwise, the name of its M.49 sub-region in
    ``language`` (``South-Eastern Asia``, ``Asie du Sud-Est``).

    Args:
        country: The new profile's country.
        language: The language of the region's name.
        known: (ISO3 code, region) of the profiles already in play.
    """
    chain = _containers(country.alpha2)
    if not chain:
        return "unknown"
    names = {_normal(_territory_name(code, lang)) for code in chain for lang in ("en", language)}
    for iso3, name in known:
        other = _countries().get(iso3.upper())
        if (other and _containers(other.alpha2)[:1] == chain[:1]) or _normal(name) in names:
            return name
    return _territory_name(chain[0], language)


def region_name(name: str, language: str) -> str | None:
    """A world region's name in ``language``, from its English name, or None if not a UN one.

    ``South-East Asia``, ``Southeast Asia`` and ``South-Eastern Asia`` are all UN M.49's 035,
    ``Asie du Sud-Est`` in French: a name is matched as written first, then with its compass
    words folded (``Western`` as ``West``), so ``North America`` (003) stays itself while
    ``West Africa`` finds ``Western Africa`` (011).
    """
    codes = _region_codes()
    code = codes.get(("as written", _normal(name))) or codes.get(("folded", _folded(name)))
    return (_territory_name(code, language) or None) if code else None


@functools.cache
def _region_codes() -> dict[tuple[str, str], str]:
    """UN M.49 region codes by their English CLDR name, as written and folded."""
    out: dict[tuple[str, str], str] = {}
    for code, name in sorted(Locale("en").territories.items()):
        if code.isdigit() and code != "001":
            out.setdefault(("as written", _normal(str(name))), code)
            out.setdefault(("folded", _folded(str(name))), code)
    return out


_COMPASS = re.compile(r"\b(north|south|east|west)(?:ern)?\b")


def _folded(name: str) -> str:
    """A region's name with ``-ern`` compass words folded and spaces and hyphens removed."""
    return re.sub(r"[\s\-]+", "", _COMPASS.sub(r"\1", name.casefold()))


def _containers(alpha2: str) -> list[str]:
    """The M.49 regions containing a country, innermost first, without the World (001)."""
    parents = _regions()
    out = []
    code = parents.get(alpha2)
    while code and code != "001":
        out.append(code)
        code = parents.get(code)
    return out


@functools.cache
def _regions() -> dict[str, str]:
    data = json.loads((DATA / "regions.json").read_text(encoding="utf-8"))
    return dict(data["parent"])


@functools.cache
def _countries() -> dict[str, Country]:
    """Every ISO 3166-1 country, by alpha-2 and by alpha-3 code."""
    import pycountry  # a second of start-up is paid only by the commands that need it

    out: dict[str, Country] = {}
    for entry in pycountry.countries:
        name = _brief_name(_territory_name(entry.alpha_2, "en") or entry.name)
        country = Country(entry.alpha_2, entry.alpha_3, name)
        out[entry.alpha_2] = out[entry.alpha_3] = country
    return out


@functools.cache
def _names(language: str) -> tuple[tuple[str, str], ...]:
    """(normalised name, alpha-2) for every name of every country, in English and ``language``.

    ISO's names, official names and common names (and their part before a comma: "Congo" of
    "Congo, The Democratic Republic of the"), translated by iso-codes, and CLDR's names.
    """
    import pycountry

    iso = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language.replace("-", "_")], fallback=True
    )
    pairs: set[tuple[str, str]] = set()
    for entry in pycountry.countries:
        forms = [getattr(entry, f, "") for f in ("name", "official_name", "common_name")]
        forms = [f for f in forms if f]
        forms += [iso.gettext(f) for f in forms]
        forms += [_territory_name(entry.alpha_2, lang) for lang in ("en", language)]
        forms += [f.split(",")[0] for f in forms if "," in f]
        pairs.update((_normal(f), entry.alpha_2) for f in forms if f)
    return tuple(sorted(pairs))


def _brief_name(cldr: str) -> str:
    """CLDR's English name as a brief writes it: "Myanmar (Burma)" -> "Myanmar", "&" -> "and"."""
    return re.sub(r"\s*\([^)]*\)$", "", cldr).replace(" & ", " and ")


def _territory_name(code: str, language: str) -> str:
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return str(locale.territories.get(code, ""))


def _normal(text: str) -> str:
    """Lower case, accents and punctuation gone: ``Côte d'Ivoire`` -> ``cote d ivoire``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.casefold()).split())


def _words_start(given: list[str], name: list[str]) -> bool:
    """Whether the words given start consecutive words of the name, in order."""
    n = len(given)
    return any(
        all(_word_fits(g, w) for g, w in zip(given, name[i : i + n], strict=True))
        for i in range(len(name) - n + 1)
    )


def _word_fits(given: str, word: str) -> bool:
    # A short abbreviation is not a start: "UK" is not the start of Ukraine.
    return word == given or (len(given) >= 4 and word.startswith(given))


def _hint(key: str, names: Sequence[tuple[str, str]]) -> str:
    close = difflib.get_close_matches(key, [n for n, _ in names], n=3, cutoff=0.75)
    shown = list(dict.fromkeys(_countries()[code].name for n, code in names if n in close))
    return f"; did you mean {' or '.join(repr(s) for s in shown)}?" if shown else ""
