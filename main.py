"""GUI entry point: ``python main.py [EVENT.db]`` opens the kiosk."""

import sys

from kiosk.app import run

if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
