"""The arrows of docs/ARCHITECTURE.md, pinned: zoom/ never imports bot; bot/render and
bot/reading do no I/O (no store, poster, Slack or HTTP client); no module under bot/ is
over 400 lines unless its docstring's first paragraph says why ("Long because …")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400

# Modules that pure code must not import (a prefix matches its submodules).
IO_MODULES = (
    "bot.store",
    "bot.posting",
    "bot.slack",
    "bot.web",
    "bot.listeners",
    "bot.flows",
    "bot.scheduling",
    "bot.reconcile",
    "bot.directory",
    "bot.hosts",
    "httpx",
    "aiohttp",
    "aiosqlite",
    "slack_sdk",
    "slack_bolt",
    "asyncio",
    "socket",
    "urllib.request",
    "zoom.client",
)
# Pure modules inside otherwise impure packages. bot.store.rows maps rows to models and
# does no I/O, but importing it loads the store package: render/home.py and the web routes
# use it; moving it out of bot/store (or a lazy bot/store/__init__) would end this exception.
PURE_EXCEPTIONS = ("bot.store.rows",)

# Over 400 lines, to be split by the engineers who own them (issue 12); remove as they go.
PENDING_SPLITS: dict[str, str] = {}


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _matches(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", _modules("zoom"), ids=_rel)
def test_zoom_never_imports_bot(path: Path) -> None:
    assert not [n for n in _imports(path) if _matches(n, ("bot",))]


@pytest.mark.parametrize("path", _modules("bot/render") + _modules("bot/reading"), ids=_rel)
def test_render_and_reading_do_no_io(path: Path) -> None:
    impure = {
        n for n in _imports(path) if _matches(n, IO_MODULES) and not _matches(n, PURE_EXCEPTIONS)
    }
    # `from bot.store.rows import x` also names `bot.store.rows.x`; `from bot import store`
    # names `bot.store`.
    assert not impure, f"{_rel(path)} imports {sorted(impure)}"


@pytest.mark.parametrize("path", _modules("bot"), ids=_rel)
def test_long_modules_say_why(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    if lines <= MAX_LINES or _rel(path) in PENDING_SPLITS:
        return
    docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
    first_paragraph = docstring.split("\n\n")[0].splitlines()
    assert any(line.startswith("Long because") for line in first_paragraph), (
        f"{_rel(path)} has {lines} lines and no 'Long because' in its docstring"
    )


def test_pending_splits_are_still_long() -> None:
    """An entry leaves PENDING_SPLITS when its module is split."""
    for rel in PENDING_SPLITS:
        path = ROOT / rel
        assert path.exists() and len(path.read_text().splitlines()) > MAX_LINES, rel
