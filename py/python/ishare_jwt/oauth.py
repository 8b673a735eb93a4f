"""The token endpoint's side of ``POST /connect/token``, for any web framework:
read the request, verify its assertion, answer.

::

    try:
        request = oauth.parse_token_request(form)
        client = verifier.verify(request.client_assertion, client_id=request.client_id)
    except (oauth.OAuthError, ishare_jwt.IshareJwtError) as refused:
        status, headers, body = oauth.error_response(refused)
    else:
        status, headers, body = oauth.token_response(issue_token_for(client), 3600)

Thin wrappers over the core (RFC 6749 §4.4, §5.1, §5.2 with an RFC 7523 client
assertion): every rule, status and error code comes from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import List, Optional, Tuple, Union

from . import _native
from ._native import TOKEN_RESPONSE_HEADERS, IshareJwtError, OAuthError, TokenRequest

__all__ = [
    "TOKEN_RESPONSE_HEADERS",
    "OAuthError",
    "Response",
    "TokenRequest",
    "error_response",
    "parse_token_request",
    "token_response",
]

#: ``(status, headers, body)``: the HTTP status, the headers as (name, value)
#: pairs (``Content-Type: application/json``, ``Cache-Control: no-store``,
#: ``Pragma: no-cache``) and the JSON body text.
Response = Tuple[int, List[Tuple[str, str]], str]


def parse_token_request(form: Union[Mapping[str, str], str, bytes]) -> TokenRequest:
    """The parts of a token request: ``form`` is the raw
    ``application/x-www-form-urlencoded`` body (``str`` or ``bytes``) or the form
    the web framework parsed. A multi-valued form (Werkzeug's ``MultiDict``,
    Django's ``QueryDict``, Starlette's ``FormData``) is read with every value,
    so a parameter sent twice is refused.

    Raises ``OAuthError`` (``invalid_request``, ``unsupported_grant_type``,
    ``invalid_client``) when the form is wrong; the assertion itself is not
    verified here (``Verifier.verify`` does that).
    """
    if isinstance(form, (str, bytes)):
        return _native.parse_token_request_body(form)
    if not callable(getattr(form, "items", None)):
        raise TypeError(
            f"a token request is a mapping, str or bytes, not {type(form).__name__}"
        )
    return _native.parse_token_request_pairs(_pairs(form))


def error_response(error: Union[OAuthError, IshareJwtError]) -> Response:
    """The answer to a refused token request: an ``OAuthError`` from
    ``parse_token_request``, or any ``IshareJwtError`` the library raised (a
    refused assertion is ``invalid_client``, a full replay cache
    ``temporarily_unavailable`` 503, the library's own fault ``server_error`` 500)."""
    answer = getattr(error, "_oauth_answer", None)
    if not isinstance(error, (OAuthError, IshareJwtError)) or answer is None:
        raise TypeError(
            "error_response takes an OAuthError or IshareJwtError raised by ishare_jwt, "
            f"not {type(error).__name__}"
        )
    status, body = answer
    return status, list(TOKEN_RESPONSE_HEADERS), body


def token_response(access_token: str, expires_in: int, *, scope: Optional[str] = None) -> Response:
    """The answer that issues ``access_token`` (a Bearer token good for
    ``expires_in`` seconds, for ``scope`` when given)."""
    body = _native.token_response_body(access_token, expires_in, scope)
    return 200, list(TOKEN_RESPONSE_HEADERS), body


def _pairs(form: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every (name, value) of a parsed form, each name as often as it was sent."""
    multi_items = getattr(form, "multi_items", None)  # Starlette
    if callable(multi_items):
        return list(multi_items())
    getlist = getattr(form, "getlist", None)  # Werkzeug, Django
    if callable(getlist):
        return [(name, value) for name in form for value in getlist(name)]
    return list(form.items())  # a dict; multidict's items() repeats names
