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
    "immigration_detention": N_("Immigration detention"),
    "border_custody": N_("Border custody"),
    "immigration_benefits": N_("Residence and immigration decisions"),
    "prosecution": N_("Prosecution"),
    "policing": N_("Police"),
    "policing_subnational": N_("State or provincial police"),
    "courts": N_("Courts"),
    "legal_aid": N_("Legal aid"),
    "compensation": N_("Compensation"),
    "health": N_("Health care"),
    "housing": N_("Housing"),
    "social_services": N_("Social services"),
    "labour": N_("Employment"),
    "child_protection": N_("Child protection"),
    "data_protection": N_("Data protection"),
    "donors": N_("Funders"),
    "justice": N_("Justice"),
    "immigration": N_("Immigration"),
}
"""Each function as the annex's "Who acts" list names it."""
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
