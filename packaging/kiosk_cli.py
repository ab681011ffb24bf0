"""Frozen-app entry point for the command line (``kiosk-cli``, same as ``python -m kiosk``).

build-installer.spec builds this into a second executable next to the GUI one; both share
one folder of libraries. Kept tiny on purpose: everything lives in ``kiosk.cli``.
"""

import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main())
