"""Test helpers shared by zoombot's tests and benchmarks: a local Zoom on loopback."""

from zoom.testing.fake_zoom import Answer, FakeZoom, Recorded
from zoom.testing.server import LoopbackServer

__all__ = ["Answer", "FakeZoom", "LoopbackServer", "Recorded"]
