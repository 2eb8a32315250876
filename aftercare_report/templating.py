"""Render brief templates safely: a sandbox, autoescaping, strict variables, a search path.

Templates come from a team's folders first, then the bundled defaults; ``default:NAME`` always
means the bundled template, so an override can extend the very template it replaces. Profile text
only ever enters as escaped data: ``{{ 7*7 }}`` in a profile prints as written.
"""

from __future__ import annotations

import base64
import mimetypes
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from aftercare_report.context import BriefContext
from aftercare_report.errors import TemplateError, display_path
from aftercare_report.resources import bundled


class ConfinedLoader(jinja2.FileSystemLoader):
    """A file loader that refuses templates whose real path leaves their folder.

    Jinja already refuses ``..`` in template names, but follows symlinks: a pull request adding
    ``passwd.html -> /etc/passwd`` could otherwise ``{% include %}`` any file on the runner.
    """

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """Load ``template``, refusing it if its resolved path lies outside every folder."""
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(Path(folder).resolve()) for folder in self.searchpath):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


@dataclass(frozen=True)
class Templates:
    """A template search path and the sandboxed environment that reads it.

    Attributes:
        folders: The team's folders, in order, then the bundled defaults last.
        env: The Jinja environment.
    """

    folders: tuple[Path, ...]
    env: SandboxedEnvironment

    def find(self, name: str) -> Path:
        """Return the first file called ``name`` along the search path (for CSS and images).

        Raises:
            TemplateError: No folder has it; the message lists the folders tried.
        """
        for folder in self.folders:
            candidate = (folder / name).resolve()
            if candidate.is_file() and candidate.is_relative_to(folder.resolve()):
                return candidate
        tried = ", ".join(display_path(f) for f in self.folders)
        raise TemplateError(f"{name}: not found in the template folders ({tried})")


def templates(folders: Sequence[Path] = ()) -> Templates:
    """Create the template search path: ``folders`` first, then the bundled templates.

    Args:
        folders: A team's template folders, most specific first.

    Raises:
        TemplateError: A folder does not exist.
    """
    for folder in folders:
        if not folder.is_dir():
            raise TemplateError(f"{display_path(folder)}: template folder not found")
    default = bundled("templates")
    search = (*(f.resolve() for f in folders), default.resolve())
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"default": ConfinedLoader(default)}, delimiter=":"),
            ConfinedLoader(search),
        ]
    )
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Templates(search, env)


def render(
    tpl: Templates, name: str, brief: BriefContext, *, inline_css: bool, subject: str
) -> str:
    """Render one brief template to an HTML string.

    Args:
        tpl: The template search path.
        name: Template name, e.g. ``country.html``.
        brief: The context.
        inline_css: Inline the stylesheets (self-contained HTML) or leave them out (for PDF,
            where WeasyPrint receives them directly).
        subject: What is being rendered, for error messages (``profiles/thailand.yaml``).

    Raises:
        TemplateError: Naming the template file and line, and the subject.
    """
    try:
        template = tpl.env.get_template(name)
        styles = Markup(stylesheet_block(tpl, brief)) if inline_css else Markup("")
        medium = "screen" if inline_css else "print"
        return template.render(
            brief=brief, inline_styles=styles, logo_uri=logo_uri(tpl, brief), medium=medium
        )
    except jinja2.TemplateSyntaxError as exc:
        where = f"{display_path(Path(exc.filename))}:{exc.lineno}" if exc.filename else name
        raise TemplateError(f"{where}: {exc.message} (rendering {subject})") from None
    except jinja2.TemplateNotFound as exc:
        tried = ", ".join(display_path(f) for f in tpl.folders)
        where = _template_frame(exc, name)
        msg = f"{where}: template '{exc.name}' not found in {tried} (rendering {subject})"
        raise TemplateError(msg) from None
    except TemplateError:
        raise
    except Exception as exc:  # sandbox violations, undefined names, errors inside filters
        raise TemplateError(f"{_template_frame(exc, name)}: {exc} (rendering {subject})") from None


def _template_frame(exc: BaseException, name: str) -> str:
    # Jinja rewrites tracebacks so template lines appear as frames of the template file.
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".j2"))
    ]
    if frames:
        return f"{display_path(Path(frames[-1].filename))}:{frames[-1].lineno}"
    return name


def stylesheet_text(tpl: Templates, brief: BriefContext) -> list[tuple[str, Path]]:
    """Return each stylesheet's text and the folder it came from.

    Args:
        tpl: The template search path.
        brief: The context (its ``stylesheets`` names the files).
    """
    out = []
    for css in brief.stylesheets:
        path = tpl.find(css)
        try:
            out.append((path.read_text(encoding="utf-8"), path.parent))
        except UnicodeDecodeError as exc:
            where = f"{display_path(path)}: byte {exc.start}"
            raise TemplateError(f"{where} is not valid UTF-8; save it as UTF-8") from None
    return out


def stylesheet_block(tpl: Templates, brief: BriefContext) -> str:
    """Return the stylesheets as one ``<style>`` element for self-contained HTML.

    ``</`` is escaped so a stylesheet can never close the element and inject markup.
    """
    css = "\n".join(text for text, _ in stylesheet_text(tpl, brief))
    return "<style>\n" + css.replace("</", "<\\/") + "\n</style>"


def logo_uri(tpl: Templates, brief: BriefContext) -> str:
    """Return the brand logo as a ``data:`` URI (so HTML stays one file), or ``""``."""
    if not brief.brand.logo:
        return ""
    path = tpl.find(brief.brand.logo)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if not mime.startswith("image/"):
        raise TemplateError(f"{brief.brand.logo}: the logo must be an image, not {mime}")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
