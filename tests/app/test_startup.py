"""Starting without settings stops with a sentence naming each missing one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_app_without_settings_exits_non_zero_naming_what_is_missing(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "ZOOM_", "ZOOMBOT_", "DATABASE_URL"))
    }
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, str(REPO / "app.py")],
        cwd=tmp_path,  # no .env here
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "zoombot cannot start" in result.stderr
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "ZOOM_ACCOUNT_ID",
        "ZOOM_CLIENT_ID",
        "ZOOM_CLIENT_SECRET",
    ):
        assert name in result.stderr
    assert "Traceback" not in result.stderr


def test_start_up_takes_its_objects_out_of_the_collectors_way():
    """bot.web.tweaks.settle_garbage_collector (called before readiness): what start-up made is
    frozen, so full collections under load no longer walk it all (~50-70 ms each), and the
    youngest generation is collected less often."""
    import gc

    from bot.web.tweaks import YOUNG_OBJECTS, settle_garbage_collector

    thresholds = gc.get_threshold()
    try:
        settle_garbage_collector()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_OBJECTS, *thresholds[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_bot_web_reaches_into_no_private_attribute_of_another_object():
    """Framework tweaks go through public APIs (bot/web/tweaks.py): in bot/web/, no
    `x._name` where x is not the module's own `self`/`cls`, and no `getattr(x, "_name")`."""
    import ast

    reaches = []
    for path in sorted((REPO / "bot" / "web").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
                if not own and not node.attr.startswith("__"):
                    reaches.append(f"{path.name}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr":
                name = node.args[1] if len(node.args) > 1 else None
                if isinstance(name, ast.Constant) and str(name.value).startswith("_"):
                    reaches.append(f"{path.name}:{node.lineno} getattr {name.value}")
    assert reaches == []


def test_an_app_on_sqlite_loads_no_postgresql_driver_and_no_cryptography():
    """Every `bot` module is imported at start (bot.web.tweaks.import_every_module), but not
    the other backend's: asyncpg (~3 MiB) and `cryptography` (~8 MiB, only to seal stored
    tokens) stay out of an app on SQLite that keeps no tokens."""
    code = (
        "import sys, bot.web.run;"
        "from bot.web.runtime import OTHER_BACKEND;"
        "from bot.web.tweaks import import_every_module;"
        "assert import_every_module(skip=OTHER_BACKEND) > 50;"
        "print(sorted({'asyncpg', 'cryptography'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
