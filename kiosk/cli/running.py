"""Running one command: what a person is told when it cannot be done, and the exit status.

Exit statuses: 0 done; 1 done in part (a badge not printed, a question answered no);
2 refused (the message says what to change); 3 another fault of the disk; 4 this desk was
wiped; and one status per fault of the event file (kiosk.store.faults): 5 read-only,
6 locked by another program, 7 disk full, 8 damaged, 9 not a kiosk event file, 10 no such
file; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

from kiosk.core.refusal import Refusal

REFUSED = 2
FAULT = 3


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed command; never a traceback in front of a person."""
    from kiosk.services.faults import exit_status

    try:
        return int(args.handler(args))
    except Refusal as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return exit_status(exc) or REFUSED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except Exception as exc:  # a fault: in plain words, never a traceback
        from kiosk.services.faults import describe, is_fault

        print(f"kiosk: {describe(exc, getattr(args, 'event', None))}", file=sys.stderr)
        return exit_status(exc) or (FAULT if is_fault(exc) else 1)
