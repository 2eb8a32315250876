"""The ``aftercare-report`` command line: parse options, call the core, print.

Commands import what they need inside their bodies, so ``--help`` and ``validate`` never pay for
WeasyPrint (about half a second).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from aftercare_report import __version__
from aftercare_report.errors import AftercareError
from aftercare_report.outputs import DEFAULT_FORMATS, FORMATS
from aftercare_report.outputs import choose as choose_formats
from aftercare_report.pdf import PDF_VARIANTS

if TYPE_CHECKING:
    from aftercare_report import scaffold as scaffold_types
    from aftercare_report.config import Project
    from aftercare_report.outputs import BuildResult
    from aftercare_report.report import CountryReport

FINDING_FORMATS = ("text", "json", "github")
SORT_KEYS = ("index", "country", "as_of", "data_gaps")  # export.SORT_KEYS, without importing it


class _Group(click.Group):
    """A click group that turns the project's errors into a message and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AftercareError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            from aftercare_report import console

            console.print_error(exc)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted: no output file was changed by the unfinished step.", err=True)
            ctx.exit(130)
        except MemoryError as exc:  # the inputs asked for more memory than there is: not a bug
            if ctx.find_root().params.get("debug"):
                raise
            click.echo(_out_of_memory(ctx, exc), err=True)
            ctx.exit(1)
        except BrokenPipeError:  # the reader stopped reading (`| head`): nothing left to say
            # Python flushes stdout again on exit: point it at /dev/null so that fails quietly.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)  # as rich's console does when the pipe closes under it
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug of ours: one line, not a traceback, unless --debug
            if ctx.find_root().params.get("debug"):
                raise
            from aftercare_report.errors import printable

            click.echo(
                f"internal error: {type(exc).__name__}: {printable(str(exc))}\n"
                "This is a bug in aftercare-report; rerun with --debug and report the traceback.",
                err=True,
            )
            ctx.exit(1)


_STAGES = {
    "assets": "inlining a template's images",
    "docx_render": "preparing a Word brief",
    "i18n": "writing sentences in the brief's language",
    "context": "writing the briefs' text",
    "workers": "handing a brief to a worker",
}
"""What the building process was doing, by the module it was in (others are named as they are)."""


def _out_of_memory(ctx: click.Context, exc: MemoryError) -> str:
    """Name the command, the step and the place that ran out of memory, and what to look at."""
    import traceback

    from aftercare_report.errors import printable

    ours = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if Path(f.filename).parent.name == "aftercare_report"
    ]
    where = ""
    if ours:
        frame = ours[-1]
        module = Path(frame.filename).stem
        stage = _STAGES.get(module, f"in {module}.{frame.name}")
        where = f" while {stage} ({module}.py:{frame.lineno})"
    command = printable(f"aftercare-report {ctx.invoked_subcommand or ''}".strip())
    return (
        f"error: out of memory{where}, running '{command}'. The inputs (profiles, templates, "
        "catalogs, fonts) ask for more memory than this machine has: look at what changed "
        "last. No output file was changed by the unfinished step."
    )


def _late_allow(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> None:
    """Collect ``--allow`` items given before or after the command name."""
    meta = ctx.find_root().meta
    meta["aftercare_report.allow"] = (*meta.get("aftercare_report.allow", ()), *value)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="aftercare-report")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors (for bug reports).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and warnings.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Project file (default: the nearest aftercare-report.toml upward from here).",
)
@click.option(
    "--allow",
    multiple=True,
    metavar="SETTING",
    callback=_late_allow,
    expose_value=False,
    help="Let the project file weaken protection: allow_scripts, a limit raised to at most "
    "a value (render_seconds=120), or ignore=CODE of a protected warning (look-alike, "
    "bidi-control, invisible-character); repeatable. Also read from AFTERCARE_REPORT_ALLOW.",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, quiet: bool, config_path: Path | None) -> None:
    """Turn country profiles of survivor aftercare into policy briefs.

    Profiles (YAML, one per country) are checked against a framework of aftercare components,
    assessed for gaps and re-trafficking risk, and rendered as briefs.

    \b
    Examples:
      aftercare-report validate                 # check the bundled profiles
      aftercare-report validate profiles/ --strict --format github
      aftercare-report schema > profile.schema.json
      aftercare-report build                    # all briefs into ./out

    A project file, aftercare-report.toml (found upward from the working directory), sets a
    team's profiles, templates, framework, brand, language and terminology.
    """
    ctx.obj = config_path


def _completion_project() -> Project | None:
    """The project a shell completion reads (no error: a completion that fails offers nothing)."""
    from aftercare_report import config

    ctx = click.get_current_context(silent=True)
    named = ctx.find_root().obj if ctx else None
    try:
        path = named if isinstance(named, Path) else config.find_config(Path.cwd())
        return config.load_project(path)
    except AftercareError:
        return None


def _complete_countries(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Complete the slugs of the profiles in play (the project's, or the bundled ones)."""
    from aftercare_report import catalog

    project = _completion_project()
    try:
        files = catalog.profile_files(project.profiles if project else ())
    except AftercareError:
        return []
    slugs = sorted({p.stem for p in files if p.stem.startswith(incomplete)})
    return [click.shell_completion.CompletionItem(s) for s in slugs]


def _complete_languages(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Complete the languages briefs can be written in: English, shipped, the project's own."""
    from aftercare_report import config, i18n

    codes = set(i18n.shipped())
    project = _completion_project()
    folder = config.translations_folder(project) if project else None
    if folder and folder.is_dir():
        codes |= {p.stem for p in folder.glob("*.po")}
    return [
        click.shell_completion.CompletionItem(c) for c in sorted(codes) if c.startswith(incomplete)
    ]


def _language(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--language`` (the briefs' language) to a command."""
    return click.option(
        "--language",
        metavar="CODE",
        shell_complete=_complete_languages,
        help="Language of the briefs: en, fr, es, or one the project translates; several, "
        "e.g. fr,en, build each into out/<lang>/ (other commands write in the first) "
        "[default: the project's, or en].",
    )(func)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FINDING_FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for programs, github for GitHub Actions annotations.",
)
@click.option(
    "--stale-years",
    type=click.IntRange(0, 100),
    help="Warn about sources this many years older than a profile's as_of date [default: 5].",
)
@click.option(
    "--framework",
    "framework_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A framework YAML of your own instead of the bundled one.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODE",
    help="Leave out warnings and data gaps with this code, e.g. stale-source (repeatable).",
)
@click.option(
    "--include-bundled",
    is_flag=True,
    help="List the findings of the bundled profiles checked beside yours (default: one line).",
)
@_language
def validate(
    paths: tuple[Path, ...],
    strict: bool,
    fmt: str,
    stale_years: int | None,
    framework_path: Path | None,
    ignore: tuple[str, ...],
    include_bundled: bool,
    language: str | None,
) -> None:
    """Check profiles for errors, likely mistakes and data gaps.

    PATHS are profile files or folders of them (default: the bundled profiles). Every problem is
    reported as path:line:col: key: message, all of a file at once. Errors fail; warnings
    (likely mistakes) fail with --strict; data gaps (honest unknowns) never fail. Text that no
    installed font (or font of [brand] fonts) covers is an error, once per script. Your own
    files come first; the bundled profiles checked beside them (bundled:thailand.yaml) are
    summarised in one line, their errors excepted, unless --include-bundled.

    \b
    Exit codes: 0 valid, 1 errors (or warnings with --strict), 2 usage error.

    \b
    Examples:
      aftercare-report validate profiles/thailand.yaml
      aftercare-report validate my-profiles/ --strict --ignore stale-source
    """
    import dataclasses

    from aftercare_report import catalog, console, fonts, pipeline
    from aftercare_report.errors import InputError

    try:
        project = _project(
            profiles=paths, framework=framework_path, stale_years=stale_years, language=language
        )
    except InputError as exc:  # the project file's problems, annotated like a profile's
        console.print_findings(catalog.Checked((), tuple(exc.findings)), fmt, strict=strict)
        sys.exit(1)
    checked = pipeline.validate(project, fonts=fonts.available(project))
    # Settings that weaken protection are shown where they are set, so review sees a change.
    checked = dataclasses.replace(checked, findings=(*project.review, *checked.findings))
    checked = checked.without(project.ignore | frozenset(ignore))
    # The bundled profiles are summarised when they come beside a team's own profile folders
    # (even empty ones), never when they are all that is checked.
    mine = any(not catalog.is_bundled(p) for p in project.profiles)
    listed, summarised = checked.team_first(summarise_bundled=mine and not include_bundled)
    console.print_findings(listed, fmt, strict=strict, summarised=summarised)
    sys.exit(1 if listed.errors or (strict and listed.warnings) else 0)


@cli.command()
@click.option(
    "--framework",
    "framework_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Name the ids of this framework instead of the project's (or the bundled one).",
)
def schema(framework_path: Path | None) -> None:
    """Print the JSON Schema of profiles, for editor autocompletion.

    \b
    Point your editor at it with a first line in each profile:
      # yaml-language-server: $schema=../schema/profile.schema.json
    """
    from aftercare_report import catalog
    from aftercare_report import schema as schema_module

    framework = catalog.load_framework(_project(framework=framework_path).framework)
    click.echo(schema_module.profile_schema_json(framework))


def _inputs(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options that choose the inputs: profile folders, framework, peers, staleness."""
    options = [
        click.option(
            "--profiles",
            multiple=True,
            type=click.Path(path_type=Path, exists=True),
            help="Profile file or folder (repeatable). Default: the bundled profiles.",
        ),
        click.option(
            "--framework",
            type=click.Path(path_type=Path, dir_okay=False),
            help="A framework YAML of your own instead of the bundled one.",
        ),
        click.option(
            "--peers",
            callback=_peers,
            help="Comma-separated countries to compare with. Default: every loaded profile.",
        ),
        click.option(
            "--stale-years",
            type=click.IntRange(0, 100),
            help="Sources this many years older than as_of count as data gaps [default: 5].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _project(**overrides: Any) -> Project:
    """Return the project (named by --config, or found upward) with command-line overrides.

    Args:
        **overrides: Options of the command; see :func:`config.with_overrides`.
    """
    from aftercare_report import config

    root = click.get_current_context().find_root()
    if not isinstance(root.obj, config.Project):  # loaded once per command
        path = root.obj or config.find_config(Path.cwd())
        root.obj = config.load_project(path, _allowed(root))
    return config.with_overrides(root.obj, **overrides)


def _peers(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    return tuple(p.strip() for p in value.split(",") if p.strip()) if value else None


def _allowed(root: click.Context) -> tuple[str, ...]:
    """The ``--allow`` items given before or after the command's name."""
    return tuple(root.meta.get("aftercare_report.allow", ()))


def _analyse(countries: Sequence[str], options: dict[str, Any]) -> tuple[CountryReport, ...]:
    from aftercare_report import i18n, pipeline

    overrides, request = pipeline.split_options(options)
    project = _project(**overrides)
    with i18n.using(pipeline.language(project)):
        return pipeline.analyse(project, countries, request.get("peers"))


@cli.command()
@click.argument("country", shell_complete=_complete_countries)
@_inputs
@_language
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON.")
@click.option("--top", default=5, show_default=True, help="Recommendations to show.")
def gaps(country: str, as_json: bool, top: int, **inputs: Any) -> None:
    """Show where one country's aftercare falls short, and what to do first.

    COUNTRY is a bundled country (slug, ISO3 code or name) or a path to a profile.

    \b
    Examples:
      aftercare-report gaps thailand
      aftercare-report gaps THA --peers united-kingdom,india
      aftercare-report gaps my-profiles/nepal.yaml --json
    """
    from aftercare_report import console, export, i18n, pipeline

    overrides, request = pipeline.split_options(inputs)
    project = _project(**overrides)
    with i18n.using(pipeline.language(project)):
        (result,) = pipeline.analyse(project, [country], request.get("peers"))
        if as_json:
            click.echo(json.dumps(export.report_json(result), indent=2, ensure_ascii=False))
        else:
            console.print_gaps(result, top=top)


@cli.command("list")
@_inputs
@click.option(
    "--sort",
    type=click.Choice(SORT_KEYS),
    default="index",
    show_default=True,
    help="Order of the rows: index and data gaps highest first, as_of newest first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
def list_(sort: Any, as_json: bool, **inputs: Any) -> None:
    """List the profiles with their index, band and largest gap.

    \b
    Examples:
      aftercare-report list
      aftercare-report list --sort country --json
    """
    from aftercare_report import console, export

    rows = export.summary_rows(_analyse([], inputs), sort)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        console.print_list(rows)


DIFF_FORMATS = ("text", "md", "json", "github")


@cli.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DIFF_FORMATS),
    default="text",
    show_default=True,
    help="text for this terminal, md (Markdown) for a pull request, json for programs, "
    "github to append the Markdown to the GitHub Actions job summary.",
)
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 if anything of substance changed and 0 if nothing did, as git diff "
    "--exit-code; errors then exit 2.",
)
def diff_(old: str, new: str | None, fmt: str, exit_code: bool) -> None:
    """Compare two editions of the briefs: what changed in the assessments, not the bytes.

    OLD and NEW are each a git revision of the project (its profiles, framework and project
    file as they were, read with git without checking out), a folder of built briefs (their
    JSON), or one JSON file; NEW defaults to the project as it is on disk. Names each
    country whose index, range, coverage, band or rank changed; each part of aftercare,
    measure, stage, risk, key figure or anchor whose value, evidence or sources changed;
    recommendations added, dropped or changed (by id); data gaps new and resolved; the
    follow-up and the reply; countries added or removed. No PDF is made.

    \b
    Exit codes: 0 compared (with --exit-code: no change in substance), 1 invalid input
    (with --exit-code: something changed), 2 usage error (with --exit-code: any error).

    \b
    Examples:
      aftercare-report diff HEAD~1 HEAD --format md
      aftercare-report diff origin/main                 # the working tree against main
      aftercare-report diff briefs-2026/ briefs/        # two built editions
      aftercare-report diff HEAD^1 HEAD --format github # in a pull request's workflow
    """
    from aftercare_report import console, revisions

    root = click.get_current_context().find_root()
    try:
        found = revisions.compare(old, new, _project, _allowed(root))
        console.print_diff(found, fmt)
    except AftercareError as exc:
        if not exit_code or root.params.get("debug"):
            raise
        console.print_error(exc)  # as git diff --exit-code: 1 means a difference, so errors are 2
        sys.exit(2)
    sys.exit(1 if exit_code and found.changed else 0)


_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


def _name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and (not _NAME.match(value) or value == "manifest"):
        raise click.BadParameter(f"{value!r}: lower-case letters, digits, - and _; not 'manifest'")
    return value


def _build_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options shared by ``build`` and ``compare``.

    Each option is named as the setting it changes (a field of ``pipeline.BuildRequest`` or a
    parameter of ``config.with_overrides``) and defaults to None: the defaults live there, once;
    the ``[default: ...]`` in the help texts are checked against them by a test.
    """
    formats = "; ".join(f"{f.name}: {f.summary}" for f in FORMATS.values())
    options = [
        click.option(
            "--out",
            type=click.Path(path_type=Path, file_okay=False),
            help="Folder to write the briefs to [default: ./out, or the project's].",
        ),
        click.option(
            "--format",
            "formats",
            callback=_formats,
            metavar="LIST",
            help=f"Comma-separated output formats, or all ({formats}) "
            f"[default: {','.join(DEFAULT_FORMATS)}].",
        ),
        click.option(
            "--templates",
            multiple=True,
            type=click.Path(path_type=Path, file_okay=False, exists=True),
            help="Template folder searched before the defaults (repeatable).",
        ),
        click.option(
            "--pdf-variant",
            "variant",
            type=click.Choice(PDF_VARIANTS),
            help=f"Tagged accessible PDF, or archival PDF/A-3b [default: {PDF_VARIANTS[0]}].",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="Fail on rendering warnings too (refused files, CSS left out); text no font "
            "covers fails every build.",
        ),
        click.option(
            "--jobs",
            type=click.IntRange(1, 64),
            help="Processes rendering briefs and making PDFs in parallel [default: 2].",
        ),
        click.option(
            "--force",
            is_flag=True,
            help="Make every PDF again, even if its inputs are unchanged.",
        ),
        click.option(
            "--paper",
            type=click.Choice(["a4", "letter"]),
            help="Page size of the PDF [default: a4, or the project's [brand] paper].",
        ),
        click.option(
            "--name",
            callback=_name,
            help="File name of the comparative brief, without suffix [default: comparative].",
        ),
        click.option(
            "--open", "open_result", is_flag=True, help="Open the brief in a viewer when done."
        ),
        click.option(
            "--shard",
            metavar="K/N",
            callback=_shard,
            help="Build only shard K of N (CI matrices); the manifest keeps other shards' entries.",
        ),
        click.option(
            "--clean",
            is_flag=True,
            help="Remove outputs of briefs no longer built (profiles deleted): only files the "
            "manifest records as written by this tool; a shard removes nothing.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _formats(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, ...] | None:
    if value is None:
        return None
    try:
        return choose_formats(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    match = re.fullmatch(r"(\d+)/(\d+)", value.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise click.BadParameter(f"{value!r}: write K/N with 1 <= K <= N")
    return int(match[1]), int(match[2])


def _run_build(
    countries: tuple[str, ...], country_briefs: bool, open_result: bool, options: dict[str, Any]
) -> None:
    from aftercare_report import pipeline

    overrides, fields = pipeline.split_options(options)
    project = _project(**overrides)
    request = pipeline.BuildRequest(countries, country_briefs=country_briefs, **fields)
    quiet = click.get_current_context().find_root().params.get("quiet", False)
    with _cache_warnings():
        if quiet:  # rich is not imported: a quiet no-op rebuild costs little more than --help
            result = pipeline.build(project, request, pipeline.no_progress)
        else:
            from aftercare_report import console

            result = pipeline.build(project, request, partial(console.progress, "Building briefs"))
            console.print_written(result, last=request.name)
    if open_result:
        _open(result, request.name if not country_briefs else None)


@contextlib.contextmanager
def _cache_warnings() -> Iterator[None]:
    """Print each distinct warning about the build cache once, even if the build then fails.

    An unusable manifest or seal key never stops a build: the build goes on without it.
    """
    from aftercare_report.manifest import CacheWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CacheWarning)
        try:
            yield
        finally:
            ours = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
            for other in (w for w in caught if not issubclass(w.category, CacheWarning)):
                warnings.showwarning(other.message, other.category, other.filename, other.lineno)
            for message in dict.fromkeys(ours):
                click.echo(f"warning: {errors_printable(message)}", err=True)


def _open(result: BuildResult, prefer: str | None) -> None:
    """Open the brief just built (the comparative one for ``compare``) in its first format."""
    order = list(FORMATS)
    files = sorted(result.written, key=lambda w: order.index(w.format))
    chosen = [w for w in files if not w.removed and (not prefer or w.path.stem == prefer)]
    if chosen:
        click.launch(str(chosen[0].path))


@cli.command("build")
@click.argument("countries", nargs=-1, shell_complete=_complete_countries)
@_inputs
@_language
@_build_options
def build_(countries: tuple[str, ...], open_result: bool, **options: Any) -> None:
    """Build country briefs and a comparative brief (HTML, PDF, JSON, ...: see --format).

    COUNTRIES are bundled countries (slug, ISO3 or name) or profile paths; default: every
    profile. Each country gets a brief; two or more also get a comparative brief. Files are
    written only when everything rendered, each atomically, so a failed build keeps old files.

    \b
    Examples:
      aftercare-report build                       # all bundled briefs into ./out
      aftercare-report build thailand india --format pdf
      aftercare-report build --templates my-templates/ --out briefs/
    """
    _run_build(countries, True, open_result, options)


@cli.command()
@click.argument("countries", nargs=-1, required=True, shell_complete=_complete_countries)
@_inputs
@_language
@_build_options
def compare(countries: tuple[str, ...], open_result: bool, **options: Any) -> None:
    """Build only a comparative brief of two or more countries.

    \b
    Examples:
      aftercare-report compare united-kingdom thailand india
      aftercare-report compare GBR NGA --format pdf --out briefs/
    """
    if len(countries) < 2:
        raise click.UsageError("compare needs at least two countries")
    _run_build(countries, False, open_result, options)


@cli.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (this machine)."
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port."
)
@click.option(
    "--format",
    "formats",
    callback=_formats,
    metavar="LIST",
    help="Formats to make with every rebuild besides the web page, or all; the others are "
    "made when their link is opened.",
)
@click.option(
    "--templates",
    "template_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Template folder searched before the defaults (repeatable).",
)
@click.option(
    "--profiles",
    "profile_dirs",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    help="Profile file or folder (repeatable). Default: the project's or the bundled ones.",
)
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True)
@_language
def serve(
    host: str,
    port: int,
    formats: tuple[str, ...] | None,
    template_dirs: tuple[Path, ...],
    profile_dirs: tuple[Path, ...],
    jobs: int,
    language: str | None,
) -> None:
    """Preview the briefs in a browser; rebuild and update the page on every change.

    Builds the HTML briefs into a temporary folder, serves them with an index page that links
    each brief in every format (PDF, Word... are made when their link is opened, unless
    --format makes them with every rebuild), and watches the profiles, templates, framework and
    project file. Open pages show each build in place; a failed build shows its error in the page.
    Several languages (the project's, or --language fr,en) are served side by side, each with
    its index, and each brief links to itself in the others.

    \b
    Examples:
      aftercare-report serve                     # then open http://127.0.0.1:8000/
      aftercare-report serve --port 8080 --templates my-templates/
      aftercare-report serve --language fr,en
    """
    from aftercare_report import config
    from aftercare_report import serve as serving

    if not serving.is_loopback(host):
        click.echo(
            f"warning: listening on {errors_printable(host)}: anyone who can reach this "
            "machine can read the briefs (the default, 127.0.0.1, is this machine only)",
            err=True,
        )
    root = click.get_current_context().find_root()
    path = root.obj if isinstance(root.obj, Path) else config.find_config(Path.cwd())

    def load() -> Project:
        allow = _allowed(root)
        return config.load_project(
            path, allow, profiles=profile_dirs, templates=template_dirs, language=language
        )

    def report(line: str) -> None:
        click.echo("\n".join(errors_printable(part) for part in line.splitlines()), err=True)

    options = serving.ServeOptions(host=host, port=port, formats=formats or (), jobs=jobs)
    serving.serve(load, options, report)


@cli.command()
def paths() -> None:
    """Show where the bundled templates, profiles, framework, schema and docs are installed.

    The reference lists every block and context variable a template override may use.

    \b
    Example:
      aftercare-report paths
    """
    from aftercare_report import scaffold

    found = scaffold.paths()
    for name in ("templates", "profiles", "framework", "schema", "reference"):
        click.echo(f"{name:<10} {getattr(found, name)}")


def _country_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options that name a country for a new profile."""
    options = [
        click.option(
            "--iso3",
            help="ISO 3166-1 alpha-3 code, e.g. KHM [default: found from the country's name].",
        ),
        click.option(
            "--region",
            help="World region [default: that of a profiled country in the same UN region, "
            "or the UN region's name].",
        ),
        click.option("--force", is_flag=True, help="Overwrite files that exist."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _first_profile(
    name: str, iso3: str | None, region: str | None, project: Project
) -> scaffold_types.FirstProfile:
    """Find a new profile's country, code and region (see :func:`scaffold.first_profile`)."""
    from aftercare_report import scaffold

    return scaffold.first_profile(name, iso3, region, project, choose=_choose)


def _choose(exc: Any) -> Any:
    """Ask which of several countries a name means (at a terminal; elsewhere, refuse)."""
    if not _interactive():
        raise exc
    for i, option in enumerate(exc.candidates, 1):
        click.echo(f"  {i}. {option.name} ({option.iso3})", err=True)
    picked = click.prompt("Which one?", type=click.IntRange(1, len(exc.candidates)), err=True)
    return exc.candidates[picked - 1]


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


@cli.command()
@click.argument("country")
@_country_options
@click.option(
    "--to",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the profile [default: the project's first profile folder, or ./profiles].",
)
def new(
    country: str, iso3: str | None, region: str | None, force: bool, folder: Path | None
) -> None:
    """Start a profile: every part present and unknown, with notes from the framework.

    COUNTRY is the country's name, in English or in the briefs' language (Cambodge), or its
    ISO code; its ISO 3166 code and UN region are found from it (ISO 3166 through pycountry,
    names and regions from Unicode CLDR). A name that fits several countries (Congo) is asked
    about. The skeleton validates at once (with data gaps only); replace each `unknown` with
    what the sources say.

    \b
    Examples:
      aftercare-report new Cambodia
      aftercare-report new "Côte d'Ivoire" --to drafts/
      aftercare-report new Kosovo --iso3 XKX --region Europe
    """
    import datetime as dt

    from aftercare_report import catalog, scaffold
    from aftercare_report.errors import display_path

    project = _project()
    first = _first_profile(country, iso3, region, project)
    framework = catalog.load_framework(project.framework)
    target = folder or next(
        (p for p in project.profiles if p.is_dir() and not catalog.is_bundled(p)),
        Path("profiles"),
    )
    text = scaffold.profile_skeleton(
        framework, first.name, first.iso3, first.region, dt.date.today()
    )
    path = scaffold.write_new(
        scaffold.absolute(target) / f"{scaffold.slug_of(first.name)}.yaml",
        text,
        force=force,
        root=scaffold.project_folder(target, project.root),
    )
    shown = errors_printable(f"{first.name}, {first.iso3}, {first.region}")
    where = errors_printable(display_path(path))
    click.echo(f"Wrote {where} ({shown}): fill it in, then validate.")


@cli.command()
@click.argument("folder", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--organisation", default="Our organisation", show_default=True)
@click.option("--country", help="Start a profile of this country too (a name or ISO code).")
@_country_options
@click.option(
    "--tool-source",
    metavar="URL",
    help="Where CI and pre-commit install aftercare-report from: git+https://...@COMMIT or a "
    "versioned wheel's https URL [default: this tool's wheel, put in tools/ with its sha256].",
)
@click.option(
    "--tools-only",
    is_flag=True,
    help="Rewrite only tools/ with this tool (or --tool-source): how to upgrade what CI runs.",
)
@click.option(
    "--shards",
    type=click.IntRange(1, 20),
    default=1,
    show_default=True,
    help="Runners the workflow spreads the build over (build --shard K/N on a matrix, then a "
    "job that joins the briefs): for projects of many profiles (see the README).",
)
@click.option(
    "--code-owners",
    multiple=True,
    metavar="OWNER",
    help="Write .github/CODEOWNERS: OWNER (@org/team, @user; repeat for more) reviews changes "
    "to .github/, tools/ and .pre-commit-config.yaml, which run code in CI and pre-commit.",
)
def init(
    folder: Path,
    organisation: str,
    country: str | None,
    iso3: str | None,
    region: str | None,
    force: bool,
    tool_source: str | None,
    tools_only: bool,
    shards: int,
    code_owners: tuple[str, ...],
) -> None:
    """Start a team project that builds at once, in CI too.

    Writes the project file (profiles: yours and the bundled ones), a commented template
    override, the JSON Schema for editors, a GitHub Actions workflow, pre-commit hooks, a
    .gitignore, and tools/ with this tool's wheel pinned by its sha256, which the workflow and
    hooks install (never a name from a package index, which anyone could register).

    \b
    Examples:
      aftercare-report init my-briefs --organisation "Our Coalition"
      aftercare-report init . --country Cambodia
      aftercare-report init my-briefs --tool-source git+https://github.com/org/aftercare-report@COMMIT
      aftercare-report init my-briefs --code-owners @our-org/briefs-maintainers
      aftercare-report init /tmp/x --shards 4   # then copy its workflow into your project
    """
    import datetime as dt

    from aftercare_report import catalog, ci_files, scaffold

    if tools_only and code_owners:
        raise click.UsageError("--code-owners goes with init, not --tools-only")
    if tools_only:
        for path in scaffold.pin_tools(folder, tool_source):
            click.echo(f"wrote {errors_printable(str(path))}")
        return
    first = _first_profile(country, iso3, region, _project()) if country else None
    written = scaffold.init_project(
        folder,
        catalog.load_framework(None),
        organisation=organisation,
        country=first,
        today=dt.date.today(),
        tool_source=tool_source,
        force=force,
        shards=shards,
        code_owners=code_owners,
    )
    for path in written:
        click.echo(f"wrote {errors_printable(str(path))}")
    for line in ci_files.protection_note(bool(code_owners)):
        click.echo(line)
    where = errors_printable(str(folder))
    click.echo(
        f"Ready: cd {where} && aftercare-report build"
        if where != "."
        else "Ready: aftercare-report build"
    )


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--in-place", is_flag=True, help="Rewrite the files (default: show the change as a diff)."
)
def migrate(files: tuple[Path, ...], in_place: bool) -> None:
    """Rewrite profiles of an older format into the current one (format 1 -> 2).

    FILES are profiles or folders of them. Every fact and source is kept; what maps is
    mapped, and what needs your judgement (a level whose meaning changed, a risk that format 2
    splits in two, parts new in format 2) is left unknown with a '# decide:' comment that says
    what to decide and quotes the old evidence. Without --in-place nothing is written: the
    change is shown as a unified diff. A profile is written only if the result validates.

    \b
    Examples:
      aftercare-report migrate profiles/cambodia.yaml          # see the change
      aftercare-report migrate profiles/ --in-place             # rewrite every old profile
    """
    from aftercare_report import catalog
    from aftercare_report import migrate as migration
    from aftercare_report.errors import InputError, Severity, display_path
    from aftercare_report.loading import load_yaml
    from aftercare_report.scaffold import write_new

    framework = catalog.load_framework(_project().framework)
    problems: list[Any] = []
    for path in catalog.profile_files(files):
        doc = load_yaml(path)
        name = errors_printable(display_path(path))
        result = migration.migrate(doc, framework)
        if result is None:
            click.echo(f"{name}: already in the current format", err=True)
            continue
        _, findings = catalog.check_text(result.text.encode("utf-8"), path, framework)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if errors:  # an old file that was not valid format 1 (or a bug of the migration)
            problems += migration.located_in(errors, doc)
            continue
        if in_place:
            write_new(path, result.text, force=True)
        else:
            old = doc.source.decode("utf-8")
            click.echo(
                migration.unified_diff(old, result.text, name, result.from_version), nl=False
            )
        _report_migration(name, result, in_place)
    if problems:
        raise InputError(problems)


def _report_migration(name: str, result: Any, written: bool) -> None:
    from aftercare_report.model import SCHEMA_VERSION

    done = "rewritten" if written else "not written (--in-place writes it)"
    line = (
        f"{name}: format {result.from_version} -> {SCHEMA_VERSION}, {done}; "
        f"{result.decisions} decisions marked '# decide:'"
    )
    if result.comments_dropped:
        line += f"; {result.comments_dropped} comments after the header not carried over"
    click.echo(line, err=True)


@cli.group()
def templates() -> None:
    """Copy the default templates to edit them in your project."""


@templates.command("copy")
@click.argument(
    "name",
    type=click.Choice(
        ["country.html", "comparative.html", "base.html", "_macros.html", "brief.css"]
    ),
)
@click.option(
    "--to",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="Template folder [default: the project's first, or ./templates].",
)
@click.option("--force", is_flag=True, help="Overwrite a file that exists.")
def templates_copy(name: str, folder: Path | None, force: bool) -> None:
    """Copy a default template into your template folder, to edit.

    Prefer extending the default and overriding one block (see docs/templates.md): a copy does
    not receive later improvements of the default.

    \b
    Example:
      aftercare-report templates copy brief.css
    """
    from aftercare_report import scaffold

    project = _project()
    target = folder or (project.templates[0] if project.templates else Path("templates"))
    path = scaffold.copy_template(name, target, force=force)
    click.echo(f"Wrote {errors_printable(str(path))}")


@cli.group()
def translations() -> None:
    """Write briefs in a language of your own: init, update and check its catalog."""


def _translations_folder() -> Path:
    from aftercare_report import config

    folder = config.translations_folder(_project())
    if folder is None:
        raise click.UsageError(
            "translations live in a project: run 'aftercare-report init' first (or --config)"
        )
    return folder


def _team_messages(project: Project) -> tuple[Any, ...]:
    """The messages of the team's own templates (``_()`` in an override)."""
    from aftercare_report import pipeline

    return pipeline.team_messages(project)


@translations.command("init")
@click.argument("language")
def translations_init(language: str) -> None:
    """Start translating the briefs into LANGUAGE (a code: de, pt-BR, sw).

    Writes translations/LANGUAGE.po (every message the briefs use, your templates' included)
    and translations/framework.LANGUAGE.yaml (every text of the framework), next to the project
    file. For a language the tool ships (fr, es) they start from its translation, to adapt.
    Beside each of your profiles it writes profiles/x.LANGUAGE.yaml, its texts to translate.

    \b
    Example:
      aftercare-report translations init pt-BR
    """
    from aftercare_report import catalog
    from aftercare_report import translations as team

    project = _project()
    folder, own = _translations_folder(), _team_messages(project)
    # Everything is read and checked before the first file is written: never half a start.
    framework = catalog.load_framework(project.framework)
    profiles = catalog.load_profiles(project.profiles, framework, project.stale_years)
    team.check_profile_targets(language, profiles)
    written = team.init(language, folder, project.framework, own)
    written += team.start_profiles(language, profiles)
    for path in written:
        click.echo(f"wrote {errors_printable(str(path))}")
    click.echo(f"Translate them, then: aftercare-report translations check {language}")


@translations.command("update")
@click.argument("language", shell_complete=_complete_languages)
def translations_update(language: str) -> None:
    """Add new messages of the tool and of your templates to your LANGUAGE catalog.

    New messages come in untranslated and changed ones marked fuzzy; 'check' lists both. The
    messages your template overrides write with _() are added too, with their lines.
    """
    from aftercare_report import translations as team

    path = team.update(language, _translations_folder(), _team_messages(_project()))
    click.echo(f"updated {errors_printable(str(path))}")


@translations.command("check")
@click.argument("language", shell_complete=_complete_languages)
def translations_check(language: str) -> None:
    """Check a translation: untranslated and fuzzy messages, placeholders that do not match.

    Checks your catalog (or the tool's, for a language it ships), the framework overlay, the
    messages of your templates (each untranslated one named at its template line) and the
    translations of your profiles (profiles/x.LANGUAGE.yaml: each field left in the original
    noted at the profile's line; briefs quote it in the original, tagged).
    Exit codes: 0 complete, 1 problems (each printed as path:line: message).
    """
    from aftercare_report import catalog, config, console
    from aftercare_report import translations as team
    from aftercare_report.errors import Severity
    from aftercare_report.errors import display_path as shown

    project = _project()
    folder, own = config.translations_folder(project), _team_messages(project)
    reports = team.check(language, folder, project.framework, own)
    framework = catalog.load_framework(project.framework)
    profiles = catalog.load_profiles(project.profiles, framework, project.stale_years)
    texts = team.check_profiles(language, profiles)
    if not reports:
        raise click.UsageError(
            f"no catalog for '{language}': run 'aftercare-report translations init {language}'"
        )
    problems = False
    for report in [*reports, *texts]:
        for finding in report.findings:
            console.print_finding(finding)
        # A profile's text left in its own language is quoted, tagged: noted, not a problem.
        found = [f for f in report.findings if f.severity is not Severity.NOTE]
        problems = problems or bool(found)
        done = report.total - report.untranslated - report.fuzzy
        click.echo(
            f"{errors_printable(shown(report.catalog))}: {done} of {report.total} texts "
            f"translated, {report.fuzzy} fuzzy, {len(found)} problems"
        )
    sys.exit(1 if problems else 0)


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script.

    \b
    Examples:
      aftercare-report completion bash >> ~/.bashrc
      aftercare-report completion fish > ~/.config/fish/completions/aftercare-report.fish
    """
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    assert completer is not None  # click ships all three
    source = completer(cli, {}, "aftercare-report", "_AFTERCARE_REPORT_COMPLETE").source()
    click.echo(source)


def errors_printable(text: str) -> str:
    """Escape control characters in a line the CLI prints (see ``errors.printable``)."""
    from aftercare_report.errors import printable

    return printable(text)


def _late_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """Accept --config after the command name too (``aftercare-report build --config x.toml``)."""
    if value is not None:  # the later --config wins, as with other repeated options
        ctx.find_root().obj = value


def _late_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """Accept -q and --debug after the command name too (``aftercare-report build -q``)."""
    if value and param.name:
        ctx.find_root().params[param.name.removeprefix("late_")] = True


def _late_options() -> list[click.Option]:
    """The group's own options, which every command accepts after its name too."""
    return [
        click.Option(
            ["--config", "late_config"],
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            expose_value=False,
            is_eager=True,
            callback=_late_config,
            help="Project file (also accepted before the command).",
        ),
        click.Option(
            ["-q", "--quiet", "late_quiet"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_late_flag,
            help="Print only errors and warnings (also accepted before the command).",
        ),
        click.Option(
            ["--debug", "late_debug"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_late_flag,
            hidden=True,
        ),
        click.Option(
            ["--allow", "late_allow"],
            multiple=True,
            metavar="SETTING",
            expose_value=False,
            is_eager=True,
            callback=_late_allow,
            help="Let the project file weaken protection (also accepted before the "
            "command; see the README's threat model).",
        ),
    ]


def _add_late_config(group: click.Group) -> None:
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _add_late_config(command)
            continue
        names = {p.name for p in command.params}
        for option in _late_options():
            if option.name not in names and not set(option.opts) & _opts(command):
                command.params.append(option)


def _opts(command: click.Command) -> set[str]:
    return {o for p in command.params for o in getattr(p, "opts", [])}


_add_late_config(cli)


def main() -> None:
    """Run the command line (the ``aftercare-report`` entry point).

    SIGTERM stops the tool as Ctrl-C does (workers killed, no file half-written): CI runners
    and ``timeout`` send it, and by default Python dies at once, leaving workers running and
    temporary files behind.
    """

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    cli(prog_name="aftercare-report")
