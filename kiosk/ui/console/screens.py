"""The console's screens in tab order: a key for ``--screen``, the tab's title, where it lives.

Kept free of Qt so the command line can list the keys without loading any screen. A screen
class takes the event file's door (an ``EventFile``, shared by every screen), may have
``start()`` (called once the window is built) and has ``shutdown()``; ``ready_signal`` names
the signal it emits once its first figures are on screen (None: ready as soon as it is
shown).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsoleScreen:
    key: str
    title: str
    module: str
    class_name: str
    ready_signal: str | None = "ready"


# In the order organisers meet them: set up, load people, make tickets and badges, run the
# day, then close it down.
CONSOLE_SCREENS: tuple[ConsoleScreen, ...] = (
    ConsoleScreen("setup", "Event setup", "kiosk.ui.console.setup_screen", "SetupScreen"),
    ConsoleScreen("import", "Import registrations", "kiosk.ui.console.import_wizard",
                  "ImportWizard", None),
    ConsoleScreen("attendees", "Attendees", "kiosk.ui.console.attendees_screen",
                  "AttendeesScreen", "order_shown"),
    ConsoleScreen("tickets", "Tickets", "kiosk.ui.console.tickets_screen", "TicketsScreen"),
    ConsoleScreen("designer", "Badge designer", "kiosk.ui.console.designer_screen",
                  "BadgeDesignerScreen"),
    ConsoleScreen("batch", "Batch badges", "kiosk.ui.console.batch_screen", "BatchScreen"),
    ConsoleScreen("dashboard", "Live dashboard", "kiosk.ui.console.dashboard_screen",
                  "DashboardScreen", "refreshed"),
    ConsoleScreen("desks", "Desks and hub", "kiosk.ui.console.desks_screen",
                  "DesksScreen", "attention_shown"),
    ConsoleScreen("after", "After the event", "kiosk.ui.console.after_event_screen",
                  "AfterEventScreen"),
)

SCREENS: tuple[str, ...] = tuple(screen.key for screen in CONSOLE_SCREENS)
