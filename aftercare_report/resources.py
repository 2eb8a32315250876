"""Where the bundled data lives, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Return the folder of bundled ``templates``, ``profiles`` or ``schema``.

    The wheel carries them inside the package (``_bundled/``); a source checkout or an editable
    install has them beside the package, at the top of the repository.

    Args:
        name: ``templates``, ``profiles`` or ``schema``.
    """
    installed = _PACKAGE / "_bundled" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


DEFAULT_FRAMEWORK = _PACKAGE / "data" / "framework.yaml"
"""The framework shipped with the tool."""
