"""Shared fixtures: the bundled framework, the Testland profile, paths to fixture folders."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aftercare_report import catalog
from aftercare_report.cli import cli
from aftercare_report.model import Framework, Profile

TESTS = Path(__file__).resolve().parent
PROFILES = TESTS / "profiles"
VALID = PROFILES / "valid" / "testland.yaml"
INVALID = PROFILES / "invalid"


@pytest.fixture(scope="session")
def framework() -> Framework:
    return catalog.load_framework()


@pytest.fixture(scope="session")
def testland(framework: Framework) -> Profile:
    (profile,) = catalog.load_profiles([VALID], framework)
    return profile


@pytest.fixture(scope="session")
def bundled(framework: Framework) -> dict[str, Profile]:
    return {p.slug: p for p in catalog.load_profiles([], framework)}


def team_project(root: Path, templates: dict[str, str], settings: str = "") -> Path:
    """Write a team's project in ``root``: Testland's profile and these template files.

    Args:
        root: The project folder.
        templates: Each template's name in ``templates/`` and its text.
        settings: More lines of the project file's ``[project]`` table.
    """
    (root / "profiles").mkdir()
    shutil.copy(VALID, root / "profiles" / "testland.yaml")
    (root / "templates").mkdir()
    for name, text in templates.items():
        (root / "templates" / name).write_text(text)
    (root / "aftercare-report.toml").write_text(
        f'[project]\nprofiles = ["profiles"]\ntemplates = ["templates"]\n{settings}'
    )
    return root


def run_in(root: Path, *args: str) -> Result:
    """Run the command line in ``root`` (its working folder), as a team does in its project."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        return CliRunner().invoke(cli, list(args))


def cli_in_subprocess(
    args: list[str], check: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter (clean ``sys.modules``), then the Python in ``check``.

    The run fails (non-zero return code, message on stderr) if the command exits non-zero or an
    assertion in ``check`` fails.
    """
    code = (
        "import sys\nfrom aftercare_report.cli import cli\n"
        f"try:\n    cli({args!r})\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"{check}\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


def load_script(name: str) -> types.ModuleType:
    """Import a script from scripts/ (they import each other as top-level modules)."""
    folder = TESTS.parent / "scripts"
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPTS = PROFILES / "scripts" / "testland.yaml"
"""Testland with Khmer, Thai, Devanagari and Bengali text (see the file's first lines)."""

FONTLESS = {
    "Toto": "\U0001e290\U0001e291\U0001e292",
    "Vithkuqi": "\U00010570\U00010571\U00010572",
    "Tangsa": "\U00016a70\U00016a71\U00016a72",
    "Old Uyghur": "\U00010f70\U00010f71\U00010f72",
}
"""Recent scripts (Unicode 14) that fonts-noto-core of Debian 12 has no font for."""


def fontless_script() -> tuple[str, str]:
    """Return a script no installed font covers, and text in it; skip the test if none is left.

    Asks fontconfig itself, so the test says what it depends on rather than failing on a
    machine with more fonts.
    """
    for script, text in FONTLESS.items():
        if not any(_some_font_has(char) for char in text):
            return script, text
    pytest.skip(f"every installed font set covers one of {', '.join(FONTLESS)}")


def _some_font_has(char: str) -> bool:
    found = subprocess.run(
        ["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True
    )
    return found.returncode != 0 or bool(found.stdout.strip())


def make_font(path: Path, family: str, text: str, *, one_glyph: bool = False) -> Path:
    """Write a small TrueType font with a box glyph for each character of ``text`` and space.

    Args:
        path: The font file to write.
        family: Its family name.
        text: The characters it covers.
        one_glyph: Map every character to one box glyph (a large map, a small font).
    """
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    pen.moveTo((100, 0))
    pen.lineTo((100, 700))
    pen.lineTo((500, 700))
    pen.lineTo((500, 0))
    pen.closePath()
    box = pen.glyph()
    chars = {ord(c): "box" if one_glyph else f"u{ord(c):04X}" for c in dict.fromkeys(" " + text)}
    names = [".notdef", *dict.fromkeys(chars.values())]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap(chars)
    builder.setupGlyf(dict.fromkeys(names, box))
    builder.setupHorizontalMetrics(dict.fromkeys(names, (600, 100)))
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    builder.save(str(path))
    return path


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``: its children, theirs, and so on (workers fork workers)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    children = {int(p) for p in path.read_text().split()} if path.exists() else set()
    return children.union(*(descendants(c) for c in children))


def running(pid: int) -> bool:
    """Whether ``pid`` is a process that still runs (a zombie has stopped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def all_gone(pids: set[int], seconds: float = 5) -> bool:
    """Wait up to ``seconds`` for every process in ``pids`` to stop; whether they all did."""
    deadline = time.monotonic() + seconds
    while any(running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(running(p) for p in pids)
