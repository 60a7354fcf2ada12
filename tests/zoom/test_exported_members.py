"""`zoom.__all__` is the public surface: every name in it exists, and every public name the
package exposes is in it (as httpx's tests/test_exported_members.py pins httpx's)."""

from __future__ import annotations

import types

import zoom
from zoom import INSTANT, RECURRING, RECURRING_NO_FIXED_TIME, SCHEDULED, MeetingType


def test_all_names_exist() -> None:
    assert len(zoom.__all__) == len(set(zoom.__all__))
    for name in zoom.__all__:
        assert hasattr(zoom, name), name


def test_every_public_name_is_in_all() -> None:
    exported = {
        name
        for name, value in vars(zoom).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert exported == set(zoom.__all__)


def test_the_meeting_type_aliases_are_the_ints_zoom_uses() -> None:
    assert (INSTANT, SCHEDULED, RECURRING_NO_FIXED_TIME, RECURRING) == (1, 2, 3, 8)
    assert all(isinstance(alias, MeetingType) for alias in (INSTANT, SCHEDULED, RECURRING))
    assert MeetingType(8) is RECURRING
