"""Keep secrets out of the logs: partner tokens, credentials in URLs.

Tokens travel in ``Authorization`` headers, which nothing logs; but a client
may still put one in a URL (``?access_token=…``), and uvicorn's access log,
when it is on, prints URLs whole. :func:`redact` blanks the values of
secret-looking URL parameters, ``Bearer …`` credentials and anything shaped
like a spkg token; :class:`RedactSecrets` applies it to a logger's records.
"""

from __future__ import annotations

import logging
import re

from kg.write.tokens import PREFIX as TOKEN_PREFIX

REDACTED = "[redacted]"

#: URL or form parameters whose values are credentials.
SECRET_PARAMS = frozenset({"access_token", "token", "api_key", "apikey", "key", "password", "secret", "auth",
                           "authorization"})

_PARAM = re.compile(r"(?i)([?&;](?:%s)=)[^&;#\s\"']*" % "|".join(sorted(SECRET_PARAMS)))
_BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s\"',;]+")
_TOKEN = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_\-]{8,}")


def redact(text: str) -> str:
    """``text`` with the values of credentials replaced by ``[redacted]``."""
    text = _PARAM.sub(lambda m: m.group(1) + REDACTED, text)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    return _TOKEN.sub(REDACTED, text)


def is_secret_param(name: str) -> bool:
    return name.lower() in SECRET_PARAMS


class RedactSecrets(logging.Filter):
    """A logging filter that redacts the message and its string arguments (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def install(*names: str) -> None:
    """Add :class:`RedactSecrets` to the named loggers, once each.

    A logger's filters see only the records logged to that very logger, so the
    loggers that print URLs are named here (uvicorn's access log, above all).
    """
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
