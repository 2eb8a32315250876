"""The inert check reads HTML as a conformant parser does: whatever it accepts, tinyhtml5 (the
WHATWG parser WeasyPrint ships) builds a tree with nothing active in it (issue 23, item 1).

Documents are made at random from the pieces hostile markup is made of (tags that change how a
browser reads what follows, comments of every shape, SVG, quotes, slashes, character
references, URLs). The check must refuse them or accept them; for each it accepts, the tree
tinyhtml5 builds, with scripting on and off, may hold only the elements and attributes of the
allowlist, no handler and no link or load it would refuse, and must open its head with the
charset and the policy. In the slow set, since each run parses a few thousand documents.
"""

from __future__ import annotations

from typing import Any

import pytest
import tinyhtml5
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare_report import inert
from aftercare_report.inert import CSP, problems

from .hostile import html_payloads
from .test_inert import document

pytestmark = pytest.mark.slow

XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

TAGS = (
    "<p> </p> <b> </b> <div> <span> <svg> </svg> <g> </g> <rect/> <title> </title> <desc>"
    " </desc> <text> </text> <style> </style> <a> </a> <br> </br> <table> <td> <tr> <li>"
    " <select> <noscript> <template> <textarea> <xmp> <script> </script> <math> <mtext>"
    " <foreignObject> <font> <image> <img> <iframe> <plaintext> <p/> <svg/> <body> <head>"
    " <html> <meta> <title/> </style > </title\t> </svg\n>"
)
PIECES = [
    *TAGS.split(" "),
    "<!--",
    "-->",
    "--!>",
    "<!-->",
    "<!--->",
    "<!-- x -->",
    "<![CDATA[",
    "]]>",
    "<?x?>",
    "<!DOCTYPE html>",
    "<",
    ">",
    "/",
    "/>",
    "=",
    '"',
    "'",
    "&",
    "&amp;",
    "&#106;",
    "&colon;",
    "&Tab;",
    "&lt;",
    " ",
    "\n",
    "\t",
    "x",
    "<a href=",
    "<img src=",
    "<svg><a xlink:href=",
    "<svg><use href=",
    "<p style=",
    '"javascript:x"',
    '"java&#x09;script:x"',
    '"data:,"',
    '"data:image/png,x"',
    '"https://e.example/"',
    '"//e.example/x"',
    '"#frag"',
    '"url(https://e.example/)"',
    '"u\\72l(https://e.example/)"',
    '"fill:url(#p)"',
    " onerror=x",
    " onload=x",
    " href=x",
    " src=x",
    ' color="red"',
    " title=a",
]

pieces = st.one_of(
    st.sampled_from(PIECES),
    st.text(alphabet="<>/!-=\"' &;#aceghilmnoprstvxy:()\n", max_size=8),
)
bodies = st.lists(pieces, max_size=30).map("".join)
"""Bodies of documents made of the pieces hostile markup is made of."""


def active_in_tree(html: str) -> list[str]:
    """What a conformant parser's tree of ``html`` holds that the allowlist does not allow."""
    found = []
    for scripting in (True, False):
        root = tinyhtml5.parse(html, scripting=scripting)
        head = list(root.find(f"{XHTML}head"))
        opening = [e.attrib for e in head[:2]]
        if opening != [
            {"charset": "utf-8"},
            {"http-equiv": "Content-Security-Policy", "content": CSP},
        ]:
            found.append(f"the head opens with {opening}")
        for element in root.iter():
            if isinstance(element.tag, str):
                found += _element(element)
    return found


def _element(element: Any) -> list[str]:
    namespace, _, name = element.tag[1:].partition("}")
    attributes = {k.replace(XLINK, "xlink:"): v for k, v in element.attrib.items()}
    return active_element(namespace, name, attributes)


def active_element(namespace: str, name: str, attributes: dict[str, str]) -> list[str]:
    """What one element of a parsed tree holds that the allowlist does not allow.

    Args:
        namespace: Its namespace URI.
        name: Its local name, as the parser wrote it (``linearGradient``).
        attributes: Its attributes by qualified name (``xlink:href``).
    """
    namespace = "{" + namespace + "}"
    if namespace == XHTML and name not in inert._HTML:
        return [f"<{name}>"]
    if (
        namespace == XHTML
        and name == "link"
        and attributes.get("rel", "").strip().lower() != "alternate"
    ):
        return ["<link> that may load"]
    if namespace == SVG and name.lower() not in inert._SVG:
        return [f"SVG <{name}>"]
    if namespace not in (XHTML, SVG):
        return [f"{namespace}{name}"]
    found = []
    for plain, value in attributes.items():
        if plain.lower().startswith("on"):
            found.append(f"{plain}= on <{name}>")
        elif plain in ("href", "xlink:href", "src"):
            kind = "image" if name in ("img", "image") else "link"
            kind = "fragment" if name in ("use", "pattern") else kind
            url = inert._clean_url(value)
            if inert._url_problem(url, kind, "screen", False):
                found.append(f"{plain}={value} on <{name}>")
        elif plain == "style" or namespace == SVG:
            check = inert._Check("screen", False)
            check._css(value, 0, plain)
            found += [message for _, message in check.found]
    return found


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies)
def test_what_the_check_accepts_a_conformant_parser_reads_as_inert(body: str) -> None:
    page = document(body)
    if not problems(page):
        assert active_in_tree(page) == [], body


@pytest.mark.parametrize("payload", html_payloads(), ids=lambda p: p.name)
def test_each_payload_the_check_accepts_is_inert_in_the_tree(payload: Any) -> None:
    page = document(payload.filled())
    assert bool(problems(page)) == payload.refused
    if not payload.refused:
        assert active_in_tree(page) == []


def test_the_tree_check_sees_what_the_old_check_missed() -> None:
    assert active_in_tree(document('<svg><style><img src="data:," onerror="x"></style></svg>'))
    assert active_in_tree(document('<!--><img src="data:," onerror="x">-->'))
