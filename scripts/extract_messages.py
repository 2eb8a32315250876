"""Extract every message the tool writes into aftercare_report/locale/aftercare_report.pot.

Run after changing a message in the code or the bundled templates; then `--update` merges the
template into the shipped catalogs (French, Spanish), where new or changed messages wait for a
translator (a test fails until they are translated).

    python scripts/extract_messages.py           # write the template
    python scripts/extract_messages.py --check   # exit 1 if the template is out of date
    python scripts/extract_messages.py --update  # also merge it into every shipped catalog
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aftercare_report import i18n  # noqa: E402
from aftercare_report.terms import GENDER_KEYS, TERM_KEYS  # noqa: E402

METHODS = [
    ("aftercare_report/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.md", "jinja2"),
]
JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}
OPTIONS = {"templates/**.html": JINJA, "templates/**.md": JINJA}
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # the template has no clock in it


def extract() -> bytes:
    """The message template, as bytes: stable (no dates, no line numbers) so diffs mean change."""
    catalog = Catalog(
        project="aftercare-report",
        domain=i18n.DOMAIN,
        msgid_bugs_address="",
        copyright_holder="aftercare-report maintainers",
        fuzzy=False,
    )
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    for key in (*TERM_KEYS, *GENDER_KEYS.values()):
        catalog.add(
            i18n.TERM_MESSAGES[key],
            context=i18n.TERM_CONTEXT,
            auto_comments=["The default form of a term; teams can change it in [terms]."],
        )
    for message in i18n.DERIVED.values():
        catalog.add(
            message,
            auto_comments=["A form of a term the team did not give, made from the forms it gave."],
            flags=["python-format"],
        )
    found = extract_from_dir(
        str(ROOT), METHODS, options_map=OPTIONS, keywords=KEYWORDS, strip_comment_tags=True
    )
    for filename, _lineno, message, comments, context in found:
        if filename == "aftercare_report/i18n.py":
            continue  # the functions themselves
        catalog.add(
            message,
            locations=[(filename, None)],
            auto_comments=comments,
            context=context,
        )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_lineno=False, sort_by_file=False)
    # Babel stamps its own version in the header; drop it so another Babel writes the same file.
    return re.sub(rb'"Generated-By: [^"]*"\n', b"", buffer.getvalue())


def update(template: bytes) -> list[Path]:
    """Merge the template into each shipped catalog, keeping translations."""
    from babel.messages.pofile import read_po

    pot = read_po(io.BytesIO(template))
    written = []
    for language in i18n.shipped()[1:]:
        path = i18n.catalog_path(language)
        catalog = i18n.read_catalog(path, language)
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=100, include_lineno=False, sort_by_file=False)
        path.write_bytes(buffer.getvalue())
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    """Write (or check) the template, and with ``--update`` merge it into the catalogs."""
    template = extract()
    if "--check" in argv:
        if not i18n.TEMPLATE.is_file() or i18n.TEMPLATE.read_bytes() != template:
            print(f"{i18n.TEMPLATE}: out of date; run python scripts/extract_messages.py")
            return 1
        return 0
    i18n.TEMPLATE.write_bytes(template)
    print(f"wrote {i18n.TEMPLATE.relative_to(ROOT)}")
    if "--update" in argv:
        for path in update(template):
            print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
