"""Create and verify iSHARE client assertions.

An iSHARE party authenticates to another party's token endpoint with a
client assertion: an RS256-signed JWT carrying its certificate chain in
``x5c``.

Client::

    signer = ishare_jwt.Signer.from_files("key.pem", "chain.pem", "EU.EORI.NL000000001")
    form = signer.token_request("EU.EORI.NL000000000")

Server::

    verifier = ishare_jwt.Verifier("EU.EORI.NL000000000", [root_sha256])
    assertion = verifier.verify(form["client_assertion"], client_id=form["client_id"])

Every error is an :class:`IshareJwtError`; its subclass (``ExpiredError``,
``SignatureError``, ``ReplayError``, ...) and ``.kind`` name what was wrong.
The implementation is the Rust crate ``ishare-jwt`` (``ishare_jwt._native``).
"""

from ._native import *  # noqa: F403  (_native.__all__ lists the names)
from ._native import __all__ as __all__
from ._native import __version__ as __version__
