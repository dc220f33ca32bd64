"""One error hierarchy for the whole of spkg.

    KGError
    ├── ConfigError            a setting has a bad value
    ├── LoadError              an input file cannot be read or parsed (exit 2)
    │   └── ParseError         syntax error, with file, line and column
    ├── StoreError             the store is missing, locked or unusable
    │   └── StorageError       a disk is full or read-only: nothing can be written (HTTP 507)
    ├── ValidationFailed       the data violates the SHACL shapes (exit 1)
    ├── QueryError             a query cannot be run (HTTP 400)
    │   ├── QuerySyntaxError   with line and column
    │   ├── UnknownQuery       no canned query of that name (HTTP 404)
    │   ├── BadParameter       a parameter is missing or of the wrong type
    │   │   └── QueryTooLong   the query text (or request body) is over max_query_length
    │   │       └── BodyTooLarge  a request body over the limit, refused unread (HTTP 413)
    │   ├── UnsupportedMediaType  a request body of a type we do not read (HTTP 415)
    │   ├── UpdateRefused      SPARQL Update sent to the read-only endpoint (HTTP 403)
    │   └── ServiceRefused     SERVICE to an endpoint the allowlist does not allow (HTTP 403)
    ├── NotAcceptable          no result format fits the Accept header (HTTP 406)
    ├── MethodNotAllowed       e.g. PUT on /sparql (HTTP 405)
    ├── QueryTimeout           a query ran past its time budget (HTTP 503)
    ├── ServerBusy             every query worker is busy and the queue is full (HTTP 503)
    ├── BudgetExceeded         a client used up its query time for the minute (HTTP 429)
    │   └── WritesTooFrequent  a partner made its writes of the minute
    ├── RemoteServiceError     a SERVICE endpoint failed or answered garbage (HTTP 502)
    ├── Unauthorized           no token, or one no partner holds (HTTP 401)
    ├── Forbidden              a token used outside its partner's graphs (HTTP 403)
    └── NotFound               no such resource (HTTP 404)

Each class carries the HTTP status the web layer answers with and the exit
code the CLI returns, so neither layer needs its own mapping table.
"""

from __future__ import annotations

import re


class KGError(Exception):
    status = 500
    exit_code = 2
    title = "internal error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class ConfigError(KGError):
    status = 500
    title = "bad setting"


class LoadError(KGError):
    status = 400
    title = "cannot load input"


class ParseError(LoadError):
    title = "syntax error"

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None) -> None:
        self.file, self.line, self.column = file, line, column
        where = file or "<input>"
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}", hint=hint)


class StoreError(KGError):
    status = 503
    title = "store unavailable"


class StorageError(StoreError):
    """A file under the store or the project cannot be written: disk full, read-only, no permission."""

    status = 507
    title = "cannot write to disk"

    def __init__(self, message: str, *, what: str, hint: str | None = None) -> None:
        self.what = what  # the fault without the path, for HTTP clients
        super().__init__(message, hint=hint)


# (errno, words in pyoxigraph's messages, what happened, what to do): RocksDB's
# OSErrors carry no errno, only text such as "IO error: No space left on device: …".
_STORAGE_FAULTS = (
    ((28, 122), ("No space left", "quota exceeded"), "no space left on the disk",
     "free some space on that disk or move the folder to a larger one, then try again"),
    ((30,), ("Read-only file system",), "the file system is read-only",
     "remount it read-write, or point store_path / project_dir at a writable folder"),
    ((1, 13), ("Permission denied", "Operation not permitted"), "permission denied",
     "give this user write access to the folder (and check `lsattr` for the immutable flag)"),
)
_PATH = re.compile(r"(?:^|\s)(/[^\s:']+)")


def storage_error(e: OSError, *, public: bool = False) -> StorageError | None:
    """``e`` as a :class:`StorageError` saying what, where and what to do; None if it is another fault.

    ``public``: for HTTP clients, who get neither the server's paths nor its to-do.
    """
    text = str(e).lower()
    for errnos, words, what, todo in _STORAGE_FAULTS:
        if e.errno in errnos or any(w.lower() in text for w in words):
            if public:
                return StorageError(f"the server cannot write to its disk: {what}", what=what,
                                    hint="try again later; the server's operator has to fix the disk first")
            path = e.filename or (m.group(1) if (m := _PATH.search(str(e))) else None)
            return StorageError(f"cannot write {path}: {what}" if path else f"cannot write: {what}", what=what,
                                hint=todo)
    return None


class ValidationFailed(KGError):
    status = 422
    exit_code = 1
    title = "validation failed"

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class QueryError(KGError):
    status = 400
    title = "bad query"


class QuerySyntaxError(QueryError):
    title = "query syntax error"

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        self.line, self.column = line, column
        super().__init__(message)


class UnknownQuery(QueryError):
    status = 404
    title = "unknown query"


class BadParameter(QueryError):
    title = "bad parameter"

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        self.parameter = parameter
        super().__init__(message)


class QueryTooLong(BadParameter):
    title = "query too long"


class BodyTooLarge(QueryTooLong):
    """A request body over the limit: refused as soon as that is known, and the connection closed."""

    status = 413
    title = "request body too large"


class UnsupportedMediaType(QueryError):
    status = 415
    title = "unsupported media type"


class UpdateRefused(QueryError):
    status = 403
    title = "update refused"


class ServiceRefused(QueryError):
    status = 403
    title = "SERVICE refused"


class NotAcceptable(KGError):
    status = 406
    title = "not acceptable"


class MethodNotAllowed(KGError):
    status = 405
    title = "method not allowed"

    def __init__(self, message: str, *, allow: tuple[str, ...] = ("GET", "POST")) -> None:
        self.allow = allow
        super().__init__(message)


class ServerBusy(KGError):
    status = 503
    title = "server busy"


class BudgetExceeded(KGError):
    """A client used up its query time (setting ``client_query_seconds``); ``retry_after`` in seconds."""

    status = 429
    title = "query budget used up"

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message, hint=hint)


class WritesTooFrequent(BudgetExceeded):
    """A partner made its writes of the minute (setting ``partner_writes_per_minute``)."""

    title = "too many writes"


class RemoteServiceError(KGError):
    status = 502
    title = "remote SERVICE failed"


class QueryTimeout(KGError):
    status = 503
    title = "query timeout"


class AnswerTooLarge(KGError):
    """An answer a page or an API response would hold whole that is larger than it may hold."""

    status = 503
    title = "answer too large"


class QueryOutOfMemory(KGError):
    """A query that needed more memory than a query worker may use (setting query_memory)."""

    status = 503
    title = "query out of memory"

    @classmethod
    def past(cls, mib: int) -> QueryOutOfMemory:
        """The error for a query stopped at a cap of ``mib`` MiB (raised in the worker, or by its parent)."""
        return cls(f"the query needed more than {mib:,} MiB of memory and was stopped (setting query_memory)",
                   hint="make it more selective: fewer joined patterns, a LIMIT, no sort of a large result")


class NotFound(KGError):
    status = 404
    title = "not found"


class Unauthorized(KGError):
    """No token, or one no partner holds (HTTP 401)."""

    status = 401
    title = "unauthorized"


class Forbidden(KGError):
    """A valid token for a graph outside its partner's prefix (HTTP 403)."""

    status = 403
    title = "forbidden"


class StoreUnreachable(StoreError):
    """The external store refused the connection or answered with a server error (HTTP 502)."""

    status = 502
    title = "external store unreachable"


class StoreBadAnswer(StoreError):
    """The external store answered something that is not what was asked for (HTTP 502)."""

    status = 502
    title = "bad answer from the external store"


class StoreTimeout(StoreError):
    """The external store did not answer in time (HTTP 504)."""

    status = 504
    title = "external store timeout"
