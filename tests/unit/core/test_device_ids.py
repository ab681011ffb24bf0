"""A device id is bound to the key its changes are signed with: anyone can check it, nobody
can make one of another key's."""

from __future__ import annotations

from kiosk.core.ids import belongs_to, claims_another_keys_id, new_device_id
from kiosk.core.signing_keys import new_signing_key, public_key_hex


def test_an_id_belongs_to_the_key_it_was_made_from_and_to_no_other() -> None:
    mine, theirs = (public_key_hex(new_signing_key()) for _ in range(2))
    made = new_device_id(mine)
    assert len(made) == 32 and made != new_device_id(mine)  # each incarnation its own
    assert belongs_to(made, mine) and not claims_another_keys_id(made, mine)
    assert not belongs_to(made, theirs) and claims_another_keys_id(made, theirs)
    altered = made[:-1] + ("0" if made[-1] != "0" else "1")
    assert not belongs_to(altered, mine)


def test_an_id_from_before_ids_were_bound_belongs_to_no_key() -> None:
    key = public_key_hex(new_signing_key())
    assert not belongs_to("0a1b2c3d4e", key)
    assert not claims_another_keys_id("0a1b2c3d4e", key)  # the organisers may vouch for it
