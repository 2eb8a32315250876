"""Build a project again and again, redoing only what a change touched: ``serve``'s builds.

A cold build reads every profile, assesses every country, gives every brief its context,
forks workers that compile the templates, renders every brief and writes it. Between two saves
in an editor almost all of that is unchanged, so :class:`Live` keeps it, each piece with what
it was made from, and compares before redoing:

- each profile file's validated profile, by the file's stamp (times, size, inode);
- the framework, kept as the same object while it loads equal, so what was made from it stays;
- in each language: the framework; each country's report, while its profile, the framework,
  the language, the profiles' text in that language (``profiles/<slug>.<lang>.yaml``) and what
  the assessment reads of the other countries (:func:`_peer_view`) are unchanged, so a profile
  edit re-assesses that country, not the others, unless it changed what they compare with;
  each brief's context, while its reports (and ranks) are the same objects;
- the workers, which keep their compiled templates (a template is compiled again when its
  file changes: ``templating.ConfinedLoader``), started once and kept;
- and, per brief, what it was last rendered from: a brief whose context, language, templates
  and settings all equal those of the file on disk is not rendered again.

The result is what a clean build of the same inputs writes, byte for byte (the tests check
it for each kind of input): everything is made by the pipeline's own functions, only fewer of
them run. A change that is not understood in detail (the project file, a template, a catalog)
marks every brief for rendering; only the assessment is finer grained. The briefs open in a
browser are made first, before the comparison is even planned, so their pages update while
the rest is made.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aftercare_report import manifest
from aftercare_report.confine import folder_files, hidden, stamp
from aftercare_report.errors import UsageError
from aftercare_report.outputs import FORMATS, PREVIEW, BuildResult, Written
from aftercare_report.resources import DEFAULT_FRAMEWORK

if TYPE_CHECKING:
    from aftercare_report.build import Brief, BuildOptions
    from aftercare_report.catalog import OneFile
    from aftercare_report.config import Project
    from aftercare_report.context import BriefContext
    from aftercare_report.fonts import Coverage
    from aftercare_report.model import Framework, Profile
    from aftercare_report.report import CountryReport
    from aftercare_report.settings import Brand
    from aftercare_report.workers import Pool


@dataclass
class _Language:
    """What the last builds made in one language, each with what it was made from."""

    framework: Framework | None = None
    framework_read: object = None
    reports: dict[str, tuple[object, CountryReport]] = field(default_factory=dict)
    contexts: dict[str, tuple[object, BriefContext]] = field(default_factory=dict)


@dataclass
class _Kept:
    """What the last builds made, each with what it was made from."""

    files: dict[Path, tuple[object, OneFile]] = field(default_factory=dict)
    files_key: object = None
    framework: Framework | None = None
    framework_read: object = None
    covered: dict[int, tuple[Profile, Coverage]] = field(default_factory=dict)
    """Each profile whose text has a font for every script, by identity, with those fonts."""
    languages: dict[str, _Language] = field(default_factory=dict)
    rendered: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class _Loaded:
    """The countries of a build, read once for every language (``pipeline.Loaded``'s part)."""

    profiles: tuple[Profile, ...]
    comparison: tuple[Profile, ...]
    translations: Mapping[str, Mapping[str, Any]]
    previous: Any


class Live:
    """A project's briefs in a folder, kept current by building only what changed.

    Args:
        out: The folder the briefs are written to (``serve``'s temporary one).
        formats: The formats every build makes.
        jobs: Worker processes, started at the first build and kept until :meth:`close` (and
            as many again for the formats made when a page asks for them).
        name: File name of the comparative brief.
    """

    def __init__(self, out: Path, formats: tuple[str, ...], jobs: int, name: str) -> None:
        self.out = out
        self.formats = formats
        self.jobs = jobs
        self.name = name
        self.rendered = 0
        """Briefs rendered by the last build (0 when nothing it reads had changed)."""
        self._kept = _Kept()
        self._pools: dict[tuple[str, ...], tuple[object, Pool]] = {}
        """Workers by the formats they make (each pool imports what its makers need)."""

    def build(
        self,
        project: Project,
        first: Collection[str] = (),
        shown: Callable[[set[str]], None] = lambda _: None,
    ) -> BuildResult:
        """Build every brief of ``project`` in every language, rendering only what changed.

        Args:
            project: The project as loaded now.
            first: Pages open in a browser (a brief's path below the folder, without suffix:
                ``thailand``, ``fr/thailand``): made and written before the others, so the
                page in front of the user reloads as soon as its own brief is ready.
            shown: Called with those pages once they are written, before the others are
                planned and made.

        Returns:
            Every planned brief's outputs; those not made again are marked unchanged.

        Raises:
            AftercareError: As :func:`pipeline.build` (nothing is written).
        """
        from aftercare_report import pipeline

        project = dataclasses.replace(project, out=self.out)
        loaded = self._load(project)
        runs = [pipeline.in_language(project, code) for code in project.every_language]
        made: set[str] = set()
        if first:  # the open pages' briefs, before the others are planned (the comparisons)
            for run in runs:
                folder = run.out.relative_to(self.out).as_posix().strip(".")
                if not any(page.rpartition("/")[0] == folder for page in first):
                    continue  # nothing open in this language
                comparison = self._page(run, self.name) in first
                options, setting, briefs = self._plan(run, loaded, comparison=comparison)
                early = [
                    b
                    for b in briefs
                    if self._page(run, b.stem) in first and self._stale(options, b, setting)
                ]
                self._make(early, options, setting, project)
                made |= {self._page(run, b.stem) for b in early}
            if made:
                shown(set(made))
        planned = [self._plan(run, loaded) for run in runs]
        for options, setting, briefs in planned:
            later = [b for b in briefs if self._stale(options, b, setting)]
            self._make(later, options, setting, project)
            made |= {self._page(options, b.stem) for b in later}
        self.rendered = len(made)
        written = [
            Written(
                options.out / (b.stem + FORMATS[f].suffix),
                f,
                None,
                0,
                self._page(options, b.stem) not in made,
            )
            for options, _, briefs in planned
            for b in briefs
            for f in self.formats
        ]
        return BuildResult(tuple(written), ())

    def _plan(
        self, run: Project, loaded: _Loaded, *, comparison: bool = True
    ) -> tuple[BuildOptions, object, list[Brief]]:
        """One language's briefs, the options they are made with, and what else they depend on.

        Args:
            run: The project in one language.
            loaded: The countries, read once for every language.
            comparison: Plan the comparative brief too (its context takes longest to make).
        """
        from aftercare_report import pipeline
        from aftercare_report.i18n import translating, using
        from aftercare_report.templating import templates

        lang = pipeline.language(run)
        state = self._kept.languages.setdefault(run.language, _Language())
        texts = {slug: t.by_text() for slug, t in loaded.translations.get(run.language, {}).items()}
        with using(lang), translating(texts):
            reports = self._assess(run, loaded, state, texts)
            contexts = pipeline.Contexts(
                functools.partial(self._country_context, state, texts),
                functools.partial(self._comparative_context, state, texts),
            )
            briefs = pipeline.plan(
                reports, run, name=self.name, contexts=contexts, comparison=comparison
            )
        if not briefs:
            raise UsageError("nothing to build: a comparison needs at least two countries")
        options = self._options(run)
        setting = (
            options,
            lang,
            lang.translations,  # the same object while no catalog changed (cached by version)
            manifest.folder_digest(templates(run.templates, run.root).folders),
        )
        return options, setting, briefs

    def output(self, project: Project, page: str, fmt: str) -> None:
        """Make one brief in a format no build makes (a PDF whose link was opened).

        The brief is planned from what is kept, and made with workers kept for that format
        (WeasyPrint imported once); an output whose inputs match the manifest is reused.

        Args:
            project: The project as loaded now.
            page: The brief's page (``thailand``, ``fr/thailand``), as :meth:`build` names it.
            fmt: The format's name.

        Raises:
            AftercareError: As :func:`pipeline.build` (nothing is written).
        """
        from aftercare_report import build as make
        from aftercare_report import pipeline

        project = dataclasses.replace(project, out=self.out)
        loaded = self._load(project)
        for code in project.every_language:
            options, _, briefs = self._plan(pipeline.in_language(project, code), loaded)
            chosen = [b for b in briefs if self._page(options, b.stem) == page]
            if chosen:
                options = dataclasses.replace(options, formats=(fmt,))
                try:
                    make.build(chosen, options, pool=self._workers(options, project))
                except BaseException:
                    self.close()
                    raise
                return

    def close(self) -> None:
        """Stop the workers (the next build starts new ones)."""
        for _, pool in self._pools.values():
            pool.close()
        self._pools.clear()

    def _load(self, project: Project) -> _Loaded:
        """:func:`pipeline.load` for every country, each file read again only once changed."""
        from aftercare_report import catalog, pipeline, profile_overlay, script_coverage
        from aftercare_report.errors import InputError
        from aftercare_report.fonts import available

        kept = self._kept
        source = project.framework or DEFAULT_FRAMEWORK
        read = (source, stamp(source), _language())  # terms are filled into its texts
        if read != kept.framework_read or kept.framework is None:
            kept.framework, kept.framework_read = catalog.load_framework(project.framework), read
        framework = kept.framework  # the ids profiles are checked by
        files_key = (framework, project.stale_years)
        if files_key != kept.files_key:
            kept.files, kept.files_key = {}, files_key
        checked = catalog.check_profiles(
            project.profiles, framework, project.stale_years, memo=kept.files, count_sources=False
        )
        if checked.errors:
            raise InputError(checked.errors)
        profiles = checked.profiles
        catalog.check_one_per_country(profiles)
        comparison = catalog.one_per_country(profiles)
        in_play = catalog.unique([*profiles, *comparison])
        fonts = available(project)
        # A kept profile is the same object while its file is unchanged: only the others'
        # text is checked against the fonts again (a check finds nothing in a profile that
        # passed it, so leaving those out changes no message).
        unchecked = [p for p in in_play if not _passed(kept.covered.get(id(p)), p, fonts)]
        script_coverage.require(unchecked, fonts)
        kept.covered = {id(p): (p, fonts) for p in in_play}
        translations = profile_overlay.load_all(in_play, project.every_language)
        return _Loaded(profiles, comparison, translations, pipeline.previous_edition(project))

    def _framework(self, run: Project, state: _Language) -> Framework:
        """:func:`catalog.load_framework` in the run's language, loaded again only once changed.

        Unchanged means the framework file, its overlays (beside it or in the project's
        ``translations`` folder) and the language with its terms, which are filled into it.
        """
        from aftercare_report import catalog, config

        folder = config.translations_folder(run)
        source = run.framework or DEFAULT_FRAMEWORK
        beside = sorted(source.parent.glob(f"{source.stem}.*.yaml"))
        overlays = (_stamps(folder), tuple((p.name, stamp(p)) for p in beside))
        read = (source, stamp(source), overlays, run.language, _language())
        if read != state.framework_read or state.framework is None:
            framework = catalog.load_framework(run.framework, run.language, folder)
            if framework != state.framework:
                state.framework, state.reports, state.contexts = framework, {}, {}
            state.framework_read = read
        assert state.framework is not None
        return state.framework

    def _assess(
        self, run: Project, loaded: _Loaded, state: _Language, texts: object
    ) -> tuple[CountryReport, ...]:
        """:func:`pipeline.assessed`, keeping each report while what it reads is unchanged."""
        from aftercare_report import report

        framework = self._framework(run, state)
        views = {p.slug: _peer_view(p) for p in loaded.comparison}
        settings = (run.stale_years, run.edition, loaded.previous, _language(), texts)
        out = []
        for profile in loaded.profiles:
            peers = tuple(v for slug, v in views.items() if slug != profile.slug)
            key = (profile, peers, settings)
            old = state.reports.get(profile.slug)
            if old is not None and old[0] == key:
                out.append(old[1])
                continue
            (made,) = report.analyse(
                [profile],
                framework,
                loaded.comparison,
                stale_years=run.stale_years,
                edition=run.edition,
                previous=loaded.previous,
            )
            state.reports[profile.slug] = (key, made)
            out.append(made)
        return tuple(out)

    def _country_context(
        self,
        state: _Language,
        texts: object,
        r: CountryReport,
        brand: Brand,
        ranks: Mapping[str, int] | None = None,
    ) -> BriefContext:
        from aftercare_report import context

        key = (r, brand, dict(ranks or {}), _language(), texts)
        made = lambda: context.country_context(r, brand, ranks)  # noqa: E731
        return _context(state, r.profile.slug, key, made)

    def _comparative_context(
        self, state: _Language, texts: object, reports: Sequence[CountryReport], brand: Brand
    ) -> BriefContext:
        from aftercare_report import context

        key = (tuple(reports), brand, _language(), texts)
        made = lambda: context.comparative_context(reports, brand)  # noqa: E731
        return _context(state, "\0comparative", key, made)

    def _page(self, where: Project | BuildOptions, stem: str) -> str:
        """A brief's page: its path below the folder, without suffix (``fr/thailand``)."""
        return (where.out / stem).relative_to(self.out).as_posix()

    def _make(
        self, briefs: Sequence[Brief], options: BuildOptions, setting: object, project: Project
    ) -> None:
        """Render and write ``briefs`` with the kept workers; remember what each was made of."""
        from aftercare_report import build as make

        if not briefs:
            return
        try:
            make.build(briefs, options, pool=self._workers(options, project))
        except BaseException:
            self.close()  # a worker may be mid-task: the next build starts afresh
            raise
        self._kept.rendered.update({self._page(options, b.stem): (b, setting) for b in briefs})

    def _stale(self, options: BuildOptions, brief: Brief, setting: object) -> bool:
        old = self._kept.rendered.get(self._page(options, brief.stem))
        page = options.out / (brief.stem + PREVIEW.suffix)
        return old != (brief, setting) or not page.is_file()

    def _options(self, run: Project) -> BuildOptions:
        from aftercare_report.pipeline import BuildRequest, build_options

        request = BuildRequest(formats=self.formats, jobs=self.jobs, name=self.name)
        return build_options(run, request, "")

    def _workers(self, options: BuildOptions, project: Project) -> Pool:
        """The kept workers; new ones when the settings they were started with changed.

        A template file added or removed also starts new ones: a worker's compiled template
        notices its own file changing, not another file now found before it on the search path.
        """
        from aftercare_report.build import start_workers

        key = (options.workers, options.limits, _listing(project.templates))
        kept = self._pools.get(options.formats)
        if kept is None or kept[0] != key:
            if kept is not None:
                kept[1].close()
            kept = self._pools[options.formats] = (key, start_workers(options))
        return kept[1]


def _context(state: _Language, slot: str, key: object, make: Any) -> BriefContext:
    # Reports compare by identity first (a kept one is the same object), so this is cheap.
    old = state.contexts.get(slot)
    if old is not None and old[0] == key:
        return old[1]
    made: BriefContext = make()
    state.contexts[slot] = (key, made)
    return made


def _passed(kept: tuple[Profile, Coverage] | None, profile: Profile, fonts: Coverage) -> bool:
    return kept is not None and kept[0] is profile and kept[1] == fonts


def _language() -> object:
    """The current language with its catalogs' messages (the same object while unchanged)."""
    from aftercare_report.i18n import current

    lang = current()
    return lang, lang.translations


def _peer_view(profile: Profile) -> object:
    """What assessing another country reads of this one: ``assess._peer``'s inputs."""
    from aftercare_report.findings import country_names

    return (
        profile.slug,
        profile.region,
        profile.country,
        country_names(profile),
        profile.roles,
        profile.components,
    )


def _stamps(folder: Path | None) -> tuple[tuple[str, object], ...]:
    """Each file in ``folder`` (not below it) with its stamp; empty without the folder."""
    if folder is None or not folder.is_dir():
        return ()
    return tuple((p.name, stamp(p)) for p in sorted(folder.iterdir()))


def _listing(folders: Sequence[Path]) -> tuple[str, ...]:
    """The names of the files in the template folders (not their contents)."""
    return tuple(
        str(p)
        for folder in folders
        for p in folder_files(folder)
        if not hidden(p.relative_to(folder))
    )
