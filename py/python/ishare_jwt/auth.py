"""``IshareAuth``: a ``TokenClient``'s access token on every request of a
``requests`` session or an ``httpx`` client, renewed once when the server
answers 401.

Importing this module imports requests and httpx if they are installed (their
auth base classes); ``import ishare_jwt`` alone imports neither.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, Generator
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

from ._client import TokenClient

if TYPE_CHECKING:
    import httpx
    import requests
    from httpx import Auth as _HttpxAuth
    from requests.auth import AuthBase as _RequestsAuth
else:
    try:
        from requests.auth import AuthBase as _RequestsAuth
    except ImportError:

        class _RequestsAuth:
            """Stands in for requests.auth.AuthBase: requests is not installed."""

    try:
        from httpx import Auth as _HttpxAuth
    except ImportError:

        class _HttpxAuth:
            """Stands in for httpx.Auth: httpx is not installed."""


__all__ = ["IshareAuth"]

_T = TypeVar("_T")


class IshareAuth(_RequestsAuth, _HttpxAuth):
    """Sends ``Authorization: Bearer <token>`` with the access token of ``client``
    for ``server_id`` at ``token_url``. When the server answers 401, the token is
    renewed (unless another request renewed it already) and the request sent
    once more.

    requests: ``session.auth = IshareAuth(...)`` (or ``auth=`` per request).
    httpx: ``httpx.Client(auth=...)`` or ``httpx.AsyncClient(auth=...)``; the
    async flow fetches tokens in a worker thread, never blocking the event loop.
    """

    # httpx: read the request body before the flow, so the retry can resend it.
    requires_request_body = True

    def __init__(
        self, client: TokenClient, server_id: str, token_url: str, *, scope: str = "iSHARE"
    ) -> None:
        if not isinstance(client, TokenClient):
            raise TypeError(
                f"client must be an ishare_jwt.TokenClient, not {type(client).__name__}"
            )
        self.client = client
        self.server_id = server_id
        self.token_url = token_url
        self.scope = scope

    def __repr__(self) -> str:
        return (
            f"IshareAuth(server_id={self.server_id!r}, token_url={self.token_url!r}, "
            f"scope={self.scope!r})"
        )

    def _token(self) -> str:
        return self.client.access_token(self.server_id, self.token_url, scope=self.scope)

    def _renewed(self, refused: str) -> str:
        return self.client._renew(self.server_id, self.token_url, self.scope, refused)

    # requests: AuthBase.__call__ and a response hook.

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = _bearer(self._token())
        request.register_hook("response", self._retry_on_401)  # type: ignore[no-untyped-call]
        return request

    def _retry_on_401(self, response: requests.Response, **send: Any) -> requests.Response:
        """requests' response hook: on 401, the same request once more with a
        renewed token (as requests' own HTTPDigestAuth resends)."""
        sent = response.request
        refused = _token_of(sent.headers.get("Authorization"))
        # None: requests took the token off, redirecting to another host,
        # which is not to have one.
        if response.status_code != 401 or refused is None:
            return response
        from requests.cookies import extract_cookies_to_jar
        from requests.utils import rewind_body

        token = self._renewed(refused)
        response.content  # noqa: B018  (read it, so the connection can be reused)
        response.close()
        retry = sent.copy()
        if getattr(retry, "_body_position", None) is not None:
            rewind_body(retry)
        cookies = retry._cookies  # type: ignore[attr-defined]
        extract_cookies_to_jar(cookies, sent, response.raw)  # type: ignore[no-untyped-call]
        retry.prepare_cookies(cookies)
        retry.headers["Authorization"] = _bearer(token)
        # The adapter sends without running the hooks again: one retry only.
        answer: requests.Response = response.connection.send(retry, **send)
        answer.history.append(response)
        answer.request = retry
        return answer

    # httpx: Auth.sync_auth_flow and Auth.async_auth_flow.

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._token()
        request.headers["Authorization"] = _bearer(token)
        response = yield request
        if _refused(response, token):
            request.headers["Authorization"] = _bearer(self._renewed(token))
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self.client._cached_token(self.server_id, self.token_url, self.scope)
        if token is None:
            token = await _in_thread(self._token)
        request.headers["Authorization"] = _bearer(token)
        response = yield request
        if _refused(response, token):
            request.headers["Authorization"] = _bearer(await _in_thread(self._renewed, token))
            yield request


def _bearer(token: str) -> str:
    return f"Bearer {token}"


def _refused(response: httpx.Response, token: str) -> bool:
    """A 401 to ``token`` (not to a request redirected to another host, from
    which httpx took the token off)."""
    sent = response.request.headers.get("Authorization")
    return response.status_code == 401 and sent == _bearer(token)


def _token_of(authorization: Optional[str]) -> Optional[str]:
    if authorization is None or not authorization.startswith("Bearer "):
        return None
    return authorization[len("Bearer ") :]


async def _in_thread(function: Callable[..., _T], *args: Any) -> _T:
    """Runs the blocking ``function`` in a worker thread of the running event
    loop (asyncio or trio, through anyio, which httpx depends on)."""
    import anyio.to_thread

    return await anyio.to_thread.run_sync(functools.partial(function, *args))
