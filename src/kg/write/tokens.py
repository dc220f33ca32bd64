"""Partners' write tokens: who may write which graphs through ``/graphs``.

Each token belongs to one partner (a name such as ``ilo-geneva``) and lets it
write the graphs whose IRI starts with the partner's prefix (e.g.
``https://w3id.org/spkg/graph/partner/ilo-geneva/``). The token text is shown
once, when it is made; the file keeps only its SHA-256 (a token is 256 random
bits, so a fast hash is as safe as a slow one) and is written with mode 0600::

    .kg/tokens.json   {"tokens": [{"name": …, "prefix": …, "sha256": …, "created": …}]}

Tokens are never logged; only partner names are.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from kg.rdf import iris, rfc3986
from kg.config import Settings
from kg.errors import ConfigError, Forbidden, Unauthorized  # noqa: F401  (raised here, re-exported)

PREFIX = "spkg_"


@dataclass(frozen=True)
class Partner:
    name: str
    prefix: str
    sha256: str
    created: str

    def may_write(self, graph_iri: str) -> bool:
        """Whether the graph is under the partner's prefix, compared in normal form (RFC 3986):
        ``{prefix}../other/x`` and ``{prefix}%2e%2e/other/x`` are not under it."""
        return rfc3986.normalize(graph_iri).startswith(self.prefix)

    def agent(self, base: str) -> str:
        """The partner as a prov:Agent IRI: ``{base}id/partner/{name}``."""
        return iris.thing("partner", self.name, base)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def load(settings: Settings) -> list[Partner]:
    path = settings.tokens_path
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read {path}: {e}") from None
    return [Partner(**t) for t in data.get("tokens", [])]


def _save(settings: Settings, partners: list[Partner]) -> None:
    path = settings.tokens_path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".new-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"tokens": [asdict(p) for p in sorted(partners, key=lambda p: p.name)]}, fh, indent=2)
        fh.write("\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def add(settings: Settings, name: str, prefix: str) -> tuple[Partner, str]:
    """Make a token for a new partner; returns the partner and the token text (shown once)."""
    if not iris.is_key(name):
        raise ConfigError(f"partner name {name!r} must be lower case letters, digits, '.' and '-'")
    if "://" not in prefix or not prefix.endswith("/"):
        raise ConfigError(f"prefix {prefix!r} must be an absolute IRI ending with '/'")
    if not rfc3986.is_normal(prefix):
        raise ConfigError(f"prefix {prefix!r} is not in normal form (RFC 3986)",
                          hint=f"use {rfc3986.normalize(prefix)!r}")
    partners = iris.partner_graphs(settings.base)
    if not prefix.startswith(partners):
        raise ConfigError(f"prefix {prefix!r} must be under {partners}", hint=f"e.g. {partners}{name}/")
    partners = load(settings)
    if any(p.name == name for p in partners):
        raise ConfigError(f"partner {name!r} has a token already", hint=f"kg token revoke {name} first")
    token = PREFIX + secrets.token_urlsafe(32)
    partner = Partner(name, prefix, _digest(token), datetime.now(timezone.utc).isoformat(timespec="seconds"))
    _save(settings, [*partners, partner])
    return partner, token


def revoke(settings: Settings, name: str) -> bool:
    partners = load(settings)
    kept = [p for p in partners if p.name != name]
    if len(kept) == len(partners):
        return False
    _save(settings, kept)
    return True


def authenticate(settings: Settings, authorization: str | None) -> Partner:
    """The partner whose token the ``Authorization: Bearer …`` header carries; Unauthorized if none."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("this request needs a partner token", hint="send Authorization: Bearer <token>")
    digest = _digest(token)
    found = None
    for p in load(settings):
        if hmac.compare_digest(p.sha256, digest):
            found = p
    if found is None:
        raise Unauthorized("unknown or revoked token")
    return found


def authorize(partner: Partner, graph_iri: str) -> None:
    """Forbidden unless ``partner`` may write the graph (the one place that checks a partner's prefix)."""
    if not partner.may_write(graph_iri):
        raise Forbidden(f"partner {partner.name!r} may write only graphs under <{partner.prefix}>")
