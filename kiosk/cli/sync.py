"""The sync commands: ``kiosk hub``, ``hub-import``, ``hub-enrol``, ``hub-forward``,
``hub-devices``, ``connect``, ``sync`` and ``bundle``."""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from kiosk.cli.common import CommandMaker, UserError, command, open_store, print_json

DEFAULT_HUB_DB = "hub.db"


_print_json = print_json


def _hub_log(location: str) -> Any:
    from kiosk.sync.hub_storage import is_postgres, open_hub_log

    if not is_postgres(location) and not Path(location).expanduser().resolve().parent.is_dir():
        raise UserError(f"The folder for {location} does not exist.")
    try:
        return open_hub_log(location)
    except Exception as exc:
        raise UserError(f"Cannot open the hub's database {location}: {exc}") from exc


def _lan_address() -> str:
    """This machine's address on the local network, for tokens when listening everywhere."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def cmd_hub(args: argparse.Namespace) -> int:
    from kiosk.sync.hub_server import hub_certificate, serve
    from kiosk.sync.tls import fingerprint, short_fingerprint

    if bool(args.tls_cert) != bool(args.tls_key):
        raise UserError("Give both --tls-cert and --tls-key, or neither.")
    hub = _hub_log(args.db)
    host = _lan_address() if args.host in ("0.0.0.0", "::") else args.host
    certificate = None if args.no_tls else hub_certificate(hub, host, args.tls_cert,
                                                           args.tls_key)
    scheme = "http" if args.no_tls else "https"
    public_url = args.public_url or f"{scheme}://{host}:{args.port}"
    print(f"Hub for {args.db} at {public_url}")
    if certificate is not None:
        print(f"Certificate fingerprint: {short_fingerprint(fingerprint(certificate.cert_pem))}…")
    print(f"Add a desk: kiosk hub-enrol --db {args.db} --name 'Desk 1'    (Ctrl-C stops the hub)",
          flush=True)
    try:
        serve(hub, args.host, args.port, certificate, public_url)
    finally:
        hub.close()
    return 0


def cmd_hub_import(args: argparse.Namespace) -> int:
    from kiosk.sync.hub_import import load_event_into_hub
    from kiosk.sync.hub_intake import OtherEvent

    with open_store(args.event, organisers="hub-import") as store:
        hub = _hub_log(args.db)
        try:
            result = load_event_into_hub(hub, store)
        except OtherEvent as exc:
            raise UserError(f"Not loaded: {exc}") from exc
        finally:
            hub.close()
    if args.json:
        _print_json({"sent": result.sent, "new": result.new, "refused": result.refused})
    else:
        print(f"Loaded {args.event} into the hub: {result.new} new changes "
              f"({result.sent - result.new - result.refused} it already had).")
        if result.refused:
            print(f"{result.refused} change(s) were refused; `kiosk attention {args.event}` "
                  "says which and why.")
    return 0


def _qr_text(text: str) -> str:
    import io

    import qrcode

    code = qrcode.QRCode(border=1, error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(text)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()


def cmd_hub_enrol(args: argparse.Namespace) -> int:
    from kiosk.store.hub_records import DeviceRole, EnrolGrant
    from kiosk.sync.enrolment import EnrolmentRefused, issue_token
    from kiosk.sync.hub_server import HubAddress, published_address

    hub = _hub_log(args.db)
    try:
        address = None
        if args.url:
            known = published_address(hub)
            address = HubAddress(args.url, known.fingerprint if known else "")
        role = (DeviceRole.ORGANISER if args.organiser else
                DeviceRole.HUB if args.hub else DeviceRole.DESK)
        token = issue_token(hub, EnrolGrant(args.name, role), address, args.minutes * 60)
    except EnrolmentRefused as exc:
        raise UserError(str(exc)) from exc
    finally:
        hub.close()
    if args.json:
        _print_json({"token": token.text(), "name": args.name, "role": role.value,
                     "minutes": args.minutes})
        return 0
    print(_qr_text(token.text()))
    print(f"Token for “{args.name}” (works once, for {args.minutes} minutes):\n\n"
          f"{token.text()}\n\nOn the desk: scan it in “Connect to hub”, or run\n"
          f"  kiosk connect DESK.db {token.text()}")
    return 0


def cmd_hub_devices(args: argparse.Namespace) -> int:
    import time

    from kiosk.store.hub_records import WipeNotAllowed

    hub = _hub_log(args.db)
    try:
        if args.revoke and not hub.revoke(args.revoke):
            raise UserError(f"No device {args.revoke} is enrolled with this hub.")
        if args.wipe:
            try:
                ordered = hub.order_wipe(args.wipe, time.time_ns() // 1_000_000)
            except WipeNotAllowed as exc:
                raise UserError(f"{args.wipe} is a hub, not a desk: it cannot be wiped "
                                       "from here. Remove it with --revoke.") from exc
            if ordered is None:
                raise UserError(f"No device {args.wipe} is enrolled with this hub.")
        devices = hub.devices()
    finally:
        hub.close()
    if args.json:
        _print_json([{"device_id": d.device_id, "name": d.name, "role": d.role.value,
                      "revoked": d.revoked, "wipe_ordered_ms": d.wipe_ordered_ms,
                      "wiped_ms": d.wiped_ms, "wipe_unsent": d.wipe_unsent}
                     for d in devices])
        return 0
    for d in devices:
        print(f"{d.device_id}  {d.name:<20} {d.role.value:<10} {d.state()}")
    if args.revoke:
        print(f"Device {args.revoke} can no longer sync; its bundles are refused.")
    if args.wipe and ordered.wiped_ms is not None:
        print(f"Device {args.wipe} has already wiped its data (confirmed).")
    elif args.wipe:
        print(f"Device {args.wipe} will wipe its personal data the next time it talks to the "
              "hub. It sends any check-ins it still holds first; once it confirms the wipe, "
              "its key no longer works.")
    return 0


def cmd_attention(args: argparse.Namespace) -> int:
    from kiosk.store.sync_attention import needs_attention

    with open_store(args.event) as store:
        items = needs_attention(store)
    if args.json:
        _print_json([{"kind": i.kind.value, "attendee_ids": list(i.attendee_ids),
                      "change_ids": list(i.change_ids), "message": i.message} for i in items])
        return 0
    for item in items:
        print(f"[{item.kind.value}] {item.message}")
    print(f"{len(items)} item(s) need attention." if items else "Nothing needs attention.")
    return 0


def cmd_hub_forward(args: argparse.Namespace) -> int:
    import time

    from kiosk.sync.forwarding import NotForwarding, connect_upstream, forward

    hub = _hub_log(args.db)
    try:
        if args.connect:
            try:
                upstream = connect_upstream(hub, args.connect)
            except _sync_errors() as exc:
                raise UserError(str(exc)) from exc
            print(f"This hub now forwards to hub {upstream}.")
        while True:
            try:
                sent = forward(hub)
            except (NotForwarding, *_sync_errors()) as exc:
                raise UserError(str(exc)) from exc
            print(f"Forwarded {sent} change(s) to the upstream hub.")
            if not args.every:
                return 0
            time.sleep(args.every)
    finally:
        hub.close()


def _sync_errors() -> tuple[type[Exception], ...]:
    from kiosk.services.syncer import sync_errors

    return sync_errors()


def cmd_connect(args: argparse.Namespace) -> int:
    from kiosk.services.syncer import Syncer
    from kiosk.sync.enrolment import connect_desk

    path = Path(args.event)
    new_desk = not path.exists()
    if new_desk and not path.expanduser().resolve().parent.is_dir():
        raise UserError(f"The folder for {path} does not exist.")
    try:
        with open_store(args.event, create=new_desk) as store:
            if new_desk:
                store.set_setting("role", "desk")
            link = connect_desk(store, args.token)
            syncer = Syncer(store)
            try:
                report = syncer.sync_once()
            finally:
                syncer.close()
    except _sync_errors():
        if new_desk:  # leave no half-made desk file behind
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        raise
    if args.json:
        _print_json({"hub": link.url, "name": link.desk_name, "pushed": report.pushed,
                     "pulled": report.pulled, "pending": report.pending})
    else:
        print(f"Connected {args.event} to the hub at {link.url} as “{link.desk_name}”: "
              f"sent {report.pushed}, received {report.pulled} changes. "
              f"Keep it in step with: kiosk sync {args.event}")
    return 0


def _report_json(report: Any) -> dict[str, int]:
    return {"pushed": report.pushed, "pulled": report.pulled, "pending": report.pending,
            "conflicts": report.conflicts}


def _wiped(args: argparse.Namespace, exc: Any) -> int:
    """What `kiosk sync` says when the hub had this desk wiped (exit status 4)."""
    wipe = exc.report
    if args.json:
        _print_json({"wiped": True, "message": str(exc), "sent_first": wipe.sent_first,
                     "unsent_lost": wipe.unsent, "people_removed": wipe.people,
                     "confirmed": wipe.confirmed})
    else:
        print(str(exc))
        if wipe.sent_first:
            print(f"It sent its last {wipe.sent_first} change(s) to the hub first.")
        if wipe.unsent:
            print(f"{wipe.unsent} change(s) could not be sent first and are gone.")
        print("The hub has the wipe on record." if wipe.confirmed else
              "The hub will be told next time this desk reaches it.")
    return 4


def cmd_sync(args: argparse.Namespace) -> int:
    from kiosk.services.syncer import Syncer

    with open_store(args.event) as store:
        return _sync(args, Syncer(store))


def _sync(args: argparse.Namespace, syncer: Any) -> int:
    from kiosk.services.syncer import DeskWiped

    try:
        if args.once:
            try:
                report = syncer.sync_once()
            except DeskWiped as exc:
                return _wiped(args, exc)
            except _sync_errors() as exc:
                if args.json:
                    _print_json({"error": str(exc), "pending": syncer.status.pending,
                                 "clock_warning": syncer.status.clock_warning})
                    return 3
                raise UserError(str(exc)) from exc
            if args.json:
                _print_json(_report_json(report) | {
                    "clock_warning": syncer.status.clock_warning})
            else:
                print(f"Sent {report.pushed}, received {report.pulled}; {report.pending} waiting "
                      f"to send; {report.conflicts} to look at.")
                for warning in (syncer.status.clock_warning,):
                    if warning:
                        print(warning)
            return 0
        stop = threading.Event()

        def show(report: Any) -> None:
            if report.pushed or report.pulled:
                if args.json:
                    print(json.dumps(_report_json(report)), flush=True)
                else:
                    print(f"{_now()} sent {report.pushed}, received {report.pulled}, "
                          f"{report.pending} waiting, {report.conflicts} to look at", flush=True)

        syncer.on_status = _status_printer(args.json)
        print(f"Syncing {args.event} with its hub; Ctrl-C stops.", file=sys.stderr, flush=True)
        try:
            syncer.run(stop, on_round=show)
        except KeyboardInterrupt:
            stop.set()
        if syncer.status.state.value == "wiped":
            print(syncer.status.error, file=sys.stderr)
            return 4
        return 0
    finally:
        syncer.close()


def _now() -> str:
    from datetime import datetime

    return datetime.now().strftime("%H:%M:%S")


def _status_printer(as_json: bool) -> Any:
    """Print each change of the desk's sync state as it happens, with the time: connected,
    refused and why, reconnecting (with the reason), a clock warning."""
    last: dict[str, Any] = {}

    def show(status: Any) -> None:
        state, error, clock = status.state.value, status.error, status.clock_warning
        if (state, error, clock) == (last.get("state"), last.get("error"), last.get("clock")):
            return
        if as_json:
            print(json.dumps({"at": _now(), "state": state, "error": error,
                              "pending": status.pending, "clock_warning": clock}), flush=True)
        else:
            if (state, error) != (last.get("state"), last.get("error")):
                words = {"online": "connected to the hub",
                         "offline": f"cannot reach the hub, reconnecting: {error}",
                         "refused": f"refused by the hub: {error} (trying again)",
                         "wiped": error}.get(state, state)
                print(f"{_now()} {words}", flush=True)
            if clock and clock != last.get("clock"):
                print(f"{_now()} {clock}", flush=True)
        last.update(state=state, error=error, clock=clock)
    return show


def cmd_bundle(args: argparse.Namespace) -> int:
    from kiosk.sync.bundles import BundleRefused

    try:
        if args.action == "export":
            return _bundle_export(args)
        return _bundle_import(args)
    except BundleRefused as exc:
        if getattr(args, "json", False):
            _print_json({"refused": str(exc)})
            return 2
        raise UserError(f"Not imported: {exc}") from exc


def _bundle_export(args: argparse.Namespace) -> int:
    from kiosk.services.event_access import check_output, write_private
    from kiosk.sync.desk_bundles import BUNDLE_SUFFIXES, export_bundle

    out = check_output(args.out, BUNDLE_SUFFIXES, "The bundle")
    if out.exists():
        raise UserError(f"{out} already exists. Choose another file name.")
    with open_store(args.event) as store:
        data, count = export_bundle(store, args.since)
    write_private(out, data, BUNDLE_SUFFIXES, "The bundle")
    print(f"Wrote {count} changes to {out}, signed by this desk and encrypted. "
          f"Import it elsewhere with: kiosk bundle import EVENT.db {out.name}")
    return 0


def _bundle_import(args: argparse.Namespace) -> int:
    from kiosk.sync.desk_bundles import import_bundle
    from kiosk.sync.hub_app import import_bundle_into_hub

    source = Path(args.file)
    if not source.is_file():
        raise UserError(f"There is no bundle at {source}.")
    data = source.read_bytes()
    if args.hub:
        hub = _hub_log(args.hub)
        try:
            reply = import_bundle_into_hub(hub, data, "bundle")
        finally:
            hub.close()
        received, new = reply.received, reply.new
    else:
        if not args.event:
            raise UserError("Say where to import: an event file, or --hub HUB.")
        with open_store(args.event) as store:
            result = import_bundle(store, data, args.trust_new_device)
        received, new = result.received, result.new
    if args.json:
        _print_json({"received": received, "new": new})
    else:
        print(f"Imported {source.name}: {new} new of {received} changes"
              + (" (it had been imported before)." if received and not new else "."))
    return 0


def register(sub: Any, command: CommandMaker) -> None:
    """Add the sync commands to ``kiosk``'s parser."""
    p = command(sub, "hub", cmd_hub,
                "Run the hub the desks sync with (SQLite file, or a postgresql:// URL).",
                "kiosk hub --db hub.db --host 0.0.0.0 --port 8765")
    p.add_argument("--db", default=DEFAULT_HUB_DB, metavar="PATH|postgresql://…",
                   help=f"the hub's database (default: {DEFAULT_HUB_DB} here)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on; 0.0.0.0 for the venue network")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--tls-cert", metavar="FILE.pem", help="a certificate to use instead of "
                   "the hub's self-signed one")
    p.add_argument("--tls-key", metavar="FILE.pem")
    p.add_argument("--no-tls", action="store_true",
                   help="plain HTTP (only behind a TLS proxy, or on loopback)")
    p.add_argument("--public-url", metavar="URL",
                   help="the address desks use, if not what the hub listens on")

    p = command(sub, "hub-import", cmd_hub_import,
                "Load an organiser's event file (registrations, workshops) into the hub.",
                "kiosk hub-import --db hub.db conference.db")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--db", default=DEFAULT_HUB_DB, metavar="PATH|postgresql://…")
    p.add_argument("--json", action="store_true")

    p = command(sub, "hub-enrol", cmd_hub_enrol,
                "Make a single-use token (text and QR code) that lets one desk join the hub.",
                "kiosk hub-enrol --db hub.db --name 'Desk 2'")
    p.add_argument("--name", required=True, help="the desk's name, shown to other desks")
    p.add_argument("--db", default=DEFAULT_HUB_DB, metavar="PATH|postgresql://…")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--organiser", action="store_true",
                      help="an organisers' device: may also list and remove devices")
    kind.add_argument("--hub", action="store_true",
                      help="a venue hub that forwards here (`kiosk hub-forward`): it vouches "
                           "for its desks' keys")
    p.add_argument("--minutes", type=int, default=15, help="how long the token works")
    p.add_argument("--url", help="the hub's address as desks see it, if not the one it "
                   "published")
    p.add_argument("--json", action="store_true")

    p = command(sub, "attention", cmd_attention,
                "What staff should look at: people checked in twice (two desks offline), "
                "clashing corrections, possible duplicate registrations.",
                "kiosk attention desk1.db --json")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--json", action="store_true")

    p = command(sub, "hub-forward", cmd_hub_forward,
                "Push this hub's changes to another hub (venue to head office).",
                "kiosk hub-forward --db venue-hub.db --connect kiosk:eyJ1Ijoi… --every 30\n"
                "  (the token from the central hub's `kiosk hub-enrol --hub --name Venue`)")
    p.add_argument("--db", default=DEFAULT_HUB_DB, metavar="PATH|postgresql://…")
    p.add_argument("--connect", metavar="TOKEN",
                   help="a token from the other hub's `kiosk hub-enrol` (once)")
    p.add_argument("--every", type=float, metavar="SECONDS",
                   help="keep forwarding, this often (default: once)")

    p = command(sub, "hub-devices", cmd_hub_devices,
                "List the devices enrolled with the hub, remove one (--revoke), or have a "
                "lost desk wipe its data the next time it connects (--wipe).",
                "kiosk hub-devices --db hub.db --revoke 3f9c2a1b7e\n"
                "  kiosk hub-devices --db hub.db --wipe 3f9c2a1b7e")
    p.add_argument("--db", default=DEFAULT_HUB_DB, metavar="PATH|postgresql://…")
    change = p.add_mutually_exclusive_group()
    change.add_argument("--revoke", metavar="DEVICE", help="refuse this device from now on")
    change.add_argument("--wipe", metavar="DEVICE",
                        help="a lost desk: it wipes its personal data when it next connects "
                             "(after sending what it holds), then its key stops working")
    p.add_argument("--json", action="store_true")

    p = command(sub, "connect", cmd_connect,
                "Connect a desk to the hub with a token from `kiosk hub-enrol` (a new file "
                "receives the whole event).",
                "kiosk connect desk2.db kiosk:eyJ1Ijoi…")
    p.add_argument("event", metavar="DESK.db")
    p.add_argument("token", metavar="TOKEN")
    p.add_argument("--json", action="store_true")

    p = command(sub, "sync", cmd_sync,
                "Sync a desk with its hub: send its changes, receive the others'.",
                "kiosk sync desk2.db --once --json")
    p.add_argument("event", metavar="DESK.db")
    p.add_argument("--once", action="store_true", help="one round, then exit")
    p.add_argument("--json", action="store_true",
                   help="print pushed, pulled, pending and conflicts as JSON (or, when the "
                        "organisers had this desk wiped, what the wipe did; exit status 4)")

    p = command(sub, "bundle", cmd_bundle,
                "Carry changes on a USB stick where there is no network: export a signed, "
                "encrypted bundle; import one at a desk or at the hub.",
                "kiosk bundle export desk2.db --out desk2.bundle\n"
                "  kiosk bundle import desk1.db desk2.bundle\n"
                "  kiosk bundle import --hub hub.db desk2.bundle")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    e = actions.add_parser("export", help="write this desk's changes to a bundle file")
    e.add_argument("event", metavar="EVENT.db")
    e.add_argument("--out", required=True, metavar="FILE")
    e.add_argument("--since", type=int, default=0, metavar="N",
                   help="only this desk's changes after its change number N")
    i = actions.add_parser("import", help="verify a bundle and take its changes in")
    i.add_argument("event", metavar="EVENT.db", nargs="?")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--hub", metavar="PATH|postgresql://…",
                   help="import into the hub's database instead of an event file")
    i.add_argument("--trust-new-device", action="store_true",
                   help="accept a bundle from a desk this one has not heard of")
    i.add_argument("--json", action="store_true")


def main(argv: list[str] | None = None) -> int:
    """Only the sync commands (``python -m kiosk.cli.sync …``); ``kiosk`` has them all."""
    from kiosk.cli.running import run_command

    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers(dest="command", metavar="COMMAND", required=True), command)
    return run_command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
