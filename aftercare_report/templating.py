"""Render brief templates safely: a sandbox, autoescaping, strict variables, a search path.

Templates come from a team's folders first, then the bundled defaults; ``default:NAME`` always
means the bundled template, so an override can extend the very template it replaces. Profile text
only ever enters as escaped data: ``{{ 7*7 }}`` in a profile prints as written.
"""

from __future__ import annotations

import base64
import dataclasses
import difflib
import mimetypes
import os
import re
import string
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import jinja2
import jinja2.filters
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import missing
from markupsafe import Markup

from aftercare_report import assets, fonts, i18n_templates, inert, markdown
from aftercare_report.config import CONFIG_NAME
from aftercare_report.confine import (
    Refused,
    folder_files,
    hidden,
    inside,
    read_inside,
    read_regular,
    secret_risk,
    stamp,
)
from aftercare_report.context import BriefContext
from aftercare_report.errors import TemplateError, display_path
from aftercare_report.i18n import Quoted
from aftercare_report.limits import (
    ASSET_BYTES,
    MAX_POWER_BITS,
    MAX_SEQUENCE,
    MAX_WIDTH,
    MB,
    TEMPLATE_BYTES,
    Limits,
)
from aftercare_report.resources import bundled
from aftercare_report.translations import TeamMessage


class RefusedTemplate(jinja2.TemplateError):
    """A template file exists but may not be loaded; the message says why.

    Not a ``TemplateNotFound``: Jinja's choice loader would swallow that and try the next folder,
    and the reason would be lost.
    """

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"template '{name}' refused: {reason}")


class ConfinedLoader(jinja2.BaseLoader):
    """Load templates only from inside their folders, never hidden ones, never special files.

    Jinja's file loader refuses ``..`` but follows symlinks and reads before anyone checks: a
    pull request adding ``passwd.html -> /etc/passwd`` or including ``.git/config`` could
    otherwise print any file on the runner into a published brief. Here the path is resolved
    and confined first, and only a regular file of bounded size is read.
    """

    def __init__(self, folders: Path | Sequence[Path]) -> None:
        self.folders = (folders,) if isinstance(folders, Path) else tuple(folders)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """Return the source of ``template`` from the first folder that has it."""
        pieces = split_template_path(template)  # refuses ".." with TemplateNotFound
        if hidden(Path(*pieces)):
            raise RefusedTemplate(template, "hidden files and folders are never templates")
        for folder in self.folders:
            candidate = folder.joinpath(*pieces)
            if not os.path.lexists(candidate):
                continue
            try:
                data = read_inside(candidate, folder, TEMPLATE_BYTES)
                source = data.decode("utf-8")
            except Refused as exc:
                raise RefusedTemplate(template, str(exc)) from None
            except UnicodeDecodeError:
                raise RefusedTemplate(template, "it is not valid UTF-8") from None
            # A worker that lives on (``serve``'s) compiles a template again once it changes.
            seen = partial(_unchanged, candidate, stamp(candidate))
            return source, str(candidate), seen
        raise jinja2.TemplateNotFound(template)


def _unchanged(path: Path, seen: tuple[int, int, int, int] | None) -> bool:
    return stamp(path) == seen


class BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox, also refusing the expressions that exhaust time or memory.

    The stock sandbox blocks Python internals and ranges over 100,000 items, but
    ``'x' * 10**10``, ``10 ** (10**10)``, ``'%999999999d' % 1`` and ``'x'|center(10**9)``
    each run for minutes or take gigabytes before any limit of the worker process applies.
    """

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.globals.pop("lipsum", None)  # lipsum(n=10**9) makes text without bound
        self.filters.update(center=_center, format=_format, indent=_indent)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """Check an intercepted operator's operands before running it."""
        if operator == "*":
            _check_repeat(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%" and isinstance(left, str):
            _check_printf(left)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Check calls of padding string methods and ``str.format`` before running them."""
        _check_call(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _refuse(message: str) -> NoReturn:
    raise SecurityError(message)


def _check_repeat(left: Any, right: Any) -> None:
    for seq, n in ((left, right), (right, left)):
        sized = isinstance(seq, str | list | tuple | bytes) and isinstance(n, int)
        if sized and len(seq) * n > MAX_SEQUENCE:
            _refuse(f"repetition making {len(seq) * n:,} items is over {MAX_SEQUENCE:,}")


def _check_power(left: Any, right: Any) -> None:
    ints = isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0
    if ints and right * abs(left).bit_length() > MAX_POWER_BITS:
        _refuse(f"power too large: the result would pass {MAX_POWER_BITS} bits")


_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")
"""A printf conversion, named (``%(key)9s``) or not, with its width and precision."""
_DIGITS = re.compile(r"\d+")


def _check_printf(text: str) -> None:
    for match in _PRINTF.finditer(text):
        for width in match.groups():
            if width == "*" or (width and int(width) > MAX_WIDTH):
                _refuse(f"format width '{match[0]}' is over {MAX_WIDTH}")


def _check_spec(text: str) -> None:
    for _, _, spec, _ in string.Formatter().parse(text):
        if spec and ("{" in spec or any(int(d) > MAX_WIDTH for d in _DIGITS.findall(spec))):
            _refuse(f"format spec '{spec}' is wider than {MAX_WIDTH}")


def _check_width(width: Any) -> None:
    if isinstance(width, int) and width > MAX_WIDTH:
        _refuse(f"width {width} is over {MAX_WIDTH}")
    if isinstance(width, str) and len(width) > MAX_WIDTH:
        _refuse(f"indent of {len(width):,} characters is over {MAX_WIDTH}")


_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map"})


def _check_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    method = getattr(obj, "__wrapped__", obj)  # the sandbox wraps str.format at access
    if getattr(method, "__name__", "") not in _PADDING:
        return
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, str):
        return
    if method.__name__ in ("format", "format_map"):
        _check_spec(owner)
    else:
        for value in (*args, *kwargs.values()):
            _check_width(value)


def _center(value: Any, width: int = 80) -> str:
    _check_width(width)
    return jinja2.filters.do_center(value, width)


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_printf(str(value))
    return jinja2.filters.do_format(value, *args, **kwargs)


def _indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    _check_width(width)
    return jinja2.filters.do_indent(value, width, first, blank)


class HintedUndefined(jinja2.StrictUndefined):
    """Strict undefined values whose error names the context's class and the closest field.

    Jinja's own message names the internal class (``'aftercare_report.context.CountryView
    object' has no attribute 'sumary'``) and suggests nothing; the context classes are the
    documented contract, so their fields are what a misspelt name most likely meant.
    """

    @property
    def _undefined_message(self) -> str:
        owner, name = self._undefined_obj, self._undefined_name
        if owner is missing or not isinstance(name, str):
            return super()._undefined_message
        if not dataclasses.is_dataclass(owner) or isinstance(owner, type):
            return super()._undefined_message
        fields = [f.name for f in dataclasses.fields(owner)]
        close = difflib.get_close_matches(name, fields, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else "; see docs/templates.md"
        return f"{type(owner).__name__} has no field '{name}'{hint}"


def check_inheritance(tpl: Templates, name: str) -> None:
    """Refuse overrides whose blocks the parent lacks, and templates that extend themselves.

    A block the parent does not define is never shown: ``{% block key_mesages %}`` would drop
    the team's text without a word. ``{% extends "country.html" %}`` in a team's own
    ``country.html`` finds itself first on the search path and recurses without end.

    Args:
        tpl: The template search path.
        name: The template to check, with each template it extends.

    Raises:
        TemplateError: Naming the template file and line, with a did-you-mean or a hint.
    """
    known = tpl.checked.get(name)
    if known is not None and all(stamp(Path(f)) == version for f, version in known):
        return
    first, seen = name, list[str]()
    while True:
        source, filename = _source(tpl, name)
        if Path(filename).is_relative_to(tpl.folders[-1]):
            break  # the bundled defaults are sound (their tests say so); parsing them is slow
        if filename in seen:
            chain = " -> ".join(display_path(Path(f)) for f in [*seen, filename])
            raise TemplateError(f"{chain}: templates that extend each other in a loop")
        seen.append(filename)
        tree = tpl.env_for(name).parse(source, name, filename)
        parent = _parent(tree)
        if parent is None:
            break
        where = f"{display_path(Path(filename))}:{parent[1]}"
        if _source(tpl, parent[0])[1] == filename:
            raise TemplateError(
                f"{where}: {name} extends itself; write "
                f'{{% extends "default:{parent[0]}" %}} to extend the bundled {parent[0]}'
            )
        _check_blocks(tpl, tree, filename, parent[0])
        name = parent[0]
    tpl.checked[first] = tuple((f, stamp(Path(f))) for f in seen)


def _source(tpl: Templates, name: str) -> tuple[str, str]:
    assert tpl.env.loader is not None
    source, filename, _ = tpl.env.loader.get_source(tpl.env, name)
    return source, filename or name


def _parent(tree: nodes.Template) -> tuple[str, int] | None:
    """The name and line of the template this one extends, if it names one plainly."""
    for node in tree.find_all(nodes.Extends):
        if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
            return node.template.value, node.lineno
    return None


def _check_blocks(tpl: Templates, tree: nodes.Template, filename: str, parent: str) -> None:
    known = _blocks_of_chain(tpl, parent)
    for block in _outer_blocks(tree):
        if block.name not in known:
            close = difflib.get_close_matches(block.name, sorted(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise TemplateError(
                f"{display_path(Path(filename))}:{block.lineno}: block '{block.name}' is not "
                f"defined in {parent}, so its content would never show{hint}"
            )


def _outer_blocks(node: nodes.Node) -> list[nodes.Block]:
    """Blocks not inside another block: those must override one of the parent's.

    A block nested in an override is new, and shown where it stands; a child may override it.
    """
    found = []
    for child in node.iter_child_nodes():
        found.extend([child] if isinstance(child, nodes.Block) else _outer_blocks(child))
    return found


def _blocks_of_chain(tpl: Templates, name: str) -> set[str]:
    """Every block a template and the templates it extends define."""
    found: set[str] = set()
    for _ in range(20):  # a chain this deep is a loop; the render reports it
        template = tpl.env_for(name).get_template(name)
        found.update(template.blocks)
        parent = _parent_name(tpl, name)
        if parent is None:
            break
        name = parent
    return found


_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_EXTENDS = re.compile(r"""\{%-?\s*extends\s+(["'])([^"']+)\1""")


def _parent_name(tpl: Templates, name: str) -> str | None:
    source, filename = _source(tpl, name)
    if Path(filename).is_relative_to(tpl.folders[-1]):
        # A bundled template extends plainly, if at all: a pattern finds it in microseconds,
        # where parsing takes tens of milliseconds.
        match = _EXTENDS.search(_COMMENT.sub("", source))
        return match[2] if match else None
    parent = _parent(tpl.env_for(name).parse(source, name, filename))
    return parent[0] if parent else None


@dataclass(frozen=True)
class Templates:
    """A template search path and the sandboxed environment that reads it.

    Attributes:
        folders: The team's folders, in order, then the bundled defaults last.
        env: The Jinja environment of HTML templates (it escapes for HTML).
        markdown: The Jinja environment of Markdown templates (it escapes for Markdown).
        checked: Templates whose inheritance :func:`check_inheritance` found sound (parsing
            takes tens of milliseconds), with the files it read and their stamps: a worker
            that lives on (``serve``'s) checks a template again once one of them changes.
    """

    folders: tuple[Path, ...]
    env: SandboxedEnvironment
    markdown: SandboxedEnvironment
    checked: dict[str, tuple[tuple[str, tuple[int, int, int, int] | None], ...]] = (
        dataclasses.field(default_factory=dict, compare=False, repr=False)
    )

    def env_for(self, name: str) -> SandboxedEnvironment:
        """The environment that renders ``name``: its suffix says how values are escaped.

        Raises:
            TemplateError: A suffix no escaping is known for: a template of an unknown kind
                would print profile text unescaped.
        """
        suffix = Path(name.rpartition(":")[2]).suffix
        if suffix == ".md":
            return self.markdown
        if suffix == ".html":
            return self.env
        raise TemplateError(f"{name}: templates are .html or .md files")

    def find(self, name: str) -> Path:
        """Return the first file called ``name`` along the search path (for CSS and images).

        The path is resolved and must be a file inside its folder, never a hidden one.

        Raises:
            TemplateError: No folder has it (the message lists the folders tried), or the file
                found may not be used (the message says why).
        """
        if hidden(name) or Path(name).is_absolute() or ".." in Path(name).parts:
            raise TemplateError(f"{name}: hidden files and paths leaving a folder are refused")
        for folder in self.folders:
            candidate = folder / name
            if os.path.lexists(candidate):
                try:
                    return confined(candidate, folder)
                except Refused as exc:
                    raise TemplateError(f"{display_path(candidate)}: refused: {exc}") from None
        tried = ", ".join(display_path(f) for f in self.folders)
        raise TemplateError(f"{name}: not found in the template folders ({tried})")


TEMPLATE_SUFFIXES = (".html", ".md")
"""Files of a template folder that are templates (the rest are styles, fonts and images)."""


_TRANSLATABLE = re.compile(r"_\s*\(|gettext|trans")
"""What a template that writes a translatable message contains (``_(``, ``ngettext(``,
``pgettext(``, ``{% trans %}``); a file without any of them is not parsed for messages."""


def team_messages(folders: Sequence[Path]) -> tuple[TeamMessage, ...]:
    """Every message the templates of the team's folders write, with its file and line.

    ``{{ _("Prepared by our team") }}`` in an override is translated like the tool's own
    messages, so ``translations init`` and ``update`` add it to the team's catalog and a build
    in another language warns while it is untranslated. Parsing takes about 6 s a MB in this
    process: a build reads them with ``pipeline.team_messages``, which parses much template
    text in a worker under the render limits.

    Raises:
        TemplateError: A template cannot be read or parsed (the message names its line).
    """
    return messages_of(team_sources(folders))


def team_sources(
    folders: Sequence[Path], holding: re.Pattern[str] = _TRANSLATABLE, what: str = "write messages"
) -> list[tuple[Path, str]]:
    """The team's templates that may write a message, each with its text.

    Each file is read as templates are (inside its folder, never hidden, bounded), once however
    many links or folders lead to it.

    Args:
        folders: The team's template folders.
        holding: What a template's text holds for it to be kept (by default, a message).
        what: What the kept templates do, for the message when they hold too much text.

    Raises:
        TemplateError: A template cannot be read, or those kept hold more than
            ``TEAM_TEMPLATE_CHARACTERS`` together.
    """
    sources: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    total = 0
    for folder in folders:
        try:
            files = [p for p in folder_files(folder) if p.suffix in TEMPLATE_SUFFIXES]
        except Refused as exc:
            raise TemplateError(f"{display_path(folder)}: {exc}") from None
        for path in files:
            if hidden(path.relative_to(folder)) or not path.is_file():
                continue
            real = path.resolve()
            if real in seen:
                continue  # a link to a template read already, or a folder named twice
            seen.add(real)
            try:
                source = read_inside(path, folder, TEMPLATE_BYTES).decode("utf-8")
            except (Refused, UnicodeDecodeError) as exc:
                raise TemplateError(f"{display_path(path)}: refused: {exc}") from None
            if holding.search(source):
                total += len(source)
                if total > TEAM_TEMPLATE_CHARACTERS:
                    raise TemplateError(
                        f"{display_path(folder)}: the team's templates that {what} hold "
                        f"more than {TEAM_TEMPLATE_CHARACTERS:,} characters together; a team's "
                        "overrides are a few kB"
                    )
                sources.append((path, source))
    return sources


TEAM_TEMPLATE_CHARACTERS = 16 * 1024 * 1024
"""Most text of the team's templates read for their messages (Jinja parses about 6 s a MB, so
more could not be read within the render limit anyway), or for their links."""


def messages_of(sources: Sequence[tuple[Path, str]]) -> tuple[TeamMessage, ...]:
    """The messages of templates already read (see :func:`team_messages`).

    Raises:
        TemplateError: A template cannot be parsed (the message names its line).
    """
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    found: list[TeamMessage] = []
    for path, source in sources:
        try:
            extracted = list(env.extract_translations(source))  # type: ignore[attr-defined]
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{display_path(path)}:{exc.lineno}: {exc.message}") from None
        except RecursionError:  # Jinja's parser recurses once per bracket
            raise TemplateError(
                f"{display_path(path)}: an expression is nested too deeply to read"
            ) from None
        found.extend(m for line, fn, msg in extracted if (m := _message(path, line, fn, msg)))
    return tuple(found)


def _message(path: Path, line: int, function: str, message: Any) -> TeamMessage | None:
    """A message as Jinja extracts it (a string, or a tuple with None for variables)."""
    strings = message if isinstance(message, tuple) else (message,)
    if not all(isinstance(s, str) for s in strings[:2]) or not strings[0]:
        return None  # a message built from a variable cannot be translated ahead of time
    if function == "ngettext" and len(strings) >= 2:
        return TeamMessage((strings[0], strings[1]), None, path, line)
    if function == "pgettext" and len(strings) >= 2:
        return TeamMessage(strings[1], strings[0], path, line)
    return TeamMessage(strings[0], None, path, line)


def confined(path: Path, folder: Path) -> Path:
    """Return ``path`` resolved, if it is a regular file inside ``folder``.

    Raises:
        Refused: It leads outside, or is not a regular file.
    """
    real = inside(path, folder)
    if not real.is_file():
        raise Refused("it is not a regular file")
    return real


def templates(folders: Sequence[Path] = (), project_root: Path | None = None) -> Templates:
    """Create the template search path: ``folders`` first, then the bundled templates.

    Args:
        folders: A team's template folders, most specific first.
        project_root: The folder of the project file: no template folder may hold it.

    Raises:
        TemplateError: A folder does not exist, or could expose secrets (the message says why).
    """
    for folder in folders:
        if not folder.is_dir():
            raise TemplateError(f"{display_path(folder)}: template folder not found")
        risk = secret_risk(folder, project_root, CONFIG_NAME)
        if risk:
            raise TemplateError(
                f"{display_path(folder)}: cannot be a template folder: {risk}; templates can "
                "read every file in their folders, so keep only templates, styles, fonts and "
                "images there"
            )
    default = bundled("templates")
    search = (*(f.resolve() for f in folders), default.resolve())
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"default": ConfinedLoader(default.resolve())}, delimiter=":"),
            ConfinedLoader(search),
        ]
    )
    return Templates(search, _environment(loader, markdown=False), _environment(loader, True))


def _environment(loader: jinja2.BaseLoader, markdown: bool) -> BoundedSandbox:
    """A sandboxed environment escaping every value for HTML, or for Markdown.

    Both autoescape: values are escaped as they are printed, and what is already safe (a
    macro's output, a translated message with its values escaped) is marked so and printed as
    it is. For Markdown a value is first escaped for Markdown (``finalize``) and marked safe, so
    the HTML escaping that follows leaves it alone; the filters that escape for HTML on their
    own are replaced or removed.
    """
    env = BoundedSandbox(
        loader=loader,
        autoescape=True,
        undefined=HintedUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        finalize=_markdown_value if markdown else None,
    )
    # Jinja's i18n extension formats each message with its named values and escapes them;
    # the functions it wraps translate into the language of the brief being rendered (set by
    # the worker) and put in the team's terms.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n_templates.gettext,
        i18n_templates.ngettext,
        newstyle=True,
        pgettext=i18n_templates.pgettext,
    )
    env.globals["long_date"] = i18n_templates.long_date
    env.globals["page_numbers"] = i18n_templates.page_numbers
    if markdown:
        env.globals.update(
            gettext=_markdown_gettext, ngettext=_markdown_ngettext, pgettext=_markdown_pgettext
        )
        env.globals["link"] = _markdown_link
        env.filters["yaml"] = _yaml
        for name in ("escape", "e", "forceescape"):
            env.filters[name] = _markdown_value
        env.filters.update(join=_markdown_join, replace=_markdown_replace)
        for name in ("urlize", "xmlattr", "tojson"):  # HTML, not Markdown
            del env.filters[name]
    return env


def _markdown_value(value: Any) -> Markup:
    """A value printed in a Markdown template: escaped, unless it is already (a macro's).

    Profile text in another language (:class:`i18n.Quoted`) is text here: Markdown has no
    language tags, and its ``__html__`` is for web pages.
    """
    if hasattr(value, "__html__") and not isinstance(value, Quoted):
        return Markup(value.__html__())
    return Markup(markdown.escape(str(value)))


def _markdown_format(text: str, variables: dict[str, Any]) -> Markup:
    return Markup(text % {key: str(_markdown_value(v)) for key, v in variables.items()})


@jinja2.pass_context
def _markdown_gettext(__context: Context, __string: str, **variables: Any) -> Markup:
    text = __context.call(i18n_templates.gettext, __string, markdown=True)
    return _markdown_format(str(text), variables)


@jinja2.pass_context
def _markdown_ngettext(
    __context: Context, __singular: str, __plural: str, __num: int, **variables: Any
) -> Markup:
    variables.setdefault("num", __num)
    text = __context.call(i18n_templates.ngettext, __singular, __plural, __num, markdown=True)
    return _markdown_format(str(text), variables)


@jinja2.pass_context
def _markdown_pgettext(
    __context: Context, __string_ctx: str, __string: str, **variables: Any
) -> Markup:
    variables.setdefault("context", __string_ctx)
    text = __context.call(i18n_templates.pgettext, __string_ctx, __string, markdown=True)
    return _markdown_format(str(text), variables)


def _yaml(value: Any) -> Markup:
    """``{{ brief.title|yaml }}``: a value quoted for YAML front matter (not Markdown-escaped)."""
    return Markup(markdown.yaml_string(str(value)))


def _markdown_link(text: Any, url: Any) -> Markup:
    """``{{ link(note.title, note.url) }}``: a web or mail link, or the text alone."""
    return Markup(markdown.link(str(text), str(url)))


@jinja2.pass_environment
def _markdown_join(
    environment: jinja2.Environment, value: Any, d: str = "", attribute: Any = None
) -> Markup:
    if attribute is not None:
        value = map(jinja2.filters.make_attrgetter(environment, attribute), value)
    return Markup(str(_markdown_value(d)).join(str(_markdown_value(v)) for v in value))


def _markdown_replace(value: Any, old: str, new: str, count: int | None = None) -> Any:
    # Plain text stays plain (and is escaped when printed); safe text stays safe.
    times = -1 if count is None else count
    if hasattr(value, "__html__"):
        return Markup(str(value).replace(old, str(_markdown_value(new)), times))
    return str(value).replace(str(old), str(new), times)


def render(
    tpl: Templates,
    name: str,
    brief: BriefContext,
    *,
    medium: str = "screen",
    subject: str,
    max_chars: int = Limits().html_chars,
    allow_scripts: bool = False,
) -> str:
    """Render one brief template to text.

    An HTML template rendered for the screen is one self-contained file: its stylesheets, logo
    and images are inlined. For print (the PDF and Word makers) they are left out: the makers
    take the stylesheets and fetch the files themselves. Other templates inline nothing. A
    Markdown brief gets the front matter the tool writes (:func:`markdown.front_matter`).

    Args:
        tpl: The template search path.
        name: Template name, e.g. ``country.html`` or ``comparative.md``.
        brief: The context.
        medium: ``screen`` or ``print``; templates see it as ``medium``.
        subject: What is being rendered, for error messages (``profiles/thailand.yaml``).
        max_chars: Longest text accepted; rendering stops as soon as it is passed.
        allow_scripts: The HTML brief's policy lets inline scripts run (``security_policy``
            says so); never for print.

    Raises:
        TemplateError: Naming the template file and line, and the subject.
    """
    try:
        check_inheritance(tpl, name)
        template = tpl.env_for(name).get_template(name)
        inline = medium == "screen" and name.endswith(".html")
        styles = Markup(stylesheet_block(tpl, brief, max_chars)) if inline else Markup("")
        logo = logo_uri(tpl, brief)
        policy = Markup(inert.csp_meta(allow_scripts=allow_scripts and medium == "screen"))
        chunks = template.generate(
            brief=brief,
            inline_styles=styles,
            logo_uri=logo,
            medium=medium,
            security_policy=policy,
        )
        text = _bounded(chunks, max_chars, name)
        if inline:  # the HTML brief is one file; the PDF maker fetches its own files
            text = assets.inline_images(text, tpl.folders[0], name, max_chars)
        if name.endswith(".md"):  # front matter is written from data, never by a template
            text = markdown.page(brief, text)
        return text
    except jinja2.TemplateSyntaxError as exc:
        file = display_path(Path(exc.filename)) if exc.filename else name
        line = exc.lineno if exc.filename else 0
        raise TemplateError(exc.message or "", template=file, line=line, subject=subject) from None
    except jinja2.TemplateNotFound as exc:
        tried = ", ".join(display_path(f) for f in tpl.folders)
        file, line = _template_frame(exc, tpl, name)
        problem = f"template '{exc.name}' not found in {tried}"
        raise TemplateError(problem, template=file, line=line, subject=subject) from None
    except TemplateError as exc:
        raise exc.about(subject) from None
    except MemoryError:
        raise  # a memory error is the worker's to report, with its limit
    except Exception as exc:  # sandbox violations, undefined names, errors inside filters
        file, line = _template_frame(exc, tpl, name)
        raise TemplateError(str(exc), template=file, line=line, subject=subject) from None


def _bounded(chunks: Iterator[str], max_chars: int, name: str) -> str:
    out, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > max_chars:
            problem = f"the output passed the limit of {max_chars // MB:,} MB ([limits] html_mb)"
            raise TemplateError(problem, template=name)
        out.append(chunk)
    return "".join(out)


def _template_frame(exc: BaseException, tpl: Templates, name: str) -> tuple[str, int]:
    """The template file and line an error was raised at, whatever the template's suffix.

    Jinja rewrites tracebacks so template lines appear as frames of the template file: the
    last frame whose file lies in a template folder is where it happened.
    """
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename)
        if any(path.is_relative_to(folder) for folder in tpl.folders):
            return display_path(path), frame.lineno or 0
    return name, 0


def stylesheet_text(tpl: Templates, brief: BriefContext) -> list[tuple[str, Path]]:
    """Return each stylesheet's text and the folder its URLs are relative to.

    The ``@font-face`` rules of the team's fonts come first (see :func:`font_faces`).

    Args:
        tpl: The template search path.
        brief: The context (its ``stylesheets`` names the files, its brand the fonts).
    """
    return [*font_faces(tpl, brief), *((t, path.parent) for t, path in _stylesheets(tpl, brief))]


def font_faces(tpl: Templates, brief: BriefContext) -> list[tuple[str, Path]]:
    """Return an ``@font-face`` rule for each team font, with the template folder it is in.

    The URL is relative to that folder: the PDF maker fetches the font through its confined
    fetcher and embeds it, and the HTML brief inlines it as a ``data:`` URI. The page
    furniture (running header and footer) gets the brand's font stack too, so it is set in
    the team's fonts as the body is, not in whatever font fontconfig falls back to.

    Raises:
        TemplateError: A font is missing or refused (the message names it).
    """
    out = []
    for font in brief.brand.fonts:
        path = tpl.find(font.file)
        root = next(f for f in tpl.folders if path.is_relative_to(f))  # find() confined it
        out.append((fonts.font_face(font, path.relative_to(root).as_posix()), root))
    if out:
        out.append((f"@page {{ font-family: {brief.brand.font}; }}\n", out[0][1]))
    return out


def _stylesheets(tpl: Templates, brief: BriefContext) -> list[tuple[str, Path]]:
    out = []
    for css in brief.stylesheets:
        path = tpl.find(css)
        try:
            out.append((_read(path, TEMPLATE_BYTES).decode("utf-8"), path))
        except UnicodeDecodeError as exc:
            where = f"{display_path(path)}: byte {exc.start}"
            raise TemplateError(f"{where} is not valid UTF-8; save it as UTF-8") from None
    return out


def stylesheet_block(tpl: Templates, brief: BriefContext, max_chars: int) -> str:
    """Return the stylesheets as one ``<style>`` element for self-contained HTML.

    Images and fonts they name with ``url()`` are inlined as data URIs, all of it at most
    ``max_chars`` long. ``</`` is escaped so a stylesheet can never close the element and
    inject markup.
    """
    sheets = [(css, root, root, "[brand] fonts") for css, root in font_faces(tpl, brief)]
    for text, path in _stylesheets(tpl, brief):
        root = next(f for f in tpl.folders if path.is_relative_to(f))  # find() confined it
        sheets.append((text, path.parent, root, display_path(path)))
    texts: list[str] = []
    for text, folder, root, shown in sheets:
        before = sum(map(len, texts))
        texts.append(assets.inline_css_urls(text, folder, root, shown, max_chars, before))
    css = "\n".join(texts)
    return "<style>\n" + css.replace("</", "<\\/") + "\n</style>"


def logo_uri(tpl: Templates, brief: BriefContext) -> str:
    """Return the brand logo as a ``data:`` URI (so HTML stays one file), or ``""``."""
    if not brief.brand.logo:
        return ""
    path = tpl.find(brief.brand.logo)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if not mime.startswith("image/"):
        raise TemplateError(f"{brief.brand.logo}: the logo must be an image, not {mime}")
    return f"data:{mime};base64,{base64.b64encode(_read(path, ASSET_BYTES)).decode('ascii')}"


def _read(path: Path, max_bytes: int) -> bytes:
    try:
        return read_regular(path, max_bytes)
    except Refused as exc:
        raise TemplateError(f"{display_path(path)}: refused: {exc}") from None
