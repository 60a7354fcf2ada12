"""`make demo`: the real zoombot against the local fake Slack and fake Zoom, in a web page.

Starts FakeZoom and FakeSlack (channel #general, three people in three zones, each also a
Zoom user), runs `python app.py` from this checkout as a subprocess in HTTP mode against
them, and serves a page that looks like a Slack channel on `--port` (default 8765). What the
page does goes to the app as Slack or Zoom would send it: signed slash commands,
`block_actions` and `view_submission` payloads, signed Zoom webhooks. What the page shows is
read back from the fakes: the channel's messages, private notes to the viewer, the modal.

    python demo/run.py [--port 8765] [--no-browser]

Needs no settings and no network. Ctrl-C (or SIGTERM) stops the app and the fakes.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import threading
import time
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from demo.blockkit import Viewer, local_to_stamp, render_blocks, render_modal
from tests.fakes.app_process import AppProcess, free_port, make_app_env
from tests.fakes.loopback import LoopbackServer
from tests.fakes.slack import DEFAULT_CHANNEL, FakeSlack
from tests.fakes.slack_requests import SlackSender, block_actions, view_submission
from tests.fakes.zoom import FakeZoom

STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class Person:
    """Someone in the demo workspace: a Slack user, and a Zoom user with the same email."""

    slack_id: str
    name: str
    real_name: str
    tz: str

    @property
    def email(self) -> str:
        return f"{self.name}@example.com"


PEOPLE = (
    Person("U0ALEX", "alex", "Alex Morgan", "America/New_York"),
    Person("U0ANA", "ana", "Ana Silva", "Europe/London"),
    Person("U0KENJI", "kenji", "Kenji Sato", "Asia/Tokyo"),
)


class Demo:
    """The fakes, the app, and what the page has sent (to know whose each answer is).

    `start()` returns once the app answers /healthz; `stop()` stops it all. The methods
    called by the page's endpoints block (they wait for the app's acknowledgement).
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.zoom = FakeZoom()
        self.slack = FakeSlack()
        self.app: AppProcess | None = None
        self._lock = threading.Lock()
        self._url_owner: dict[str, str] = {}  # response URL -> user it was made for
        self._trigger_owner: dict[str, str] = {}  # trigger id -> user
        self._acks: list[tuple[float, str, dict[str, Any]]] = []  # (at, user, message)
        self._dismissed: set[str] = set()  # view ids submitted or closed
        self._typed: list[dict[str, Any]] = []

    # -- life ------------------------------------------------------------------------------

    def start(self) -> Demo:
        self.zoom.start()
        self.slack.start()
        for p in PEOPLE:
            self.slack.add_user(
                p.slack_id,
                name=p.name,
                real_name=p.real_name,
                display_name=p.real_name,
                email=p.email,
                tz=p.tz,
            )
            first, _, last = p.real_name.partition(" ")
            self.zoom.add_user(p.email, first_name=first, last_name=last, timezone=p.tz)
        port = free_port()
        env = make_app_env(
            self.slack,
            self.zoom,
            self.workdir,
            PORT=str(port),
            LOG_LEVEL="INFO",
            ZOOMBOT_PUBLIC_URL=f"http://127.0.0.1:{port}",
        )
        self.app = AppProcess(env, cwd=self.workdir).start(timeout=60)
        self.sender = SlackSender(self.app.url, self.slack.signing_secret, fake=self.slack)
        return self

    def stop(self) -> None:
        if self.app is not None:
            self.app.stop()
            self.sender.close()
        self.slack.stop()
        self.zoom.stop()

    # -- what the page sends ---------------------------------------------------------------

    def _person(self, user: str) -> Person:
        return next((p for p in PEOPLE if p.slack_id == user), PEOPLE[0])

    def _own(self, user: str) -> tuple[str, str]:
        """A fresh response URL and trigger id, remembered as `user`'s."""
        url, trigger = self.slack.new_response_url(), self.slack.new_trigger_id()
        with self._lock:
            self._url_owner[url] = user
            self._trigger_owner[trigger] = user
        return url, trigger

    def _ack(self, user: str, text: str, content_type: str) -> dict[str, Any]:
        """Keep what the app acknowledged with: Slack shows it to the user privately."""
        body: dict[str, Any] = {}
        if "json" in content_type and text.strip():
            body = json.loads(text)
        elif text.strip():
            body = {"text": text}
        if body.get("text") or body.get("blocks"):
            with self._lock:
                self._acks.append((time.monotonic(), user, body))
        return body

    def type_text(self, user: str, text: str) -> dict[str, Any]:
        """What `user` typed in the message box: `/zoom …` is sent to the app as a slash
        command; other text is posted in #general as their message."""
        text = text.strip()
        if not text.startswith("/"):
            if text:
                self.slack.add_message(DEFAULT_CHANNEL, text, user=user)
            return {}
        command, _, rest = text.partition(" ")
        if command != "/zoom":
            return {"error": f"{command} is not a command here: try /zoom"}
        url, trigger = self._own(user)
        answer = self.sender.command(
            rest.strip(),
            user,
            response_url=url,
            trigger_id=trigger,
            user_name=self._person(user).name,
        )
        return self._ack(user, answer.text, answer.headers.get("content-type", ""))

    def press(self, user: str, ts: str, action: dict[str, Any]) -> dict[str, Any]:
        """`user` pressed a button of the message `ts` in #general: a `block_actions`."""
        url, trigger = self._own(user)
        stored = self.slack.message(DEFAULT_CHANNEL, ts) or {"ts": ts}
        stored.pop("channel", None)
        payload = block_actions(
            user=user,
            actions=[action],
            channel=DEFAULT_CHANNEL,
            message=stored,
            trigger_id=trigger,
            response_url=url,
        )
        answer = self.sender.interactive(payload)
        return self._ack(user, answer.text, answer.headers.get("content-type", ""))

    def submit(self, user: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """`user` submitted the modal `view_id` with `values` (block id -> what the page's
        form held). Returns `{"errors": {block: message}}` when the app refuses it."""
        viewer = self.viewer(user)
        view = next(v for v in self.slack.modal_views() if v["id"] == view_id)
        fill: dict[str, Any] = {}
        response_urls: list[dict[str, Any]] = []
        for block in view.get("blocks") or []:
            block_id, element = block.get("block_id"), block.get("element") or {}
            if block.get("type") != "input" or block_id not in values:
                continue
            value = values[block_id]
            kind = element.get("type")
            if kind == "datetimepicker":
                value = local_to_stamp(str(value), viewer)
            elif kind == "plain_text_input":
                value = value or None
            fill[block_id] = value
            if element.get("response_url_enabled") and value:
                url, _ = self._own(user)
                response_urls.append(
                    {
                        "block_id": block_id,
                        "action_id": element.get("action_id"),
                        "channel_id": value,
                        "response_url": url,
                    }
                )
        _, trigger = self._own(user)
        payload = view_submission(
            user=user, view=view, fill=fill, trigger_id=trigger, response_urls=response_urls
        )
        answer = self.sender.interactive(payload)
        body = answer.json() if answer.content.strip() else {}
        if body.get("response_action") == "errors":
            return {"errors": body.get("errors") or {}}
        with self._lock:
            self._dismissed.add(view_id)
        return {}

    def close_view(self, view_id: str) -> None:
        with self._lock:
            self._dismissed.add(view_id)

    def zoom_event(self, meeting_id: int, what: str) -> dict[str, Any]:
        """The meeting starts or ends in (fake) Zoom; the signed webhook goes to the app."""
        assert self.app is not None
        if what == "started":
            body = self.zoom.start_meeting(meeting_id)
        elif what == "ended":
            body = self.zoom.end_meeting(meeting_id)
        else:
            return {"error": f"unknown event {what!r}"}
        answer = self.zoom.send_event(self.app.url + "/zoom/events", body)
        return {"status": answer.status_code}

    # -- what the page shows ---------------------------------------------------------------

    def viewer(self, user: str) -> Viewer:
        # Copies: the fake's server thread may add to them meanwhile.
        names = {
            uid: u["profile"].get("display_name") or u["name"]
            for uid, u in dict(self.slack.users).items()
        }
        channels = {
            cid: c["name"] for cid, c in dict(self.slack.channels).items() if not c["is_im"]
        }
        calls = {cid: dict(c) for cid, c in dict(self.slack.slack_calls.calls).items()}
        return Viewer(tz=self._person(user).tz, users=names, channels=channels, calls=calls)

    def _meetings_by_ts(self) -> dict[str, int]:
        """Which meeting each posted message is about: the value of its first buttons."""
        found: dict[str, int] = {}
        for call in self.slack.calls_to("chat.postMessage"):
            if not (call.answer or {}).get("ok"):
                continue
            for block in call.params.get("blocks") or []:
                for element in block.get("elements") or []:
                    if str(element.get("value", "")).isdigit():
                        found.setdefault(call.answer["ts"], int(element["value"]))
        return found

    def _zoom_controls(self, meeting_id: int | None) -> list[dict[str, str]]:
        meeting = self.zoom.meetings.get(meeting_id) if meeting_id else None
        if meeting is None:
            return []
        if meeting.get("status") == "started":
            return [{"event": "ended", "label": "Meeting ended"}]
        return [{"event": "started", "label": "Meeting started"}]

    def _name(self, user: str, viewer: Viewer) -> str:
        return viewer.users.get(user) or user

    def state(self, user: str) -> dict[str, Any]:
        """Everything the page shows `user`, rendered for their zone."""
        viewer = self.viewer(user)
        meetings = self._meetings_by_ts()
        messages = []
        for m in self.slack.channel_messages(DEFAULT_CHANNEL):
            from_bot = m.get("bot_id") == self.slack.bot_id
            sender = "zoombot" if from_bot else self._name(m.get("user", ""), viewer)
            messages.append(
                {
                    "ts": m["ts"],
                    "sender": sender,
                    "bot": from_bot,
                    "edited": bool(m.get("edited")),
                    "html": render_blocks(m.get("blocks"), m.get("text", ""), viewer),
                    "meeting": meetings.get(m["ts"]),
                    "zoom": self._zoom_controls(meetings.get(m["ts"])),
                }
            )
        notes: list[tuple[float, str]] = []
        with self._lock:
            for at, who, body in self._acks:
                if who == user:
                    rendered = render_blocks(body.get("blocks"), body.get("text", ""), viewer)
                    notes.append((at, rendered))
            owners = dict(self._url_owner)
            triggers = dict(self._trigger_owner)
            dismissed = set(self._dismissed)
        for post in list(self.slack.response_posts):
            body = post.body
            in_channel = body.get("response_type") == "in_channel"
            # An in_channel answer is a message everyone sees; an ephemeral one, its owner.
            if post.status == 200 and (in_channel or owners.get(post.url) == user):
                rendered = render_blocks(body.get("blocks"), body.get("text", ""), viewer)
                if in_channel:
                    messages.append(
                        {
                            "ts": "",
                            "sender": "zoombot",
                            "bot": True,
                            "edited": False,
                            "html": rendered,
                            "zoom": [],
                        }
                    )
                else:
                    notes.append((post.at, rendered))
        for call in self.slack.calls_to("chat.postEphemeral"):
            if call.params.get("user") == user and (call.answer or {}).get("ok"):
                notes.append(
                    (
                        call.done,
                        render_blocks(
                            call.params.get("blocks"), call.params.get("text", ""), viewer
                        ),
                    )
                )
        modal = None
        opened = [
            c.answer["view"]["id"]
            for c in self.slack.calls_to("views.open")
            if (c.answer or {}).get("ok") and triggers.get(c.params.get("trigger_id")) == user
        ]
        live = [
            v
            for v in self.slack.modal_views()
            if v["root_view_id"] in opened and v["id"] not in dismissed
        ]
        if live:
            top = live[-1]
            modal = {"id": top["id"], "seq": top["_seq"], "html": render_modal(top, viewer)}
        return {
            "viewer": {"id": user, "tz": viewer.tz, "name": self._person(user).real_name},
            "people": [{"id": p.slack_id, "name": p.real_name, "tz": p.tz} for p in PEOPLE],
            "messages": messages,
            "notes": [html for _, html in sorted(notes, key=lambda n: n[0])],
            "modal": modal,
        }


def web(demo: Demo) -> Starlette:
    """The page and its JSON endpoints (sync handlers: Starlette runs them on threads)."""

    def index(request: Request) -> FileResponse:
        return FileResponse(STATIC / "index.html")

    def state(request: Request) -> JSONResponse:
        return JSONResponse(demo.state(request.query_params.get("as") or PEOPLE[0].slack_id))

    async def act(request: Request) -> JSONResponse:
        data = await request.json()
        kind, user = data.get("kind"), data.get("user") or PEOPLE[0].slack_id

        def run() -> dict[str, Any]:
            if kind == "type":
                return demo.type_text(user, str(data.get("text", "")))
            if kind == "press":
                return demo.press(user, str(data["ts"]), dict(data["action"]))
            if kind == "submit":
                return demo.submit(user, str(data["view_id"]), dict(data.get("values") or {}))
            if kind == "close":
                demo.close_view(str(data["view_id"]))
                return {}
            if kind == "zoom":
                return demo.zoom_event(int(data["meeting_id"]), str(data["event"]))
            return {"error": f"unknown kind {kind!r}"}

        return JSONResponse(await run_in_threadpool(run))

    return Starlette(
        routes=[
            Route("/", index),
            Route("/api/state", state),
            Route("/api/act", act, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC)),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8765, help="the page's port (8765)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    args = parser.parse_args(argv)

    # Ctrl-C reaches the app too (same process group), so it may stop first: a stop asked
    # for by a signal is told from the app failing by this flag, not by the app's state.
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    with tempfile.TemporaryDirectory(prefix="zoombot-demo-") as workdir:
        demo = Demo(Path(workdir))
        server = LoopbackServer(web(demo), port=args.port)
        try:
            server.start()
        except OSError as e:
            print(
                f"zoombot demo: cannot serve on port {args.port} ({e.strerror}); pick another:"
                " make demo DEMO_ARGS='--port 8000'",
                file=sys.stderr,
            )
            return 2
        try:
            print("zoombot demo: starting the fake Slack, the fake Zoom and the app…", flush=True)
            demo.start()
            assert demo.app is not None
            url = server.url + "/"
            print(f"zoombot demo: open {url}  (Ctrl-C stops it)", flush=True)
            print(f"zoombot demo: the app's log is {demo.app.log_path}", flush=True)
            if not args.no_browser:
                webbrowser.open(url)
            while not stopping.wait(0.5) and demo.app.running:
                pass
            if stopping.wait(1.0):
                print("zoombot demo: stopping", flush=True)
                return 0
            print("zoombot demo: the app stopped:\n" + demo.app.logs()[-2000:], flush=True)
            return 1
        finally:
            server.stop()
            demo.stop()


if __name__ == "__main__":
    sys.exit(main())
