"""Where the bundled data lives, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Return the folder of bundled ``templates``, ``profiles``, ``schema`` or ``docs``.

    The wheel carries them inside the package (``_bundled/``); a source checkout or an editable
    install has them beside the package, at the top of the repository.

    Args:
        name: ``templates``, ``profiles``, ``schema`` or ``docs``.
    """
    installed = _PACKAGE / "_bundled" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


DATA = _PACKAGE / "data"
"""Data files shipped inside the package: the framework, CLDR's regions."""

DEFAULT_FRAMEWORK = DATA / "framework.yaml"
"""The framework shipped with the tool."""


def bundled_name(path: Path) -> str | None:
    """Name a file shipped with the tool as messages show it, or None for any other file.

    Inside an installed package the real path is long and says nothing a team can act on
    (``/…/site-packages/aftercare_report/_bundled/profiles/thailand.yaml``): a profile is
    ``bundled:thailand.yaml``, a default template ``default:country.html`` (the name templates
    extend it by), and any other file ``bundled:`` and its path in the package.
    """
    real = path.resolve()
    for root, prefix in (
        (bundled("profiles"), "bundled:"),
        (bundled("templates"), "default:"),
        (_PACKAGE, "bundled:"),
    ):
        if real.is_relative_to(root.resolve()):
            return prefix + real.relative_to(root.resolve()).as_posix()
    return None
