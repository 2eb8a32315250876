"""Brand colours: real CSS colours, with text on them readable (WCAG 2.1 AA).

A team's ``primary`` colour is the background of white text (the masthead) and the colour of
headings on white; ``accent`` marks gaps in the chart, a graphical object. A misspelt colour
(``gren``) would give an invisible masthead and a light one unreadable text, so both are checked
before anything is rendered, with the measured ratio and a darker colour that passes.
"""

from __future__ import annotations

from tinycss2.color3 import RGBA, parse_color

TEXT_RATIO = 4.5
"""WCAG 2.1 AA, normal text (1.4.3)."""
GRAPHIC_RATIO = 3.0
"""WCAG 2.1 AA, graphical objects (1.4.11)."""
WHITE = RGBA(1.0, 1.0, 1.0, 1.0)


def parse(value: str) -> RGBA | None:
    """Return the colour of a CSS colour value (names, hex, rgb(), hsl()), or None."""
    colour = parse_color(value)
    return colour if isinstance(colour, RGBA) else None


def luminance(colour: RGBA) -> float:
    """Relative luminance of an opaque colour, as WCAG defines it."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.red)
        + 0.7152 * channel(colour.green)
        + 0.0722 * channel(colour.blue)
    )


def contrast(a: RGBA, b: RGBA) -> float:
    """Contrast ratio of two opaque colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def darker_passing(colour: RGBA, ratio: float) -> str:
    """The closest darker shade of ``colour`` whose contrast with white reaches ``ratio``."""
    for step in range(100, -1, -1):
        f = step / 100
        shade = RGBA(colour.red * f, colour.green * f, colour.blue * f, 1.0)
        if contrast(shade, WHITE) >= ratio:
            return hex_of(shade)
    return "#000000"


def hex_of(colour: RGBA) -> str:
    """A colour as ``#rrggbb``."""
    return "#" + "".join(f"{round(c * 255):02x}" for c in (colour.red, colour.green, colour.blue))


def problems(primary: str, accent: str) -> list[tuple[str, str]]:
    """Check the brand colours; return (key, message) pairs, empty when both are fine.

    Args:
        primary: Background of white text and colour of headings on white.
        accent: Colour of graphical marks on white.
    """
    out = []
    for key, value, ratio, use in (
        ("primary", primary, TEXT_RATIO, "white text on it and headings in it on white"),
        ("accent", accent, GRAPHIC_RATIO, "chart marks on white"),
    ):
        colour = parse(value)
        if colour is None:
            out.append(
                (key, f"{value!r} is not a CSS colour (e.g. #1f4e79, navy, rgb(31, 78, 121))")
            )
        elif colour.alpha < 1:
            out.append((key, f"{value!r} is transparent; brand colours must be opaque"))
        elif (measured := contrast(colour, WHITE)) < ratio:
            out.append(
                (
                    key,
                    f"{value!r} has a contrast of {measured:.1f}:1 with white, below {ratio:g}:1 "
                    f"(WCAG AA for {use}); try {darker_passing(colour, ratio)}",
                )
            )
    return out
