"""story-monitor: watch news feeds for developing stories and flag the new claims."""

__version__ = "0.1.0"
