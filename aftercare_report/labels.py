"""Labels for closed sets (actors, horizons) as briefs and the terminal show them."""

from __future__ import annotations

from collections.abc import Mapping

from aftercare_report.model import Actor, Horizon

ACTOR_LABELS: Mapping[Actor, str] = {
    "government": "Government",
    "parliament": "Parliament",
    "donors": "Donors",
    "ngos": "NGOs",
    "service_providers": "Service providers",
    "international": "International partners",
}
HORIZON_LABELS: Mapping[Horizon, str] = {
    "immediate": "Immediately",
    "short_term": "Within 1-2 years",
    "long_term": "Longer term",
}
