"""All the printers this desk can use, across backends, found by name."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.printing.printer import PrinterBackend, PrinterInfo, PrinterState


class PrinterDirectory:
    """Backends in the order they are asked; the first that has a printer of a name wins."""

    def __init__(self, backends: Sequence[PrinterBackend]) -> None:
        self.backends = tuple(backends)

    def printers(self) -> list[PrinterInfo]:
        return [info for backend in self.backends for info in backend.printers()]

    def find(self, name: str) -> tuple[PrinterBackend, PrinterInfo] | None:
        """The backend with a printer of this name and the printer's state, or None."""
        offline: tuple[PrinterBackend, PrinterInfo] | None = None
        for backend in self.backends:
            info = backend.printer(name)
            if info.state is PrinterState.OFFLINE:
                offline = offline or (backend, info)  # perhaps there, once it is running
            elif info.state is not PrinterState.MISSING:
                return backend, info
        return offline

    def default_printer(self) -> str | None:
        """The print system's default printer, else the first that takes jobs."""
        printers = self.printers()
        chosen = next((p for p in printers if p.is_default), None) or next(
            (p for p in printers if p.state.takes_jobs), None)
        return chosen.name if chosen else None
