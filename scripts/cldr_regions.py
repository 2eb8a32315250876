"""Write aftercare_report/data/regions.json: the UN M.49 region of every country, from CLDR.

Babel carries CLDR's territory names (in every language) but not its territory containment, so
``new COUNTRY`` reads that from this file, extracted from CLDR's ``supplementalData.xml`` as
Debian's ``unicode-cldr-core`` ships it. Run it again when CLDR changes a region (rarely):

    apt-get install unicode-cldr-core && python scripts/cldr_regions.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

CLDR = Path("/usr/share/unicode/cldr/common")
OUT = Path(__file__).resolve().parent.parent / "aftercare_report" / "data" / "regions.json"


def containment(root: ET.Element) -> dict[str, str]:
    """Each territory and region's direct container, UN M.49 groups only (no EU, no grouping)."""
    parent: dict[str, str] = {}
    for group in root.iter("group"):
        if group.get("status") or group.get("grouping"):
            continue  # deprecated codes, and overlapping groupings (EU, Sub-Saharan Africa)
        for member in (group.get("contains") or "").split():
            parent[member] = group.attrib["type"]
    return parent


def main() -> None:
    """Read CLDR's containment and version, write the JSON file."""
    source = CLDR / "supplemental" / "supplementalData.xml"
    if not source.is_file():
        sys.exit(f"{source} is missing: apt-get install unicode-cldr-core")
    root = ET.parse(source).getroot()
    # The XML carries no version number; Debian's package version is CLDR's (41-0.1: CLDR 41).
    cldr = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", "unicode-cldr-core"],
        capture_output=True,
        text=True,
    ).stdout.split("-")[0]
    data = {
        "about": "UN M.49 containment from Unicode CLDR's supplementalData.xml, written by "
        "scripts/cldr_regions.py; each code maps to the region that directly contains it.",
        "cldr": cldr,
        "parent": dict(sorted(containment(root).items())),
    }
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} (CLDR {cldr}, {len(data['parent'])} codes)")


if __name__ == "__main__":
    main()
