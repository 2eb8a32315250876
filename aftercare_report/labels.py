"""Labels for closed sets (institution roles, horizons, country roles) as briefs show them.

Marked for translation here, translated where they are shown (``_(label)``).
"""

from __future__ import annotations

from collections.abc import Mapping

from aftercare_report.i18n import N_
from aftercare_report.model import Horizon, Institution, Role

INSTITUTION_LABELS: Mapping[Institution, str] = {
    "legislature": N_("Legislature"),
    "government": N_("Government"),
    "lead_agency": N_("Lead agency"),
    "nrm_body": N_("Identification authority"),
    "justice": N_("Justice"),
    "immigration": N_("Immigration"),
    "child_protection": N_("Child protection"),
    "donors": N_("Donors"),
}
HORIZON_LABELS: Mapping[Horizon, str] = {
    "immediate": N_("Now"),
    "short_term": N_("Within 1-2 years"),
    "long_term": N_("Longer term"),
}
ROLE_LABELS: Mapping[Role, str] = {
    "origin": N_("origin"),
    "transit": N_("transit"),
    "destination": N_("destination"),
}
