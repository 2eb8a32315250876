"""The whole build in one place, from profile files to brief files.

Read :func:`build` top to bottom: stop at once if the outputs of these very inputs are on disk;
otherwise start the workers, load the project's inputs, validate them, assess each country once,
give each brief its context, then make every format and write everything atomically.
Each step is a call into the module that owns it; nothing here touches click or rich, so the
command line and the tests drive the same pipeline.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from aftercare_report import inputs, manifest
from aftercare_report.config import Project
from aftercare_report.errors import BuildError, Finding, Severity, UsageError, display_path
from aftercare_report.fonts import Coverage, available
from aftercare_report.outputs import DEFAULT_FORMATS, BuildResult, Written
from aftercare_report.pdf import PdfVariant

if TYPE_CHECKING:  # `gaps` and `list` use analyse() and must not import the renderer
    from aftercare_report.build import Brief, BuildOptions
    from aftercare_report.catalog import Checked
    from aftercare_report.context import BriefContext
    from aftercare_report.editions import Published
    from aftercare_report.i18n import Language
    from aftercare_report.model import Profile
    from aftercare_report.profile_overlay import Translation
    from aftercare_report.report import CountryReport
    from aftercare_report.settings import Brand
    from aftercare_report.translations import TeamMessage


class Progress(Protocol):
    """Starts a progress display for ``total`` steps; the yielded function advances it."""

    def __call__(self, total: int) -> AbstractContextManager[Callable[[str], None]]:
        """Start showing progress of ``total`` steps."""


def no_progress(total: int) -> AbstractContextManager[Callable[[str], None]]:
    """Show no progress (``--quiet``, ``serve``): a function that ignores each step."""
    return nullcontext(lambda _step: None)


@dataclass(frozen=True)
class BuildRequest:
    """What a ``build`` or ``compare`` command asks for, besides the project's settings.

    Attributes:
        countries: Names, slugs, ISO3 codes or profile paths; empty means every profile.
        peers: Countries to compare with; None means every loaded profile.
        country_briefs: Make one brief per country (``compare`` makes only the comparison).
        formats: Output formats.
        variant: PDF variant.
        strict: Fail on rendering warnings (missing glyphs fail every build).
        jobs: Worker processes for rendering and PDFs.
        force: Make every PDF again even when its inputs are unchanged.
        shard: Build only shard K of N.
        name: File name of the comparative brief, without extension.
        clean: Remove outputs of briefs no longer planned (only files the manifest proves
            this tool wrote; a shard removes nothing, as it plans only its share).
    """

    countries: tuple[str, ...] = ()
    peers: tuple[str, ...] | None = None
    country_briefs: bool = True
    formats: tuple[str, ...] = DEFAULT_FORMATS
    variant: PdfVariant = "pdf/ua-1"
    strict: bool = False
    jobs: int = 2
    force: bool = False
    shard: tuple[int, int] | None = None
    name: str = "comparative"
    clean: bool = False


def split_options(options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a command's options into project overrides and :class:`BuildRequest` fields.

    Options are named as what they set: a parameter of :func:`config.with_overrides` or a field
    of the request, whose defaults apply to an option not given (None).

    Returns:
        The overrides for :func:`config.load_project`, and the request's fields.

    Raises:
        TypeError: An option that sets neither (a command declared under a wrong name).
    """
    from aftercare_report.config import with_overrides

    overrides = set(inspect.signature(with_overrides).parameters) - {"project"}
    fields = {f.name for f in dataclasses.fields(BuildRequest)}
    given = {name: value for name, value in options.items() if value is not None}
    stray = set(given) - overrides - fields
    if stray:
        raise TypeError(f"options that set nothing: {', '.join(sorted(stray))}")
    return (
        {k: v for k, v in given.items() if k in overrides},
        {k: v for k, v in given.items() if k in fields},
    )


def language(project: Project) -> Language:
    """The language of the project's briefs, with the team's catalogs and terms, checked.

    Raises:
        InputError: A language the briefs cannot be written in completely (see
            :func:`translations.usable`).
    """
    from aftercare_report import config, i18n, translations

    folder = config.translations_folder(project)
    chosen = i18n.resolve(project.language, project.terms, folder)
    where = display_path(project.path) if project.path else "--language"
    translations.usable(chosen, folder, project.framework, where)
    return chosen


def validate(project: Project, *, fonts: Coverage | None = None) -> Checked:
    """Check the project's profiles as ``validate`` reports them, each assessed once.

    Each file alone, then the set (one file per country), then the fonts, then what only the
    assessment shows: a page-2 step no named institution can act on, a hand-set priority that
    is not true of the country, and an index band that contradicts the country's TIP tier.

    Args:
        project: Settings with command-line overrides applied.
        fonts: What the available fonts cover; None checks no fonts.

    Raises:
        InputError: An invalid framework, or profile paths that do not exist.
    """
    from aftercare_report import catalog
    from aftercare_report.assess import assess
    from aftercare_report.recommend import problems, recommendations
    from aftercare_report.validation import edition_findings, page_two_findings

    framework = catalog.load_framework(project.framework)
    checked = catalog.check_profiles(
        project.profiles,
        framework,
        project.stale_years,
        project.every_language,
        fonts=fonts,
        copy_hosts=project.copy_hosts,
    )
    previous = previous_edition(project)
    later = []
    for doc, profile in zip(checked.documents, checked.profiles, strict=True):
        a = assess(profile, framework)
        later += page_two_findings(doc, problems(a, recommendations(a)))
        later += catalog.anchor_warning(doc, a)
        later += edition_findings(doc, profile, project.edition, previous)
    later += _stray_requests(project, {p.slug for p in checked.profiles})
    later += _translated_text(project)
    later += _template_link_findings(project)
    later += _misreadings(project, previous)
    return checked.adding(later)


MISREADINGS_SHOWN = 20
"""Look-alike warnings of the framework and the previous edition named one by one."""


def _misreadings(project: Project, previous: Published | None) -> list[Finding]:
    """Invisible, bidi and look-alike characters in the team's framework and previous edition.

    Both reach briefs as profile text does (a part's name, the previous edition's
    recommendations quoted in the follow-up), and come from pull requests too.
    """
    from aftercare_report import lookalikes
    from aftercare_report.loading import load_yaml

    out: list[Finding] = []
    if project.framework is not None:
        out += lookalikes.findings(load_yaml(project.framework))
    if previous is not None and project.edition.previous_json is not None:
        where = display_path(project.edition.previous_json)
        for iso3, country in previous.items():
            for key, text in _strings(country.model_dump(), iso3):
                found = lookalikes.problem(text, url=key.endswith("url"))
                if found:
                    out.append(Finding(where, 0, 0, key, found[1], Severity.WARNING, found[0]))
    return out[:MISREADINGS_SHOWN]


def _strings(value: object, key: str) -> Iterator[tuple[str, str]]:
    """Every string in a JSON-like value, with the dotted key it stands under."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{key}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _strings(v, f"{key}[{i}]")


def _translated_text(project: Project) -> list[Finding]:
    """Invisible, bidi and look-alike characters in the team's catalogs and framework overlays."""
    from aftercare_report import config, translations

    folder = config.translations_folder(project)
    return [
        f
        for code in project.every_language
        for f in translations.text_warnings(code, folder, project.framework)
    ]


def previous_edition(project: Project) -> Published | None:
    """The previous edition as published (``[edition] previous_json``), or None if not kept.

    Raises:
        InputError: The JSON cannot be read or is not an edition's assessment.
    """
    path = project.edition.previous_json
    if path is None:
        return None
    from aftercare_report import editions

    return editions.read(path, project.root)


def _stray_requests(project: Project, slugs: set[str]) -> list[Finding]:
    """Requests for a reply recorded under a name no profile has (a typo hides the request)."""
    where = display_path(project.path) if project.path else ""
    return [
        Finding(
            where,
            request.line,
            1 if request.line else 0,
            f"edition.requests.{slug}",
            f"no profile is named '{slug}': the brief would not say the steps were sent",
            Severity.WARNING,
            "reply",
        )
        for slug, request in project.edition.requests.items()
        if slug not in slugs
    ]


@dataclass(frozen=True)
class Loaded:
    """The countries of a build, read and validated once for every language.

    Attributes:
        chosen: The countries to report on.
        comparison: The countries each is compared with (the chosen ones among them).
        translations: Their text in other languages, checked against each profile: by
            language code, then profile slug.
        previous: The previous edition as published, if the project keeps it.
    """

    chosen: tuple[Profile, ...]
    comparison: tuple[Profile, ...]
    translations: Mapping[str, Mapping[str, Translation]] = dataclasses.field(default_factory=dict)
    previous: Published | None = None

    def texts(self, language: str) -> dict[str, dict[str, str]]:
        """By profile slug, each text and its translation into ``language`` (see ``i18n``)."""
        found = self.translations.get(language, {})
        return {slug: translation.by_text() for slug, translation in found.items()}


def load(
    project: Project,
    countries: Sequence[str] = (),
    peers: Sequence[str] | None = None,
    *,
    fonts: Coverage | None = None,
) -> Loaded:
    """Load the project's profiles and pick the countries: once, whatever the languages.

    Args:
        project: Settings with command-line overrides applied.
        countries: Names, slugs, ISO3 codes or profile paths; empty means every loaded profile.
        peers: Countries to compare with; None means every loaded profile. The chosen
            countries are always among each other's peers.
        fonts: What the available fonts cover, when briefs will be rendered: the text of every
            country in them must be covered. None checks no fonts (``gaps``, ``list``).

    Raises:
        InputError: Invalid profiles or framework, a country that matches no profile, text
            no font covers (one finding per script), or a previous edition's JSON that cannot
            be read.
    """
    # Imported here, not at the top: an unchanged build stops before it needs the model.
    from aftercare_report import catalog, profile_overlay, script_coverage

    framework = catalog.load_framework(project.framework)  # the ids profiles are checked against
    loaded = catalog.load_profiles(project.profiles, framework, project.stale_years)
    chosen = catalog.select(countries, loaded, framework) if countries else loaded
    catalog.check_one_per_country(chosen)
    peer_set = catalog.select(peers, loaded, framework) if peers else loaded
    comparison = catalog.one_per_country([*chosen, *peer_set])
    in_play = catalog.unique([*chosen, *comparison])
    if fonts is not None:
        script_coverage.require(in_play, fonts)
    translations = profile_overlay.load_all(in_play, project.every_language)
    return Loaded(chosen, comparison, translations, previous_edition(project))


def assessed(loaded: Loaded, project: Project) -> tuple[CountryReport, ...]:
    """Assess each loaded country, in the current language.

    Every language assesses the very profiles loaded once, so levels, gaps, the index and which
    recommendations apply are the same in each; only the words differ (the framework's texts
    come from the language's overlay, sentences from its catalog).

    Raises:
        InputError: An invalid framework, or no overlay of it for the language.
    """
    from aftercare_report import catalog, config, report

    folder = config.translations_folder(project)
    framework = catalog.load_framework(project.framework, project.language, folder)
    return report.analyse(
        loaded.chosen,
        framework,
        loaded.comparison,
        stale_years=project.stale_years,
        edition=project.edition,
        previous=loaded.previous,
    )


@dataclass(frozen=True)
class Contexts:
    """What makes a brief's context: ``context.country_context`` and ``comparative_context``."""

    country: Callable[[CountryReport, Brand, Mapping[str, int]], BriefContext]
    comparative: Callable[[Sequence[CountryReport], Brand], BriefContext]


def analyse(
    project: Project,
    countries: Sequence[str] = (),
    peers: Sequence[str] | None = None,
    *,
    fonts: Coverage | None = None,
) -> tuple[CountryReport, ...]:
    """Load the project's framework and profiles, pick the countries, and assess each once.

    Sentences are written in the current language (see :func:`language` and ``i18n.using``);
    the framework's texts in the project's. See :func:`load` for the arguments.

    Raises:
        InputError: Invalid profiles or framework, a country that matches no profile, or text
            no font covers (one finding per script).
    """
    return assessed(load(project, countries, peers, fonts=fonts), project)


def plan(
    reports: Sequence[CountryReport],
    project: Project,
    *,
    country_briefs: bool = True,
    name: str = "comparative",
    contexts: Contexts | None = None,
    comparison: bool = True,
) -> list[Brief]:
    """List the briefs to make: one per country if asked, and a comparison of two or more.

    Args:
        reports: The countries, each assessed once.
        project: For the brand, terminology, language and the languages published.
        country_briefs: Make one brief per country.
        name: File name of the comparative brief.
        contexts: What makes the briefs' contexts (default: :mod:`context`'s functions; the
            preview passes ones that keep those of unchanged countries).
        comparison: Make the comparison of two or more (the preview leaves it out to make
            the open country brief first).

    Raises:
        UsageError: ``name`` is the file name of a country brief in this build.
    """
    from aftercare_report import context, export
    from aftercare_report.build import Brief
    from aftercare_report.i18n import current

    if country_briefs and name in {r.profile.slug for r in reports}:
        raise UsageError(f"--name {name}: a country brief has that name; choose another")

    brand, lang = project.brand, current()
    briefs = []
    ranks = export.ranking(reports)
    made = contexts or Contexts(context.country_context, context.comparative_context)
    if country_briefs:
        for r in reports:
            ctx = made.country(r, brand, ranks)
            stem, who = r.profile.slug, _who(r)
            briefs.append(Brief(stem, "country", ctx, (r,), _source(r), who, lang))
    if len(reports) >= 2 and comparison:
        ctx = made.comparative(reports, brand)
        sources = tuple(a for r in reports for a in _source(r))
        briefs.append(Brief(name, "comparative", ctx, tuple(reports), sources, "comparison", lang))
    if project.published:  # each brief links to itself in the other languages
        for i, b in enumerate(briefs):
            switch = context.translations(b.stem, project.published)
            briefs[i] = dataclasses.replace(
                b, context=dataclasses.replace(b.context, translations=switch)
            )
    return briefs


def build(project: Project, request: BuildRequest, progress: Progress) -> BuildResult:
    """Build briefs from profile files to files in the output folder, in every language.

    Each language is checked on its own: a language whose outputs of these very inputs are on
    disk is not built again. The profiles are loaded and checked once for all languages.

    Args:
        project: Settings with command-line overrides applied.
        request: The countries, formats and build options.
        progress: Shows progress (the CLI's bar; tests may pass a no-op).

    Raises:
        InputError: Invalid inputs, or text no font covers, found before rendering or in a
            PDF (nothing is written).
        UsageError: Nothing to build (a comparison of fewer than two countries).
        TemplateError: A template failed (nothing is written).
        BuildError: A PDF failed, or warnings under ``strict`` (nothing is written).
    """
    warned = _warnings(project)
    if request.strict and warned:
        raise BuildError("warnings are errors with --strict: " + "; ".join(warned))
    runs = [in_language(project, code) for code in project.every_language]
    for run in runs:
        if run.out != project.out and run.out.is_symlink():  # briefs/fr -> anywhere
            raise BuildError(
                f"{display_path(run.out)}: a symlink; briefs are never written through one "
                "(remove it: the build makes the folder)"
            )
    hashed: dict[tuple[str, int], bytes] = {}  # every language reads the same files
    digests = [_digest(run, request, hashed) for run in runs]
    done = [
        None if request.force else _unchanged(run.out, d, request)
        for run, d in zip(runs, digests, strict=True)
    ]
    cleaned = _other_languages(project) if request.clean and not request.shard else []
    if all(done):  # nothing read, rendered or started
        return _joined([*(r for r in done if r), BuildResult(tuple(cleaned), ())], warned)
    from aftercare_report import build as make
    from aftercare_report.i18n import translating, using

    todo = [i for i, result in enumerate(done) if result is None]
    warned = (*warned, *_untranslated(project, [runs[i] for i in todo]), *_template_links(project))
    if request.strict and warned:
        raise BuildError("warnings are errors with --strict: " + "; ".join(warned))
    options = {i: build_options(runs[i], request, digests[i]) for i in todo}
    # Workers fork (and import WeasyPrint) now, on the other core, while this one loads.
    with make.start_workers(options[todo[0]]) as pool:
        # Load, validate, check that fonts cover the text: once, before anything renders.
        loaded = load(project, request.countries, request.peers, fonts=available(project))
        planned = {}
        for i in todo:
            texts = loaded.texts(runs[i].language)
            with using(language(runs[i])), translating(texts):  # the same countries, in each
                reports = assessed(loaded, runs[i])
                briefs = plan(
                    reports, runs[i], country_briefs=request.country_briefs, name=request.name
                )
            if not briefs:
                raise UsageError("nothing to build: a comparison needs at least two countries")
            if request.clean and not request.shard:
                stems = frozenset(b.stem for b in briefs)
                options[i] = dataclasses.replace(options[i], clean=stems)
            planned[i] = make.shard(briefs, *request.shard) if request.shard else briefs
        steps = sum(len(briefs) for briefs in planned.values()) * make.steps(request.formats)
        with progress(steps) as advance:
            for i, briefs in planned.items():  # render, make PDFs, write
                done[i] = make.build(briefs, options[i], advance, pool)
    return _joined([*(r for r in done if r), BuildResult(tuple(cleaned), ())], warned)


_LANGUAGE_FOLDER = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})?")


def _other_languages(project: Project) -> list[Written]:
    """With ``--clean``: remove the briefs of languages the project no longer publishes.

    A project published in French and English writes ``briefs/fr/`` and ``briefs/en/``; in
    English alone, ``briefs/``. When that changes, the folders (or files) of the old setting
    would otherwise stay and be published beside the new ones. As ``--clean`` does for briefs,
    only files a folder's manifest proves this tool wrote are removed, then the manifest, then
    the folder if nothing else is in it.
    """
    keep = {project.out_for(code) for code in project.published} or {project.out}
    try:
        below = sorted(
            p
            for p in project.out.iterdir()
            if _LANGUAGE_FOLDER.fullmatch(p.name) and p.is_dir() and not p.is_symlink()
        )
    except OSError:
        return []  # no output folder yet: nothing to remove
    removed: list[Written] = []
    for folder in [project.out, *below]:
        if folder in keep or not (folder / manifest.MANIFEST_NAME).is_file():
            continue
        removed += _remove_ours(folder)
    return removed


def _remove_ours(folder: Path) -> list[Written]:
    """Remove every output the manifest of ``folder`` proves ours, then what is left of it."""
    from aftercare_report.build import write_atomic

    with manifest.locked(folder):
        entries = manifest.read(folder)
        names = manifest.removable(folder, entries, frozenset())
        removed = []
        for name in names:
            try:
                (folder / name).unlink()
            except OSError as exc:
                raise BuildError(f"{display_path(folder / name)}: cannot remove: {exc}") from None
            entry = entries.pop(name)
            removed.append(Written(folder / name, entry.format, entry.pages, 0, removed=True))
        if entries:
            write_atomic(folder / manifest.MANIFEST_NAME, manifest.render(entries))
        else:
            (folder / manifest.MANIFEST_NAME).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        folder.rmdir()  # only if empty: a file someone else put there stays, and its folder
    return removed


def _warnings(project: Project) -> tuple[str, ...]:
    """The project file's warnings (a team font without a weight the brief uses), as lines."""
    from aftercare_report.errors import Severity

    return tuple(
        f"{f.path}:{f.line}: {f.key}: {f.message}"
        for f in project.review
        if f.severity is Severity.WARNING
    )


EXTRACT_IN_PROCESS_BYTES = 256 * 1024
"""Template text whose messages are read in this process; more is read in a worker under the
render limits (Jinja parses about 6 s a MB, and a folder may hold 2,000 files of 2 MB)."""


def team_messages(project: Project) -> tuple[TeamMessage, ...]:
    """The messages of the team's own templates, read within the project's render limits.

    Raises:
        TemplateError: A template cannot be read or parsed.
        BuildError: Parsing passed the time or memory limit.
    """
    from aftercare_report import templating, workers  # a worker only for much template text

    if not project.templates:
        return ()
    sources = templating.team_sources(project.templates)
    if sum(len(source) for _, source in sources) <= EXTRACT_IN_PROCESS_BYTES:
        return templating.messages_of(sources)
    task = workers.Task(
        templating.messages_of,
        (sources,),
        subject="reading the messages of the team's templates",
        seconds=project.limits.render_seconds,
        limit_name="[limits] render_seconds",
    )
    return workers.run_all([task], workers=1, memory_bytes=project.limits.memory_bytes)[0]


def _template_links(project: Project) -> list[str]:
    """Links the team's templates write that read as one host and go to another, as lines."""
    from aftercare_report import template_links

    found = template_links.findings(project.templates)  # a template refused stops the build
    return [
        f"{f.path}:{f.line}: {f.message}" if f.line else f"{f.path}: {f.message}" for f in found
    ]


def _template_link_findings(project: Project) -> list[Finding]:
    """The same, as findings: ``validate --strict`` (CI's check of a pull request) fails on them.

    A template the links cannot be read from is an error found here too (the build would stop
    on it).
    """
    from aftercare_report import template_links
    from aftercare_report.errors import TemplateError

    try:
        return template_links.findings(project.templates)
    except TemplateError as exc:
        where = display_path(project.path) if project.path else "templates"
        return [Finding(where, 0, 0, "templates", str(exc), code="template")]


UNTRANSLATED_SHOWN = 20
"""Untranslated team messages a build names one by one (``translations check`` lists all)."""


def _untranslated(project: Project, runs: Sequence[Project]) -> list[str]:
    """The messages of the team's templates a language has no translation of, as lines."""
    from aftercare_report import translations

    team = team_messages(project)
    if not team:
        return []
    lines = []
    for run in runs:
        found = translations.untranslated(language(run), team)
        lines += [f"{f.path}:{f.line}: {f.message}" for f in found[:UNTRANSLATED_SHOWN]]
        if len(found) > UNTRANSLATED_SHOWN:
            lines.append(
                f"{len(found) - UNTRANSLATED_SHOWN:,} more messages of the team's templates are "
                f"not translated into {translations.language_name(run.language)}: "
                f"'aftercare-report translations check {run.language}' lists them all"
            )
    return lines


def _joined(results: Iterable[BuildResult], warned: Sequence[str] = ()) -> BuildResult:
    """One result of the builds of several languages, with the project file's warnings."""
    chosen = list(results)
    written = tuple(w for r in chosen for w in r.written)
    return BuildResult(written, (*warned, *(w for r in chosen for w in r.warnings)))


def in_language(project: Project, code: str) -> Project:
    """The project building its briefs in one language, into that language's folder.

    The digest of a language's inputs depends on this alone, so ``build --language fr`` in a
    project published in French and English finds the outputs of a full build unchanged.
    """
    return dataclasses.replace(project, language=code, languages=(), out=project.out_for(code))


def build_options(project: Project, request: BuildRequest, digest: str) -> BuildOptions:
    """How ``build`` makes a request's briefs of ``project`` (``serve``'s builds too).

    Args:
        project: The project, in one language.
        request: Formats, workers and the other build options.
        digest: The digest of the build's inputs, recorded in the manifest ("" records none).
    """
    from aftercare_report.build import BuildOptions  # jinja2: not for an unchanged build

    return BuildOptions(
        out=project.out,
        formats=request.formats,
        template_dirs=project.templates,
        variant=request.variant,
        strict=request.strict,
        workers=request.jobs,
        reuse=not request.force,
        project_root=project.root,
        limits=project.limits,
        allow_scripts=project.allow_scripts,
        inputs=digest,
    )


def _digest(
    project: Project, request: BuildRequest, hashed: dict[tuple[str, int], bytes] | None = None
) -> str:
    """Digest every input of the build; options that change no output are left out."""
    settings = dataclasses.replace(request, jobs=1, force=False, clean=False)
    named = (*request.countries, *(request.peers or ()))
    return inputs.digest(project, repr(settings), named, hashed)


def _unchanged(out: Path, digest: str, request: BuildRequest) -> BuildResult | None:
    """The outputs of an earlier build with the same inputs, if every file is still as written."""
    found = manifest.up_to_date(out, digest)
    if found is None:
        return None
    if request.clean and not request.shard:
        stems = frozenset(Path(name).stem for name in found)
        if manifest.removable(out, manifest.read(out), stems):
            return None  # stale outputs to remove: the full path does it under the lock
    written = (
        Written(out / name, e.format, e.pages, e.size, unchanged=True) for name, e in found.items()
    )
    return BuildResult(tuple(written), ())


def _source(r: CountryReport) -> tuple[tuple[str, bytes], ...]:
    """The profile as validated, to attach to the PDF."""
    path = r.profile.path
    return ((path.name, r.profile.source),) if path else ()


def _who(r: CountryReport) -> str:
    path = r.profile.path
    return display_path(path) if path else r.profile.slug
