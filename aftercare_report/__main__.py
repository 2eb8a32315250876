"""Allow ``python -m aftercare_report``."""

from aftercare_report.cli import main

main()
