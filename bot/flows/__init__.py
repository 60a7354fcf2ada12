"""Flows: what zoombot does for a request or an event, from reading it to answering it."""
