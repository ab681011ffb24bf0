"""pretix over its REST API: orders in since a watermark, check-ins (and their undoing) out.

Endpoints (pretix's API documentation, checked against a real pretix in the tests):
``GET /api/v1/organizers/{o}/events/{e}/orders/?modified_since=…&ordering=last_modified``
(pages of 50 with ``next``; the first page's ``X-Page-Generated`` header is the next
watermark), the event (``valid_keys``), its items, categories and questions,
``revokedsecrets/`` and ``blockedsecrets/``; ``POST /api/v1/organizers/{o}/checkinrpc/redeem/``
and ``…/checkinrpc/annul/``. The API token travels only in the Authorization header.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from kiosk.connectors import http
from kiosk.connectors.base import (
    CheckinPush,
    ConnectorProblem,
    Pulled,
    PushAnswer,
    PushVerdict,
    WithdrawnCodes,
)
from kiosk.connectors.pretix_orders import Catalogue, localized, order_rows
from kiosk.core.pretix_codes import SIG1, raw_key_from_pretix

SYSTEM = "pretix"
PRESET = "pretix"
# Orders a page: pretix's own default, said out loud so a change of default changes nothing.
PAGE_SIZE = 50

# pretix's answers to a check-in, in words for the organisers (never pretix's own text,
# which may quote the person's data).
REASONS = {
    "already_redeemed": "pretix had this person checked in already before this check-in.",
    "canceled": "pretix says this order is cancelled; the desk let them in.",
    "unpaid": "pretix says this order is not paid; the desk let them in.",
    "blocked": "pretix says this ticket is blocked; the desk let them in.",
    "invalid": "pretix does not know this ticket code (it may have been re-issued there).",
    "product": "pretix says this ticket's product is not on the check-in list.",
    "rules": "pretix's check-in rules did not allow this entry.",
    "revoked": "pretix says this ticket code was revoked.",
    "error": "pretix could not take this check-in.",
    "too_late": "pretix lets a check-in be undone only within 15 minutes of it; it still "
                "counts this person as checked in. Undo it in pretix if it was a mistake.",
    "not_found": "pretix has no record of the check-in this undoes.",
}


class PretixConnector:
    """One pretix event and check-in list, through one team API token."""

    system = SYSTEM

    def __init__(self, url: str, organizer: str, event: str, token: str,
                 checkin_list: int | None, transport: httpx.BaseTransport | None = None) -> None:
        self.url = http.check_address(url, "the address of your pretix (https://…)")
        self.organizer, self.event = organizer, event
        self.checkin_list = checkin_list or 0  # 0 until connecting chooses the only one
        self.server = http.where(self.url)
        self._client = http.client(self.url.rstrip("/") + "/api/v1/",
                                   {"Authorization": f"Token {token}",
                                    "Accept": "application/json"}, transport)
        self._event_path = f"organizers/{organizer}/events/{event}/"

    def close(self) -> None:
        self._client.close()

    # -- asking -------------------------------------------------------------------------

    def _request(self, method: str, path: str, **options: Any) -> httpx.Response:
        answer = http.sent(lambda: self._client.request(method, path, **options),
                           SYSTEM, self.server)
        if answer.status_code == 401:
            raise ConnectorProblem(
                f"pretix at {self.server} refused the API token: it was revoked, or it is "
                "not the whole token. In pretix, make a new one (Organizer → Teams → your "
                "team → API tokens) and connect again with it.", lasting=True)
        return answer

    def _json(self, path: str, params: dict[str, Any] | None = None, what: str = "") -> Any:
        answer = self._request("GET", path, params=params)
        if answer.status_code == 404 and path == self._event_path:
            raise ConnectorProblem(
                f"pretix at {self.server} has no event “{self.event}” of the organizer "
                f"“{self.organizer}” that this token can see. Check both short names (in "
                "the event's address in pretix) and the token's team's events.", lasting=True)
        if answer.status_code == 403:
            raise ConnectorProblem(f"The API token may not {what or 'read this'}. {_GRANT}",
                                   lasting=True)
        if answer.status_code != 200:
            raise ConnectorProblem(f"pretix at {self.server} answered {answer.status_code} "
                                   f"when asked for {what or path}.", lasting=True)
        try:
            return answer.json()
        except ValueError:
            raise ConnectorProblem(f"pretix at {self.server} answered with something that is "
                                   "not pretix's API. Check the address.", lasting=True) from None

    def _pages(self, path: str, params: dict[str, Any], what: str
               ) -> Iterator[tuple[list[dict[str, Any]], str]]:
        """Each page's results and its X-Page-Generated header, following ``next``."""
        answer = self._request("GET", path, params={**params, "page_size": PAGE_SIZE})
        while True:
            if answer.status_code == 403:
                raise ConnectorProblem(f"The API token may not {what}. {_GRANT}", lasting=True)
            if answer.status_code != 200:
                raise ConnectorProblem(f"pretix at {self.server} answered "
                                       f"{answer.status_code} when asked for {what}.",
                                       lasting=True)
            body = answer.json()
            yield body.get("results", []), answer.headers.get("X-Page-Generated", "")
            following = body.get("next")
            if not following:
                return
            # ``next`` is pretix's own absolute address of the next page: same server only.
            if http.where(following) != self.server:
                raise ConnectorProblem(f"pretix at {self.server} sent the next page from "
                                       "another server; nothing more was read.", lasting=True)
            answer = self._request("GET", following)

    # -- the protocol -------------------------------------------------------------------

    def only_checkin_list(self) -> int:
        """The event's check-in list when it has just one; else which to choose from."""
        lists = [(item.get("id"), str(item.get("name", ""))) for results, _ in
                 self._pages(self._event_path + "checkinlists/", {}, "see the check-in lists")
                 for item in results if isinstance(item, dict)]
        if len(lists) == 1 and isinstance(lists[0][0], int):
            return lists[0][0]
        if not lists:
            raise ConnectorProblem("This event has no check-in list in pretix. Make one "
                                   "(Check-in → Check-in lists), then connect again.",
                                   lasting=True)
        named = ", ".join(f"{number} “{name}”" for number, name in lists)
        raise ConnectorProblem(f"This event has {len(lists)} check-in lists in pretix: "
                               f"{named}. Say which the desks check people in to (--list "
                               "NUMBER).", lasting=True)

    def check(self) -> list[str]:
        """Ask pretix what this token may do; what is missing, in plain words."""
        self._json(self._event_path, what="see this event")
        missing = []
        answer = self._request("GET", self._event_path + "orders/", params={"page_size": 1})
        if answer.status_code == 403:
            missing.append("read the orders (team permission “Orders: View all”), so kiosk "
                           "cannot bring registrations in")
        answer = self._request("GET", self._event_path + f"checkinlists/{self.checkin_list}/")
        if answer.status_code == 404:
            missing.append(f"use check-in list {self.checkin_list}: this event has no such list "
                           "(its number is in the list's address in pretix)")
        elif answer.status_code == 403:
            missing.append("see the check-in lists")
        simulated = self._request("POST", f"organizers/{self.organizer}/checkinrpc/redeem/", json={
            "secret": "kiosk-permission-check", "lists": [self.checkin_list],
            "simulate": True, "questions_supported": False})
        if simulated.status_code == 403 or (simulated.status_code == 400
                                            and "lists" in simulated.text):
            missing.append("check people in (team permission “Orders: check-in”, or “View "
                           "all and check-in”), so kiosk cannot send the desks' check-ins")
        return missing

    def pull(self, watermark: str) -> Pulled:
        details = self._json(self._event_path, what="see this event")
        catalogue = self._catalogue(details)
        params: dict[str, Any] = {"ordering": "last_modified",
                                  "include_canceled_positions": "true"}
        if watermark:
            params["modified_since"] = watermark
        orders: dict[str, dict[str, Any]] = {}
        next_watermark = ""
        for results, generated in self._pages(self._event_path + "orders/", params,
                                              "read the orders"):
            # The first page's time: orders changed while later pages were read come again.
            next_watermark = next_watermark or generated
            for order in results:
                orders[order["code"]] = order  # changed during the paging: its last state
        rows = order_rows(orders.values(), catalogue)
        return Pulled(
            source=f"pretix {self.organizer}/{self.event}", watermark=next_watermark or watermark,
            changed=bool(orders), rows=rows, preset=PRESET, complete=not watermark,
            codes=self._codes(details))

    def _catalogue(self, details: dict[str, Any]) -> Catalogue:
        locale = str(details.get("locale") or "en")
        catalogue = Catalogue(locale=locale)
        for results, _ in self._pages(self._event_path + "items/", {}, "read the products"):
            catalogue.items.update({item["id"]: item for item in results})
        for results, _ in self._pages(self._event_path + "categories/", {},
                                      "read the product categories"):
            catalogue.categories.update({c["id"]: localized(c.get("name"), locale)
                                         for c in results})
        for results, _ in self._pages(self._event_path + "questions/", {},
                                      "read the questions"):
            catalogue.questions.update({q["id"]: q for q in results})
        return catalogue

    def _codes(self, details: dict[str, Any]) -> WithdrawnCodes:
        published = (details.get("valid_keys") or {}).get(SIG1) or []
        keys = []
        for key in published:
            try:
                keys.append(raw_key_from_pretix(key))
            except ValueError:
                continue  # a key of another kind: pretix's random secrets need none
        if not keys:
            return WithdrawnCodes()
        revoked = [r["secret"] for results, _ in self._pages(
            self._event_path + "revokedsecrets/", {}, "read the revoked ticket codes")
            for r in results]
        blocked = [b["secret"] for results, _ in self._pages(
            self._event_path + "blockedsecrets/", {"blocked": "true"},
            "read the blocked ticket codes") for b in results if b.get("blocked")]
        return WithdrawnCodes(tuple(keys), tuple(sorted(revoked)), tuple(sorted(blocked)))

    def push(self, item: CheckinPush) -> PushAnswer:
        if item.kind == "void":
            return self._annul(item)
        if item.sent_before and self._already_there(item):
            return PushAnswer(PushVerdict.ALREADY)
        answer = self._request("POST", f"organizers/{self.organizer}/checkinrpc/redeem/", json={
            "secret": item.code, "lists": [self.checkin_list], "type": "entry",
            "datetime": item.at,
            # Made at a desk that could not ask pretix: pretix records it whatever it thinks,
            # and its opinion is read from the answer.
            "force": True, "nonce": item.change_id, "questions_supported": False,
            "canceled_supported": True})
        self._refuse_permission(answer, "check people in")
        body = _body(answer)
        if answer.status_code in (200, 201) and body.get("status") == "ok":
            return PushAnswer(PushVerdict.PUSHED, *_opinion(body.get("position") or {},
                                                            self.checkin_list, item.at))
        reason = str(body.get("reason") or "error")
        if answer.status_code == 400 and "lists" in body:
            reason = "error"
        return PushAnswer(PushVerdict.REFUSED, reason, REASONS.get(reason, REASONS["error"]))

    def _annul(self, item: CheckinPush) -> PushAnswer:
        answer = self._request("POST", f"organizers/{self.organizer}/checkinrpc/annul/", json={
            "lists": [self.checkin_list], "nonce": item.target_id, "datetime": item.at})
        self._refuse_permission(answer, "undo check-ins")
        if answer.status_code in (200, 201):
            return PushAnswer(PushVerdict.PUSHED)
        text = answer.text
        if "unsuccessful" in text:  # annulled already: an earlier try's answer was lost
            return PushAnswer(PushVerdict.ALREADY)
        reason = "too_late" if "15 minutes" in text else (
            "not_found" if answer.status_code == 404 else "error")
        return PushAnswer(PushVerdict.REFUSED, reason, REASONS[reason])

    def _refuse_permission(self, answer: httpx.Response, what: str) -> None:
        if answer.status_code == 403:
            raise ConnectorProblem(f"The API token may not {what}. {_GRANT}", lasting=True)

    def _already_there(self, item: CheckinPush) -> bool:
        """Whether an earlier try, whose answer was lost, reached pretix: a check-in on this
        list at this very time is on the position."""
        code, _, position_id = item.reference.partition("-")
        if not code or not position_id:
            return False
        answer = self._request("GET", self._event_path + f"orders/{code}/")
        if answer.status_code != 200:
            return False
        for position in _body(answer).get("positions", []):
            if str(position.get("positionid")) == position_id:
                return any(_same_time(c.get("datetime"), item.at)
                           for c in position.get("checkins", [])
                           if c.get("list") == self.checkin_list and c.get("type") == "entry")
        return False


_GRANT = ("In pretix, give the token's team that permission (Organizer → Teams), or make a "
          "token in a team that has it, and connect again.")


def _body(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _same_time(theirs: Any, ours: str) -> bool:
    try:
        return datetime.fromisoformat(str(theirs).replace("Z", "+00:00")) == \
            datetime.fromisoformat(ours)
    except ValueError:
        return False


def _opinion(position: dict[str, Any], checkin_list: int, at: str) -> tuple[str, str]:
    """What pretix thinks of a check-in it took (forced): its reason code and our words, or
    nothing when it had no objection."""
    status = position.get("order__status")
    if status in ("c", "e"):
        return "canceled", REASONS["canceled"]
    if position.get("blocked"):
        return "blocked", REASONS["blocked"]
    if status == "n" and not position.get("order__valid_if_pending"):
        return "unpaid", REASONS["unpaid"]
    earlier = [c for c in position.get("checkins", [])
               if c.get("list") == checkin_list and c.get("type") == "entry"
               and not _same_time(c.get("datetime"), at)]
    if earlier:
        return "already_redeemed", REASONS["already_redeemed"]
    return "", ""
