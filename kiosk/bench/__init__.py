"""``python -m kiosk bench``: measure the performance budgets on this machine."""

from kiosk.bench.figures import Figure
from kiosk.bench.runner import BENCHES, run_bench, run_benches

__all__ = ["BENCHES", "Figure", "run_bench", "run_benches"]
