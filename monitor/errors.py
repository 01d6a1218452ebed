"""Exceptions raised by story-monitor.

The tree, converted from library errors at the boundaries (``raise ... from e``)::

    MonitorError
     ├── ConfigError      bad or missing configuration (names file, key, expectation)
     ├── StoreError       DuckDB could not be opened, migrated or written
     ├── FetchError       a feed, page or URL could not be fetched
     │    ├── BlockedURLError   scheme or address refused by the network guard
     │    ├── TooLargeError     body exceeded its size cap while streaming
     │    ├── DeadlineError     the whole exchange outlived total_timeout_s
     │    └── HTTPStatusError   the server answered with an error status
     └── ParseError       a feed or page was fetched but could not be understood

One broken feed, page or channel is recorded on its row; only ConfigError and StoreError
stop a run.
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base class of every error story-monitor raises on purpose."""


class ConfigError(MonitorError):
    """The configuration file or a setting is invalid."""


class StoreError(MonitorError):
    """The database could not be opened, migrated or written."""


class FetchError(MonitorError):
    """A URL could not be fetched."""

    def __init__(self, message: str, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class BlockedURLError(FetchError):
    """The URL's scheme or resolved address is refused by the network guard."""


class TooLargeError(FetchError):
    """The response body exceeded its size cap."""


class DeadlineError(FetchError):
    """The whole exchange (DNS, connect, TLS, headers, redirects, body) outlived its deadline."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(
        self,
        message: str,
        url: str = "",
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message, url, status)
        self.retry_after_s = retry_after_s


class ParseError(MonitorError):
    """A fetched feed or page could not be parsed."""
