"""Web addresses read as browsers read them (the WHATWG URL standard for ``http`` and ``https``).

Python's ``urlsplit`` and a browser disagree on the forms that make a link read as one host and
go to another. In ``https://evil.example\\@www.state.gov/`` the host is ``www.state.gov`` for
``urlsplit`` but ``evil.example`` for a browser, which reads a backslash as ``/`` in a web URL;
in ``https://www.jica.go.jp@evil.example/`` a reader sees JICA and the browser goes to
``evil.example`` (what comes before ``@`` is a user name). A source's URL may hold neither, and
every check of the host a link is on (its official home, a copy host, a look-alike) reads the
host with :func:`host`, so the tool vouches for the place a reader's browser will go.

A browser also maps the host name before it looks it up (the WHATWG "domain to ASCII" step,
Unicode's IDNA mapping UTS #46, non-transitional): U+3002, U+FF0E and U+FF61 become dots,
fullwidth letters plain ones, soft hyphens and zero-width spaces nothing. So
``https://www.jica.go.jp。evil.example/`` goes to a subdomain of ``evil.example``. :func:`host`
maps the name the same way (with the ``idna`` package, which implements UTS #46 with the
options browsers use), and :func:`problem` refuses a host a browser would read differently from
how it is written, or cannot read at all.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import unquote

_ENDS = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TABS = re.compile(r"[\t\n\r]")
_AUTHORITY_END = re.compile(r"[/\\?#]")


def host(url: str) -> str:
    """Return the host a browser goes to for a web URL (lowercase, no trailing dot), or "".

    As a browser does: spaces and controls around the URL and tabs and newlines inside it are
    dropped; slashes and backslashes after ``https:`` are skipped; the host ends at the first
    ``/``, ``\\``, ``?`` or ``#``; a user name before the last ``@`` and a port are not part of
    it; it is percent-decoded, then mapped as IDNA maps it (``。`` is a dot).
    """
    written = _written(url)
    return (_mapped(written) or written).rstrip(".")


def _written(url: str) -> str:
    """The host as written, lowercase and percent-decoded, before a browser maps it."""
    scheme, colon, rest = _TABS.sub("", _ENDS.sub("", url)).partition(":")
    if not colon or scheme.lower() not in ("http", "https"):
        return ""
    authority = _AUTHORITY_END.split(rest.lstrip("/\\"), maxsplit=1)[0]
    name = authority.rpartition("@")[2]
    name = name.partition("]")[0] + "]" if name.startswith("[") else name.partition(":")[0]
    return unquote(name).lower()


def _mapped(name: str) -> str | None:
    """The host name as a browser maps it (UTS #46), or None if a browser cannot."""
    if name.isascii():
        return name
    import idna  # UTS #46 as the WHATWG URL standard applies it

    try:
        return str(idna.uts46_remap(name, std3_rules=False, transitional=False))
    except idna.IDNAError:
        return None


def problem(url: str) -> str | None:
    """Say why a source's web URL could read as one place and go to another, or None.

    Refused: a user name before ``@``, a backslash, a control or space character, a
    percent-encoded host, a host a browser reads as another (``。`` for ``.``, fullwidth
    letters) or cannot read, and no host at all.
    """
    bad = next((c for c in url if ord(c) < 0x21 or 0x7F <= ord(c) < 0xA0 or c.isspace()), None)
    if bad is not None:
        return f"a control or space character ({bad!r}) is not allowed in a URL"
    where = host(url)
    if "\\" in url:
        return (
            f"a backslash is not allowed in a URL: a browser reads it as '/' and goes to "
            f"{where or 'another host'}; write '/' or %5C"
        )
    # After the scheme, as _written reads it: "https:host" and "https:\\host" are web URLs too.
    rest = _TABS.sub("", _ENDS.sub("", url)).partition(":")[2]
    authority = _AUTHORITY_END.split(rest.lstrip("/\\"), maxsplit=1)[0]
    if "@" in authority:
        return (
            f"a user name before '@' is not allowed in a URL: '{_short(authority)}' reads as "
            f"{_short(authority.rpartition('@')[0])} but goes to {where}"
        )
    if "%" in authority:
        return "a percent sign is not allowed in a URL's host name: write the name itself"
    if not where:
        return "the URL names no host"
    written = _written(url).rstrip(".")
    if _mapped(written) is None:
        return f"the host name '{_short(written)}' has a character browsers refuse"
    if written != where:
        return (
            f"the host name '{_short(written)}' goes to {where} in a browser (which maps "
            f"characters such as '。' to '.'): write '{where}'"
        )
    return _lookalike_problem(where) or _address_problem(where) or _port_problem(authority)


def _lookalike_problem(name: str) -> str | None:
    """Refuse a host with a character that reads as punctuation, or a label mixing scripts.

    A division slash (U+2215) in ``www.jica.go.jp`` followed by ``english.evil.example`` reads
    as JICA's site and a path, and a browser goes to a subdomain of ``evil.example``. A host name
    is letters, digits, hyphens and dots: any other character (a slash, colon or dot look-alike,
    a middle dot) is refused, and so is a label that mixes Latin letters with another script or
    with a combining mark (a katakana letter or an overlaid stroke that reads as a slash), the
    way spoofed names are made; a name wholly in one script (``münchen.de``, a Japanese name)
    passes.
    """
    if name.startswith("["):
        return None  # an IPv6 address: read by _address_problem
    for char in name:
        if char.isascii():
            if not (char.isalnum() or char in "-."):
                return f"the host name '{_short(name)}' has a '{char}', which no host name has"
        elif unicodedata.category(char)[0] not in "LMN" or _odd_latin(char):
            named = unicodedata.name(char, f"U+{ord(char):04X}")
            return (
                f"the host name '{_short(name)}' has {named} (U+{ord(char):04X}), which reads as "
                "punctuation or as another letter: a browser takes it as part of the name and "
                "goes elsewhere"
            )
    for label in name.split("."):
        scripts = {_script(c) for c in label if not (c.isascii() and not c.isalpha())}
        if "Latin" in scripts and len(scripts) > 1:
            return (
                f"the host name '{_short(name)}' mixes Latin letters with another script or a "
                f"combining mark in '{_short(label)}', as look-alike names do: write the name as "
                "the site writes it"
            )
    return None


_LATIN_LETTERS = frozenset("ßæøœðþłđħıŋĸſ")
"""Latin letters of European names that are not an ASCII letter with marks."""


def _odd_latin(char: str) -> bool:
    """A Latin letter other than an ASCII letter with marks (``ü``) or a letter of European names.

    IPA, click and modifier letters pass as Latin but read as punctuation (U+0294 as ``?``,
    U+01C0 as ``|``, U+01C3 as ``!``, U+A78F as a middle dot) or as another letter (U+0261 as
    ``g``): no site a brief cites is named with them.
    """
    if not unicodedata.name(char, "").startswith("LATIN"):
        return False
    base = unicodedata.normalize("NFD", char)[0]
    return not (base.isascii() and base.isalpha()) and char.lower() not in _LATIN_LETTERS


def _script(char: str) -> str:
    """A character's script, roughly: ``Latin``, ``mark`` (combining), or its name's first word."""
    if unicodedata.category(char).startswith("M"):
        return "mark"
    words = unicodedata.name(char, "UNKNOWN").split()
    return "Latin" if words[0] == "LATIN" or char.isascii() else words[0]


_NUMBER = re.compile(r"[0-9]+|0x[0-9a-f]*")
"""A host's last label that makes a browser read the whole host as an IPv4 address."""
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,2}")


def _address_problem(name: str) -> str | None:
    """Refuse an address a reader cannot read as the one a browser goes to, or a local one.

    A browser reads a host whose last label is a number as an IPv4 address, in forms people do
    not read as one: ``0x7f.1``, ``2130706433``, ``0177.0.0.1`` and ``127.1`` are all
    127.0.0.1. A source is on the public web: an address on this machine or a private network
    is never one.
    """
    if name == "localhost" or name.endswith(".localhost"):
        return (
            f"the host {_short(name)} is the reader's own machine (browsers send every "
            "'.localhost' name there): a source is on the public web"
        )
    if name.startswith("["):
        try:
            six = ipaddress.IPv6Address(name.strip("[]"))
        except ValueError:
            return f"the host '{_short(name)}' is not an address a browser can read"
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = _embedded(six)
    elif _NUMBER.fullmatch(name.rpartition(".")[2]):
        labels = name.split(".")
        if len(labels) != 4 or not all(_DECIMAL.fullmatch(n) and int(n) < 256 for n in labels):
            return (
                f"the host '{_short(name)}' is an address written in a form a browser reads as "
                "another (hexadecimal, octal, or with parts left out): write the host's name, "
                "or its address as four decimal numbers"
            )
        address = ipaddress.IPv4Address(name)
    else:
        return None
    if not address.is_global:
        return (
            f"the host {_short(name)} is an address on this machine or a private network "
            "(a reader's browser would go to their own): a source is on the public web"
        )
    return None


def _embedded(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64 64:ff9b::/96), or itself."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _port_problem(authority: str) -> str | None:
    """Refuse a port a browser cannot open (``99999``, ``0x50``)."""
    name = authority.rpartition("@")[2]
    if name.startswith("["):
        after = name.partition("]")[2]
        if after and not after.startswith(":"):
            return f"'{_short(name)}' is not a host a browser can read"
        port = after[1:]
    else:
        port = name.partition(":")[2]
    if port and not (port.isascii() and port.isdigit() and int(port) <= 65535):
        return f"the port '{_short(port)}' is not one a browser opens: write a number to 65535"
    if port and int(port) in BLOCKED_PORTS:
        return f"the port {int(port)} is one browsers refuse to open (mail, X11, IRC...)"
    return None


BLOCKED_PORTS = frozenset(
    {
        1,
        7,
        9,
        11,
        13,
        15,
        17,
        19,
        20,
        21,
        22,
        23,
        25,
        37,
        42,
        43,
        53,
        69,
        77,
        79,
        87,
        95,
        101,
        102,
        103,
        104,
        109,
        110,
        111,
        113,
        115,
        117,
        119,
        123,
        135,
        137,
        139,
        143,
        161,
        179,
        389,
        427,
        465,
        512,
        513,
        514,
        515,
        526,
        530,
        531,
        532,
        540,
        548,
        554,
        556,
        563,
        587,
        601,
        636,
        989,
        990,
        993,
        995,
        1719,
        1720,
        1723,
        2049,
        3659,
        4045,
        4190,
        5060,
        5061,
        6000,
        6566,
        6665,
        6666,
        6667,
        6668,
        6669,
        6679,
        6697,
        10080,
    }
)
"""The ports the Fetch standard's "bad port" list names: a link to one does not open."""


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


_TEXT_ADDRESS = re.compile(
    r"(https?://|www\.)?((?:[\w-]{1,63}\.){1,16}(?:[^\W\d_]{2,63}|xn--[\w-]{1,59}))\.?"
    r"(?:[/:?#]\S{0,2048})?",
    re.IGNORECASE,
)
"""Text that is itself an address: ``https://www.state.gov/reports``, ``state.gov``."""
_FILE_TYPE = re.compile(r"pdf|docx?|odt|rtf|txt|md|[ct]sv|xlsx?|ods|pptx?|odp|html?|xml|json|zip")
"""What ends a file's name (``report.pdf``), which link text names more often than a host."""


def other_host_named(text: str, url: str) -> str:
    """Say how ``text``, read as an address, names another host than ``url`` goes to, or "".

    For a link's text or a source's title that is itself an address
    (``https://www.state.gov/reports``, ``state.gov``): a reader who trusts it goes elsewhere.
    Subdomains of one site agree (``2017-2021.state.gov`` and ``state.gov``), and so does text
    that names a file (``report.pdf``).
    """
    shown = _TEXT_ADDRESS.fullmatch(text.strip())
    goes = host(url)
    if not shown or not goes:
        return ""
    prefix, named = shown[1], shown[2].lower().removeprefix("www.")
    if not prefix and _FILE_TYPE.fullmatch(named.rpartition(".")[2]):
        return ""
    real = goes.removeprefix("www.")
    if (
        "." not in named
        or named == real
        or real.endswith("." + named)
        or named.endswith("." + real)
    ):
        return ""
    return (
        f"the text names {named} but the link goes to {real}: a reader who trusts the text goes "
        "elsewhere; write the address the link goes to, or words"
    )
