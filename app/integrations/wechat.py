"""WeChat mini-program login: ``jscode2session`` over httpx.

The answer carries a ``session_key``: it is handed to the domain (which encrypts it at once)
and is never logged, and the request URL (which carries the AppSecret and the login code) is
kept out of httpx's own request log.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from app.domain.accounts.ports import WechatRejected, WechatSession, WechatUnreachable

log = logging.getLogger("lianjian.wechat")

PATH = "/sns/jscode2session"


class _RedactJscode2session(logging.Filter):
    """httpx logs every request URL at INFO; ours has the AppSecret in the query."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(
            isinstance(a, httpx.URL) and a.path.endswith(PATH) for a in record.args
        ):
            record.args = tuple(
                a.copy_with(query=None) if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


_httpx_log = logging.getLogger("httpx")
if not any(isinstance(f, _RedactJscode2session) for f in _httpx_log.filters):
    _httpx_log.addFilter(_RedactJscode2session())


class WechatClient:
    """The domain's WechatGateway port."""

    def __init__(
        self,
        *,
        base_url: str,
        appid: str,
        secret: str,
        timeout_seconds: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + PATH
        self.appid = appid
        self._secret = secret
        self.timeout = httpx.Timeout(timeout_seconds)
        self.transport = transport

    def __repr__(self) -> str:
        return f"WechatClient(url={self.url!r}, appid={self.appid!r})"

    async def code_to_session(self, code: str) -> WechatSession:
        params = {
            "appid": self.appid,
            "secret": self._secret,
            "js_code": code,
            "grant_type": "authorization_code",
        }
        try:
            async with httpx.AsyncClient(timeout=self.timeout, transport=self.transport) as http:
                response = await http.get(self.url, params=params)
        except httpx.HTTPError as exc:
            # Only the class name: an exception's text or request may carry the URL.
            log.warning("wechat unreachable", extra={"error": type(exc).__name__})
            raise WechatUnreachable from None
        if response.status_code != 200:
            log.warning("wechat http error", extra={"status": response.status_code})
            raise WechatUnreachable
        data = _json_object(response.content)
        if data is None:
            log.warning("wechat answered something other than a JSON object")
            raise WechatUnreachable
        errcode = data.get("errcode")
        if isinstance(errcode, int) and errcode != 0:
            errmsg = data.get("errmsg")
            log.warning(
                "wechat refused the login code",
                extra={"errcode": errcode, "errmsg": str(errmsg)[:200] if errmsg else ""},
            )
            raise WechatRejected(errcode)
        openid = data.get("openid")
        session_key = data.get("session_key")
        unionid = data.get("unionid")
        if not _short_text(openid) or not isinstance(session_key, str) or not session_key:
            log.warning("wechat answer lacks openid or session_key")
            raise WechatUnreachable
        assert isinstance(openid, str)
        return WechatSession(
            openid=openid,
            session_key=session_key,
            unionid=unionid if _short_text(unionid) else None,
        )


def _json_object(content: bytes) -> dict[str, Any] | None:
    # WeChat answers JSON, sometimes labelled text/plain: parse regardless of content type.
    try:
        data = json.loads(content)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _short_text(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 64
