"""In Socket Mode the app serves /zoom/events and /healthz on PORT (bot.web.run's small
uvicorn server), sharing the runtime and leaving signals to Socket Mode's own handling."""

from __future__ import annotations

import asyncio
import json

import httpx

from bot.settings import load_settings
from bot.store import open_store
from bot.web.run import zoom_events_server
from bot.web.runtime import build_runtime
from tests.fakes.app_process import free_port
from zoom.webhooks import sign, url_validation_response


async def test_zoom_events_are_served_on_port_in_socket_mode(tmp_path):
    port = free_port()
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_APP_TOKEN": "xapp-test",
            "ZOOM_ACCOUNT_ID": "a",
            "ZOOM_CLIENT_ID": "c",
            "ZOOM_CLIENT_SECRET": "s",
            "ZOOM_WEBHOOK_SECRET_TOKEN": "whsec",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'z.db'}",
            "HOST": "127.0.0.1",
            "PORT": str(port),
        }
    )
    runtime = build_runtime(settings, open_store(settings.database_url))
    server = zoom_events_server(settings, runtime)
    serving = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:  # uvicorn offers no event for this  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        url = f"http://127.0.0.1:{port}"
        body = json.dumps(
            {"event": "endpoint.url_validation", "event_ts": 1, "payload": {"plainToken": "t"}}
        ).encode()
        ts, signature = sign("whsec", body)
        headers = {"x-zm-request-timestamp": ts, "x-zm-signature": signature}
        async with httpx.AsyncClient(timeout=5) as http:
            assert (await http.get(url + "/healthz")).status_code == 503  # not warmed yet
            answer = await http.post(url + "/zoom/events", content=body, headers=headers)
            assert answer.json() == url_validation_response("whsec", "t")
            forged = await http.post(url + "/zoom/events", content=body, headers={})
            assert forged.status_code == 401
            runtime.ready = True
            assert (await http.get(url + "/healthz")).status_code == 200
    finally:
        server.should_exit = True
        await serving
        await runtime.aclose()
