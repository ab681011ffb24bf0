"""Refuse request bodies over a size limit before the application reads them."""

from __future__ import annotations

import json
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]


class BodyLimit:
    """ASGI middleware: a body larger than ``limit`` bytes gets 413 and is never parsed."""

    def __init__(self, app: Any, limit: int, by_path: dict[str, int] | None = None) -> None:
        self.app = app
        self.default = limit
        self.by_path = by_path or {}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.by_path.get(scope.get("path", ""), self.default)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Any, limit: int) -> None:
    text = json.dumps({"detail": f"The request is larger than the hub accepts "
                                 f"({limit // (1024 * 1024)} MB). Nothing was stored; "
                                 "send fewer changes at once."})
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": text.encode()})
