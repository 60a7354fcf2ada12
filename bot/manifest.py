"""`python app.py manifest`: manifest.yml filled in for the current settings, to paste into
api.slack.com/apps → Create New App → From a manifest.

Needs no Slack token (the manifest comes before them): it reads ZOOMBOT_COMMAND,
ZOOMBOT_PUBLIC_URL and SLACK_APP_TOKEN from the environment (and `.env`). Socket Mode unless
a public URL is set and no app-level token; every URL (request URLs, the OAuth redirect)
is on ZOOMBOT_PUBLIC_URL when it is set. The file's comments are kept.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from bot.settings import command_name, read_dotenv

TEMPLATE = Path(__file__).resolve().parent.parent / "manifest.yml"
PLACEHOLDER = "https://example.com/"  # every URL in manifest.yml starts with it


class ManifestError(ValueError):
    """A setting the manifest needs is malformed; `str()` says which."""


def render_manifest(template: str, env: Mapping[str, str]) -> str:
    """`template` (manifest.yml's text) filled in for the settings in `env`."""
    problems: list[str] = []
    command = command_name(env, problems)
    public_url = (env.get("ZOOMBOT_PUBLIC_URL") or "").strip().rstrip("/")
    if public_url and not public_url.startswith(("http://", "https://")):
        problems.append(f"ZOOMBOT_PUBLIC_URL must be an http(s) URL, not {public_url!r}.")
    if problems:
        raise ManifestError("\n".join(problems))
    socket_mode = bool((env.get("SLACK_APP_TOKEN") or "").strip()) or not public_url
    text = re.sub(r"(?m)^(\s*- command: )/zoom\s*$", rf"\g<1>{command}", template)
    text = re.sub(
        r"(?m)^(\s*socket_mode_enabled: )\w+",
        rf"\g<1>{'true' if socket_mode else 'false'}",
        text,
    )
    if public_url:
        text = text.replace(PLACEHOLDER, public_url + "/")
    return text


def main(argv: list[str]) -> int:
    env = {**read_dotenv(), **os.environ}
    try:
        print(render_manifest(TEMPLATE.read_text(), env), end="")
    except ManifestError as problem:
        print(problem, file=sys.stderr)
        return 2
    return 0
