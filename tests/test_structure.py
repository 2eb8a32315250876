"""The shape of the code: no import cycles, heavy libraries only where they belong."""

from __future__ import annotations

import ast
import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import cli_in_subprocess, load_script

PACKAGE = Path(__file__).resolve().parent.parent / "aftercare_report"
SCRIPTS = PACKAGE.parent / "scripts"

# Which modules may import these libraries (anything else is a layering mistake).
ALLOWED = {
    "click": {"cli"},
    "rich": {"console"},
    "jinja2": {"templating"},
    "markupsafe": {"templating", "i18n_templates"},
    "weasyprint": {"pdf_render"},
    "watchfiles": {"serve"},
    "markdown_it": {"markdown"},
    "docx": {"docx_render"},
    "PIL": {"svg_picture"},
}


@functools.cache
def _runtime_imports(path: Path) -> frozenset[str]:
    """Modules imported when the file runs: `if TYPE_CHECKING:` blocks are left out."""
    tree = ast.parse(path.read_text())
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "aftercare_report":
                found.update(f"aftercare_report.{alias.name}" for alias in node.names)
    return frozenset(found)


def _graph() -> dict[str, set[str]]:
    graph = {}
    for path in PACKAGE.glob("*.py"):
        ours = {
            name.removeprefix("aftercare_report.")
            for name in _runtime_imports(path)
            if name.startswith("aftercare_report.")
        }
        graph[path.stem] = {m for m in ours if (PACKAGE / f"{m}.py").exists()}
    return graph


# The layers of docs/architecture.md, lowest first: a module imports only from its own layer
# and those below (at run time; TYPE_CHECKING imports are documentation).
LAYERS = [
    ("base", "errors limits confine resources settings terms colours outputs protection weburl"),
    ("language", "i18n findings"),
    (
        "inputs",
        "loading lookalikes model validation evidence overlay catalog config project_file fonts "
        "script_coverage schema translations countries canonical rating_check editions "
        "profile_overlay",
    ),
    ("assessment", "assess recommend report export labels comparative followup diff"),
    ("contract", "context"),
    (
        "rendering",
        "i18n_templates templating html_tokens assets inert markdown pdf pdf_render svg_picture "
        "docx_render docx_inert diff_text template_links",
    ),
    ("building", "inputs manifest workers build pipeline live serve revisions"),
    ("interface", "cli console scaffold migrate ci_files wheel __main__ __init__"),
]


def test_modules_import_only_from_their_layer_and_below() -> None:
    level = {m: i for i, (_, names) in enumerate(LAYERS) for m in names.split()}
    graph = _graph()
    assert set(graph) == set(level), "every module belongs to one layer of docs/architecture.md"
    upward = [
        f"{m} ({LAYERS[level[m]][0]}) imports {d} ({LAYERS[level[d]][0]})"
        for m, deps in sorted(graph.items())
        for d in sorted(deps)
        if level[d] > level[m]
    ]
    assert not upward, upward


def test_no_import_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(module: str, trail: list[str]) -> None:
        if state.get(module) == 2:
            return
        if state.get(module) == 1:
            cycle = [*trail[trail.index(module) :], module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        state[module] = 1
        for dep in sorted(graph[module]):
            visit(dep, [*trail, module])
        state[module] = 2

    for module in sorted(graph):
        visit(module, [])


@pytest.mark.parametrize("library", sorted(ALLOWED))
def test_heavy_libraries_only_where_they_belong(library: str) -> None:
    offenders = [
        path.stem
        for path in PACKAGE.glob("*.py")
        if any(m == library or m.startswith(library + ".") for m in _runtime_imports(path))
        and path.stem not in ALLOWED[library]
    ]
    assert not offenders, f"{library} imported by {offenders}"


# Strings equal to a format's name or suffix that do not name an output format.
NOT_FORMATS = {
    ("cli", "json"),  # validate --format json: how findings are printed
    ("console", "json"),  # the same
    ("cli", "md"),  # diff --format md: how a comparison of two editions is printed
    ("console", "md"),  # the same
    ("pdf_render", "html"),  # the <html> element
    ("docx_render", "html"),  # the same
    ("html_tokens", "html"),  # the HTML namespace (as against SVG)
    ("inert", "html"),  # the same
    ("assets", "html"),  # the same
    ("markdown", "html"),  # markdown-it's option to read raw HTML
    ("templating", ".html"),  # how a template escapes is chosen by its suffix
    ("templating", ".md"),
}


def test_formats_are_named_only_in_their_declaration() -> None:
    from aftercare_report.outputs import FORMATS

    names = set(FORMATS) | {f.suffix for f in FORMATS.values()}
    found = set()
    for path in PACKAGE.glob("*.py"):
        if path.stem != "outputs":
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and node.value in names:
                    found.add((path.stem, node.value))
    assert found == NOT_FORMATS, "name formats through aftercare_report.outputs.FORMATS"


def test_every_function_a_format_names_exists_with_the_arguments_the_build_passes() -> None:
    import importlib
    import inspect

    from aftercare_report.outputs import FORMATS

    for fmt in FORMATS.values():
        for role, reference, arity in (("prepare", fmt.prepare, 3), ("make", fmt.make, 1)):
            if reference:
                module, _, name = reference.partition(":")
                function = getattr(importlib.import_module(module), name)
                assert len(inspect.signature(function).parameters) == arity, (fmt.name, role)
        if fmt.check:
            module, _, name = fmt.check.partition(":")
            assert (
                "allow_scripts"
                in inspect.signature(getattr(importlib.import_module(module), name)).parameters
            )
        assert fmt.made_from == "assessment" or fmt.template, fmt.name
        assert not fmt.reusable or fmt.make, f"{fmt.name}: only what a worker makes is reused"


def test_pipeline_reads_the_build_in_one_function() -> None:
    from aftercare_report import pipeline

    source = Path(pipeline.__file__).read_text()
    body = source[source.index("def build(") :]
    steps = ["load(", "assessed(", "plan(", "make.shard(", "make.build("]
    positions = [body.index(step) for step in steps]
    assert positions == sorted(positions), "the build steps appear in pipeline order"


EDITION = Path(__file__).resolve().parent / "editions" / "published" / "2024"
NO_BRIEF_COMMANDS = [
    ["--help"],
    ["schema"],
    ["list"],
    ["gaps", "thailand"],
    ["validate"],
    ["diff", str(EDITION), str(EDITION / "testland.json"), "--format", "json"],
]


def test_commands_without_briefs_import_neither_jinja_nor_weasyprint() -> None:
    # One fresh interpreter runs the commands in turn and checks after each: a command that
    # imported either library would be caught at once, and named.
    code = "import sys\nfrom aftercare_report.cli import cli\n"
    for args in NO_BRIEF_COMMANDS:
        code += (
            f"try:\n    cli({args!r})\n"
            f"except SystemExit as exc:\n    assert not exc.code, {args!r}\n"
            "loaded = {'jinja2', 'weasyprint'} & set(sys.modules)\n"
            f"assert not loaded, ({args!r}, loaded)\n"
        )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_readme_command_table_is_generated_from_help() -> None:
    module = load_script("cli_reference")
    readme = module.README.read_text(encoding="utf-8")
    assert module.updated(readme) == readme, "run: python scripts/cli_reference.py"


@pytest.mark.slow
def test_pdf_rendering_leaves_the_environment_as_it_was(tmp_path: Path) -> None:
    args = ["build", "thailand", "--format", "pdf", "--jobs", "1", "--out", str(tmp_path)]
    check = "import os\nassert 'SOURCE_DATE_EPOCH' not in os.environ"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    done = cli_in_subprocess(args, check, env)
    assert done.returncode == 0, done.stderr
