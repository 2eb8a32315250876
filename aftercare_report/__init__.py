"""aftercare-report: country profiles of survivor aftercare in, policy briefs out."""

__version__ = "0.1.0"
