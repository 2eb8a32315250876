"""Labels for closed sets (institution roles, horizons) as briefs and the terminal show them."""

from __future__ import annotations

from collections.abc import Mapping

from aftercare_report.model import Horizon, Institution

INSTITUTION_LABELS: Mapping[Institution, str] = {
    "legislature": "Legislature",
    "government": "Government",
    "lead_agency": "Lead agency",
    "nrm_body": "Identification authority",
    "justice": "Justice",
    "immigration": "Immigration",
    "child_protection": "Child protection",
    "donors": "Donors",
}
HORIZON_LABELS: Mapping[Horizon, str] = {
    "immediate": "Now",
    "short_term": "Within 1-2 years",
    "long_term": "Longer term",
}
