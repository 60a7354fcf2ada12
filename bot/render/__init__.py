"""Rendering: Slack messages, the modal, the Home tab, calendar entries and links, and
sentences for errors. Pure functions of their arguments: no I/O, no clock unless passed in."""
