"""A published sheet: a CSV or XLSX at a web address, fetched with conditional requests.

A Google Sheets "publish to the web" link, a form's response sheet, any server. Each pull
asks with the ETag and Last-Modified of the last answer (If-None-Match, If-Modified-Since);
"304 Not Modified" costs nothing, and a server that ignores them is caught by comparing the
content's digest. The whole sheet is read each time it changed, so it is a complete list.
Check-ins are not written back: a sheet has nowhere to take them.
"""

from __future__ import annotations

import hashlib
import json

import httpx

from kiosk.connectors import http
from kiosk.connectors.base import CheckinPush, ConnectorProblem, Pulled, PushAnswer

SYSTEM = "sheet"
# The most a sheet may weigh: a registration list of 100,000 people is some 20 MB of CSV.
LARGEST = 50 * 1024 * 1024


class SheetConnector:
    system = SYSTEM

    def __init__(self, url: str, transport: httpx.BaseTransport | None = None) -> None:
        self.url = http.check_address(url, "the sheet's published address")
        self.server = http.where(self.url)
        self._client = httpx.Client(timeout=http.TIMEOUT_S, transport=transport,
                                    follow_redirects=True)  # publish links redirect

    def close(self) -> None:
        self._client.close()

    def check(self) -> list[str]:
        self._fetch({})
        return []

    def pull(self, watermark: str) -> Pulled:
        before = json.loads(watermark) if watermark else {}
        headers = {}
        if before.get("etag"):
            headers["If-None-Match"] = before["etag"]
        if before.get("modified"):
            headers["If-Modified-Since"] = before["modified"]
        answer = self._fetch(headers)
        if answer.status_code == 304:
            return Pulled(source="the published sheet", watermark=watermark, changed=False)
        data = answer.content
        digest = hashlib.sha256(data).hexdigest()
        now = json.dumps({"etag": answer.headers.get("ETag", ""),
                          "modified": answer.headers.get("Last-Modified", ""),
                          "digest": digest})
        return Pulled(source="the published sheet", watermark=now,
                      changed=digest != before.get("digest"), data=data, complete=True)

    def _fetch(self, headers: dict[str, str]) -> httpx.Response:
        def ask() -> httpx.Response:
            with self._client.stream("GET", self.url, headers=headers) as answer:
                size = int(answer.headers.get("Content-Length") or 0)
                if size > LARGEST:
                    raise ConnectorProblem(f"The sheet at {self.server} is {size:,} bytes, more "
                                           "than a registration list can be.", lasting=True)
                body = b""
                for chunk in answer.iter_bytes():
                    body += chunk
                    if len(body) > LARGEST:
                        raise ConnectorProblem(f"The sheet at {self.server} is larger than a "
                                               "registration list can be.", lasting=True)
                return httpx.Response(answer.status_code, headers=answer.headers,
                                      content=body, request=answer.request)
        answer = http.sent(ask, "The published sheet", self.server)
        if answer.status_code in (401, 403, 404, 410):
            raise ConnectorProblem(
                f"The sheet at {self.server} is not there to read (it answered "
                f"{answer.status_code}): check that it is still published to the web and that "
                "the address is the published one (Google Sheets: File → Share → Publish to "
                "the web, as CSV).", lasting=True)
        if answer.status_code not in (200, 304):
            raise ConnectorProblem(f"The sheet at {self.server} answered "
                                   f"{answer.status_code}.", lasting=True)
        return answer

    def push(self, item: CheckinPush) -> PushAnswer:
        raise ConnectorProblem("A published sheet takes no check-ins back; export them with "
                               "`kiosk export EVENT.db --what checkins`.", lasting=True)
