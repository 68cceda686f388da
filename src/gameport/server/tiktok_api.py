"""Async client of TikTok's Open API used by a mini-game backend (A.5, A.6).

* OAuth: :meth:`TikTokApiClient.exchange_code` and :meth:`TikTokApiClient.refresh` (form-encoded
  ``/v2/oauth/token/``; errors ``{error, error_description, log_id}`` → :class:`TikTokOAuthError`).
* Minis trade orders and tiers, authorised with the **paying user's** ``act.`` token (pitfall 4):
  envelope ``{data, error: {code, message, log_id}}``; ``code != "ok"`` → the matching
  :class:`TikTokApiError` subclass.

Retries are bounded (``max_retries``) with a short exponential backoff, and only where repeating is safe:
idempotent calls (query, tier infos, amount check) retry on timeouts, transport errors, 429 and 5xx; calls
with a side effect or a one-time input (order create, code exchange, refresh) retry only when the request
provably never left (connect errors) or was refused before processing (429). Anything else surfaces
to the caller.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .errors import TikTokApiError, TikTokOAuthError, TikTokTransportError, tiktok_api_error
from .unconfirmed import (
    TIKTOK_API_BASE_URL,
    TIKTOK_CHECK_AMOUNTS_PATH,
    TIKTOK_OAUTH_TOKEN_PATH,
    TIKTOK_ORDER_CREATE_PATH,
    TIKTOK_ORDER_QUERY_PATH,
    TIKTOK_TIER_INFOS_PATH,
)


@dataclass(frozen=True)
class TokenSet:
    """A successful ``/v2/oauth/token/`` answer; ``*_expires_at`` are absolute unix times."""

    open_id: str
    access_token: str
    access_expires_at: float
    refresh_token: str
    refresh_expires_at: float
    scope: str


@dataclass(frozen=True)
class TierInfo:
    tier_id: str
    tier_name: str
    token_type: str
    token_amount: int
    price: str
    currency: str
    symbol: str


def _error_fields(payload: object) -> Mapping[str, Any]:
    return payload if isinstance(payload, dict) else {}


class TikTokApiClient:
    """One client per backend; ``transport`` lets tests route to an in-process ASGI app."""

    def __init__(
        self,
        *,
        client_key: str,
        client_secret: str,
        base_url: str = TIKTOK_API_BASE_URL,
        timeout_s: float = 10.0,
        max_retries: int = 2,
        backoff_s: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client_key = client_key
        self._client_secret = client_secret
        self._max_retries = max_retries
        self._backoff_s = backoff_s
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_s, transport=transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, build: httpx.Request, *, idempotent: bool) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self._http.send(build)
            except httpx.ConnectError as exc:
                error: Exception = exc
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if not idempotent:
                    raise TikTokTransportError(f"{build.url.path}: {exc!r}") from exc
                error = exc
            else:
                retryable = response.status_code == 429 or (idempotent and response.status_code >= 500)
                if not retryable or attempt >= self._max_retries:
                    return response
                error = TikTokTransportError(f"HTTP {response.status_code}")
            if attempt >= self._max_retries:
                message = f"{build.url.path}: {error!r} after {attempt + 1} attempts"
                raise TikTokTransportError(message) from error
            await asyncio.sleep(self._backoff_s * (2**attempt))
            attempt += 1

    # -- OAuth ---------------------------------------------------------------------------------------------
    async def _token(self, form: dict[str, str]) -> TokenSet:
        form = {"client_key": self._client_key, "client_secret": self._client_secret, **form}
        request = self._http.build_request("POST", TIKTOK_OAUTH_TOKEN_PATH, data=form)
        response = await self._send(request, idempotent=False)
        try:
            body = _error_fields(response.json())
        except ValueError:
            body = {}
        if response.status_code != 200 or ("error" in body and body.get("error") not in ("", "ok", None)):
            raise TikTokOAuthError(
                str(body.get("error") or f"http_{response.status_code}"),
                str(body.get("error_description", "")),
                str(body.get("log_id", "")),
                response.status_code,
            )
        now = time.time()
        try:
            return TokenSet(
                open_id=str(body["open_id"]),
                access_token=str(body["access_token"]),
                access_expires_at=now + float(body["expires_in"]),
                refresh_token=str(body["refresh_token"]),
                refresh_expires_at=now + float(body["refresh_expires_in"]),
                scope=str(body.get("scope", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise TikTokOAuthError("bad_response", repr(exc), "", response.status_code) from exc

    async def exchange_code(self, code: str) -> TokenSet:
        """Exchange a ``login`` code (no ``redirect_uri`` / ``code_verifier`` for mini games)."""
        return await self._token({"code": code, "grant_type": "authorization_code"})

    async def refresh(self, refresh_token: str) -> TokenSet:
        """Refresh; store the returned refresh token, it may be new."""
        return await self._token({"refresh_token": refresh_token, "grant_type": "refresh_token"})

    # -- Minis business APIs -------------------------------------------------------------------------------
    async def _call(self, path: str, access_token: str, body: dict[str, Any], *, idempotent: bool) -> Any:
        request = self._http.build_request(
            "POST", path, json=body, headers={"Authorization": f"Bearer {access_token}"}
        )
        response = await self._send(request, idempotent=idempotent)
        try:
            payload = _error_fields(response.json())
        except ValueError as exc:
            raise tiktok_api_error("bad_response", "not JSON", "", response.status_code) from exc
        error = _error_fields(payload.get("error"))
        code = str(error.get("code", "ok" if response.status_code == 200 else f"http_{response.status_code}"))
        if code != "ok" or response.status_code != 200:
            raise tiktok_api_error(code, str(error.get("message", "")), str(error.get("log_id", "")),
                                   response.status_code)  # fmt: skip
        data = payload.get("data")
        if not isinstance(data, dict):
            raise tiktok_api_error("bad_response", "missing data", str(error.get("log_id", "")), 200)
        return data

    async def create_trade_order(
        self,
        access_token: str,
        *,
        token_amount: int,
        order_id: str,
        product_name: str,
        product_id: str | None = None,
        quantity: int | None = None,
    ) -> str:
        """Create a Beans trade order for our ``order_id``; returns ``trade_order_id`` (persist it)."""
        order_info: dict[str, Any] = {"order_id": order_id, "product_name": product_name}
        if product_id is not None:
            order_info["product_id"] = product_id
        if quantity is not None:
            order_info["quantity"] = quantity
        body = {"token_type": "BEANS", "token_amount": token_amount, "order_info": order_info}
        data = await self._call(TIKTOK_ORDER_CREATE_PATH, access_token, body, idempotent=False)
        trade_order_id = data.get("trade_order_id")
        if not isinstance(trade_order_id, str) or not trade_order_id:
            raise TikTokApiError("bad_response", "no trade_order_id", "", 200)
        return trade_order_id

    async def query_trade_order(self, access_token: str, trade_order_id: str) -> str:
        """``"PENDING"`` or ``"SUCCESS"``; :class:`OrderNotFoundError` for an unknown order."""
        body = {"trade_order_id": trade_order_id}
        data = await self._call(TIKTOK_ORDER_QUERY_PATH, access_token, body, idempotent=True)
        return str(data.get("trade_order_status", ""))

    async def get_tier_infos(self, access_token: str, tier_ids: list[str]) -> dict[str, TierInfo]:
        body = {"token_type": "BEANS", "tier_ids": tier_ids}
        data = await self._call(TIKTOK_TIER_INFOS_PATH, access_token, body, idempotent=True)
        infos = data.get("tier_infos")
        if not isinstance(infos, dict):
            raise TikTokApiError("bad_response", "no tier_infos", "", 200)
        out = {}
        for key, info in infos.items():
            try:
                out[str(key)] = TierInfo(
                    tier_id=str(info["tier_id"]),
                    tier_name=str(info["tier_name"]),
                    token_type=str(info["token_type"]),
                    token_amount=int(info["token_amount"]),
                    price=str(info["price"]),
                    currency=str(info["currency"]),
                    symbol=str(info.get("symbol", "")),
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise TikTokApiError("bad_response", f"bad tier info {key!r}", "", 200) from exc
        return out

    async def check_redeem_amounts(self, access_token: str, token_amounts: list[int]) -> bool:
        body = {"token_type": "BEANS", "token_amounts": token_amounts}
        data = await self._call(TIKTOK_CHECK_AMOUNTS_PATH, access_token, body, idempotent=True)
        return bool(data.get("valid"))
