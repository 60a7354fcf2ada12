"""Test doubles that stay out of the wheel.

- `slack.py`: `FakeSlack`, a Slack Web API (and Socket Mode) on a loopback port.
- `slack_requests.py`: what Slack sends to an app: signed bodies, payloads, `SlackSender`.
- `app_process.py`: `AppProcess`, the real app as a subprocess.
- `zoom/`: `FakeZoom`, a Zoom (API, OAuth, webhooks, event WebSocket) on a loopback port.
- `loopback.py`: `LoopbackServer`, an ASGI app served from a thread; both fakes run on it.
"""
