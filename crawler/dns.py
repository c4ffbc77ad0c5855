"""Name resolution that refuses private answers: the crawl never connects to an internal address.

Checking URLs is not enough: ``http://cms.baolamdong.vn/`` looks public and may resolve to
``10.0.0.5``, and a public article may redirect to such a name.  So the check sits where the
address is known, in the resolver Scrapy installs on the reactor (``TWISTED_DNS_RESOLVER``):
every connection, redirects and robots.txt included, asks it first.  An answer that is private,
loopback, link-local, reserved or multicast is refused (``PrivateAnswer``) unless the name is one
of the crawl's own hosts (a source whose homepage itself lives on such an address: the demo and
test sites on 127.0.0.1, an intranet mirror).

Scrapy's caching resolver underneath keeps the first answer for the whole crawl, so the address
the guard middleware vetted before a request is the one the connection uses (no DNS rebinding
between the check and the connect).  ``crawler.middlewares.GuardMiddleware`` asks this resolver
before each request so that a refusal is counted as ``private_address`` and not retried; when the
connection itself resolves, the refusal surfaces as a DNS lookup error.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

logger = logging.getLogger(__name__)


class PrivateAnswer(DNSLookupError):
    """A host name resolved to an address the crawl must not connect to.

    A ``DNSLookupError`` so that Twisted's connection code treats it as a failed lookup.
    """

    def __init__(self, name: str, address: str) -> None:
        super().__init__(f"{name} resolves to the private address {address}: refused")
        self.name = name
        self.address = address


def ip_literal(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address *address* spells (``[…]`` around IPv6 allowed), or None for a host name."""
    try:
        return ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return None


def private_ip(address: str) -> bool:
    """True for an IP literal a public newspaper never lives on (private, loopback, link-local,
    reserved, unspecified, multicast; IPv4-mapped IPv6 unwrapped).  False for anything else."""
    ip = ip_literal(address)
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified or ip.is_multicast


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing private answers for names that are not own hosts.

    The spider names its own hosts with :meth:`trust` when it opens (the resolver is built before
    the spider exists).  Until then, and for every other name, a private answer is refused.
    """

    def __init__(self, reactor: Any, cache_size: int, timeout: float) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.trusted: frozenset[str] = frozenset()

    def trust(self, hosts: Iterable[str]) -> None:
        """Allow private answers for *hosts* (the sources' own configured hosts)."""
        self.trusted = frozenset(h.lower().rstrip(".") for h in hosts)

    def lookup(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        """The unchecked answer for *name* (Scrapy's cache, else the system resolver).

        The one place a test overrides to make a name resolve where it wants, without
        touching the system's resolver.
        """
        return super().getHostByName(name, timeout)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 - Twisted's name
        """Resolve *name*; fail with :class:`PrivateAnswer` when the answer must not be used."""
        d = self.lookup(name, timeout)
        d.addCallback(self._vet, name)
        return d

    def _vet(self, address: str, name: str) -> str:
        if private_ip(address) and name.lower().rstrip(".") not in self.trusted:
            logger.warning("refusing %s: it resolves to the private address %s", name, address)
            raise PrivateAnswer(name, address)
        return address
