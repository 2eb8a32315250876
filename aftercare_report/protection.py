"""Settings that weaken protection take effect only when the person running the tool allows them.

The project file arrives in pull requests like profiles and templates do, so on its own it could
raise the limits its own templates run under (``[limits] render_seconds = 3600``) or let its own
scripts into published briefs (``[security] allow_scripts = true``). Such a setting takes effect
only when it is also given from outside the repository's files: ``--allow`` on the command line,
or the ``AFTERCARE_REPORT_ALLOW`` environment variable, which CI sets from the configuration of
the protected branch (a repository variable, which a pull request cannot change). From the
project file alone it is an error that says how to allow it. Lowering a limit is always allowed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

from aftercare_report.errors import UsageError
from aftercare_report.limits import Limits

ALLOW_VARIABLE = "AFTERCARE_REPORT_ALLOW"
"""Environment variable with what a run allows, as ``--allow`` takes it, comma-separated."""
SCRIPTS = "allow_scripts"
"""The allowance that lets templates put scripts into HTML briefs."""
CEILINGS: Mapping[str, float] = {
    "render_seconds": 3600,
    "pdf_seconds": 7200,
    "memory_mb": 65536,
    "html_mb": 1024,
}
"""Highest value each limit may be raised to, by anyone."""
UNITS: Mapping[str, str] = {
    "render_seconds": " s",
    "pdf_seconds": " s",
    "memory_mb": " MB",
    "html_mb": " MB",
}
DEFAULTS = Limits()
IGNORE = "ignore"
"""The allowance (``ignore=CODE``) that lets a project file silence a protected warning."""
PROTECTED_CODES = frozenset(
    {"bidi-control", "invisible-character", "look-alike", "copy-source", "link-text"}
)
"""Warnings a project file alone may not silence (``[validate] ignore``): each says that text
or a link reads as something other than what it is, so a pull request silencing them could
publish a reversed source title, a link that reads as another site's (or whose text names
another site), or a source titled as an official report that is a copy held elsewhere."""


@dataclass(frozen=True)
class Allowance:
    """What the person running the tool lets a project weaken.

    Attributes:
        limits: For each limit allowed above its default, the highest value allowed.
        scripts: Whether scripts may go into HTML briefs.
        given: Where the allowance came from, for messages (``--allow``, the variable).
        ignore: Protected warning codes the project file may silence.
    """

    limits: Mapping[str, float] = field(default_factory=dict)
    scripts: bool = False
    given: tuple[str, ...] = ()
    ignore: frozenset[str] = frozenset()


def allowance(items: Iterable[str] = (), environ: Mapping[str, str] | None = None) -> Allowance:
    """Read what a run allows: ``--allow`` items and the ``AFTERCARE_REPORT_ALLOW`` variable.

    Each item is ``allow_scripts`` or ``LIMIT=VALUE`` (``render_seconds=120``); the variable
    holds items separated by commas or spaces. Where both name a limit, the higher value holds.

    Raises:
        UsageError: An item that is not one of these, naming where it was given.
    """
    environ = os.environ if environ is None else environ
    from_env = environ.get(ALLOW_VARIABLE, "").replace(",", " ").split()
    limits: dict[str, float] = {}
    scripts = False
    given = []
    ignore: set[str] = set()
    for where, values in (("--allow", list(items)), (ALLOW_VARIABLE, from_env)):
        for item in values:
            name, sep, code = item.strip().partition("=")
            if name == IGNORE and sep:
                ignore.add(_code(code, item, where))
                continue
            name, value = _item(item.strip(), where)
            scripts = scripts or name == SCRIPTS
            if value is not None:
                limits[name] = max(value, limits.get(name, value))
        if values:
            given.append(where)
    return Allowance(limits, scripts, tuple(given), frozenset(ignore))


def _code(code: str, item: str, where: str) -> str:
    if code not in PROTECTED_CODES:
        known = ", ".join(sorted(PROTECTED_CODES))
        raise UsageError(
            f"{where}: {item[:60]!r}: only a protected warning needs allowing ({known}); "
            "others a project file may ignore as it is"
        )
    return code


def _item(item: str, where: str) -> tuple[str, float | None]:
    name, sep, text = item.partition("=")
    if name == SCRIPTS and not sep:
        return name, None
    if name not in CEILINGS or not sep:
        known = ", ".join(f"{n}=VALUE" for n in CEILINGS)
        raise UsageError(
            f"{where}: {item[:60]!r}: allow {SCRIPTS}, a limit ({known}) or {IGNORE}=CODE "
            "of a protected warning"
        )
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= CEILINGS[name]:
        raise UsageError(
            f"{where}: {item[:60]!r}: {name} must be a number above 0 and at most "
            f"{CEILINGS[name]:g}{UNITS[name]}"
        )
    return name, value


def effective_limits(asked: Mapping[str, float], allowed: Allowance) -> Limits:
    """The limits of a run: what the project file asks, else what was allowed, else defaults.

    Call :func:`refused` first: this does not check that the project's values are allowed.

    Args:
        asked: The limits the project file sets, by name (only those it sets).
        allowed: What the run allows.
    """
    values = {
        f.name: asked.get(f.name, allowed.limits.get(f.name, getattr(DEFAULTS, f.name)))
        for f in fields(Limits)
    }
    return Limits(**{k: type(getattr(DEFAULTS, k))(v) for k, v in values.items()})


def refused(
    asked: Mapping[str, float],
    scripts: bool,
    allowed: Allowance,
    ignored: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """Say which settings of a project file weaken protection beyond what the run allows.

    Args:
        asked: The limits the project file sets, by name (only those it sets).
        scripts: Whether the project file sets ``allow_scripts = true``.
        allowed: What the run allows.
        ignored: The warning codes the project file's ``[validate] ignore`` lists.

    Returns:
        (key, message) for each: ``limits.render_seconds``, ``security.allow_scripts`` or
        ``validate.ignore``.
    """
    out = []
    for code in sorted(PROTECTED_CODES.intersection(ignored) - allowed.ignore):
        setting = f"ignore = [{code!r}] silences a warning that text reads as it is not"
        out.append(("validate.ignore", _message(setting, f"{IGNORE}={code}")))
    for name, value in asked.items():
        default = getattr(DEFAULTS, name)
        ceiling = max(default, allowed.limits.get(name, default))
        if value > ceiling:
            unit = UNITS[name]
            was = (
                f"above the {ceiling:g}{unit} allowed by {' and '.join(allowed.given)}"
                if ceiling > default
                else f"above its default of {default:g}{unit}"
            )
            item = f"{name}={value:g}"
            out.append((f"limits.{name}", _message(f"{name} = {value:g} is {was}", item)))
    if scripts and not allowed.scripts:
        out.append((f"security.{SCRIPTS}", _message(f"{SCRIPTS} = true", SCRIPTS)))
    return out


def raised(
    asked: Mapping[str, float], scripts: bool, ignored: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """Say which settings of a project file weaken protection (allowed or not), for review.

    Returns:
        (key, message) for each limit set above its default, for ``allow_scripts = true`` and
        for each protected warning ``[validate] ignore`` silences.
    """
    out = []
    for code in sorted(PROTECTED_CODES.intersection(ignored)):
        out.append(("validate.ignore", f"silences the {code!r} warning: {_REVIEW}"))
    for name, value in asked.items():
        default = getattr(DEFAULTS, name)
        if value > default:
            unit = UNITS[name]
            what = f"raises a limit above its default ({default:g}{unit} to {value:g}{unit})"
            out.append((f"limits.{name}", f"{what}: {_REVIEW}"))
    if scripts:
        what = "lets templates put scripts into HTML briefs"
        out.append((f"security.{SCRIPTS}", f"{what}: {_REVIEW}"))
    return out


_REVIEW = "this weakens protection, so check that a change to it is meant"


def _message(setting: str, item: str) -> str:
    return (
        f"{setting}: a project file alone cannot weaken protection (a pull request could "
        f"change it); allow it with --allow {item}, or set {ALLOW_VARIABLE}={item} in the CI "
        "configuration of your protected branch (see the README's threat model)"
    )
