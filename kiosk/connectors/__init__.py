"""Live links to where registrations live (pretix's API, a published sheet): pull into the
import use case, push check-ins back. No Qt, no SQLite: the services hold the event file."""

from kiosk.connectors.base import (
    CheckinPush,
    Connector,
    ConnectorProblem,
    Pulled,
    PushAnswer,
    PushVerdict,
    WithdrawnCodes,
    with_offset,
)

__all__ = ["CheckinPush", "Connector", "ConnectorProblem", "Pulled", "PushAnswer",
           "PushVerdict", "WithdrawnCodes", "with_offset"]
