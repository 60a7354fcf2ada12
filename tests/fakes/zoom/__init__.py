"""Test helpers shared by zoombot's tests and benchmarks: a local Zoom on loopback."""

from tests.fakes.loopback import LoopbackServer
from tests.fakes.zoom.fake import Answer, FakeZoom, Recorded

__all__ = ["Answer", "FakeZoom", "LoopbackServer", "Recorded"]
