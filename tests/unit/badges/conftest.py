"""Badge test fixtures: hard names as badges, and a check that pdftoppm is there."""

from __future__ import annotations

import os
import shutil

import pytest
from badge_people import EVENT, hard_attendees

from kiosk.badges import BadgeData


@pytest.fixture(scope="session")
def hard_badges() -> list[BadgeData]:
    return [BadgeData(attendee, code, EVENT) for attendee, code in hard_attendees()]


@pytest.fixture(scope="session")
def pdftoppm() -> None:
    if shutil.which("pdftoppm") is None:
        reason = "pdftoppm (poppler-utils) is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"missing in CI: {reason}")
        pytest.skip(reason)

