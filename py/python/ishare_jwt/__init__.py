"""Create and verify iSHARE client assertions.

An iSHARE party authenticates to another party's token endpoint with a
client assertion: an RS256-signed JWT carrying its certificate chain in
``x5c``.

Client (the ids and files of the repository's test PKI, ``testdata/pki/``)::

    signer = ishare_jwt.Signer.from_files("client-eori.key.pem", "client-eori.chain.pem", "EU.EORI.NL000000101")
    tokens = ishare_jwt.TokenClient(signer)
    token = tokens.access_token("EU.EORI.NL000000100", "https://server.example/connect/token")

(``ishare_jwt.auth.IshareAuth`` puts that token on every request of a requests
session or an httpx client.) A key that never leaves its device or key service
signs through a callback: ``Signer.from_callback(chain_pem, client_id, sign)``,
or ``AsyncSigner.from_callback`` for an async one.

Server (``ishare_jwt.oauth`` reads the token request and writes the answers)::

    verifier = ishare_jwt.Verifier("EU.EORI.NL000000100", [root_sha256])
    request = ishare_jwt.oauth.parse_token_request(form_body)
    assertion = verifier.verify(request.client_assertion, client_id=request.client_id)

Every error is an :class:`IshareJwtError`; its subclass (``ExpiredError``,
``SignatureError``, ``ReplayError``, ...) and ``.kind`` name what was wrong.
The implementation is the Rust crate ``ishare-jwt`` (``ishare_jwt._native``).
"""

from . import oauth as oauth
from ._async_signer import AsyncSigner
from ._client import TokenClient
from ._native import *  # noqa: F403  (_native.__all__ lists the names)
from ._native import __all__ as __all__
from ._native import __version__ as __version__

# A new list: _native's stays what its stub says.
__all__ = [*__all__, "AsyncSigner", "TokenClient"]
