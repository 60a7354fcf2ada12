"""zoombot's entry point.

python app.py                 serve Slack (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT)
python app.py parse TEXT ...  dry run: print how `/zoom TEXT` would be read, as JSON
python app.py manifest        print manifest.yml filled in for the settings (command, URLs)
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if argv[:1] == ["parse"]:
        from bot.dry_run import main as dry_run

        return dry_run(argv[1:])
    if argv[:1] == ["manifest"]:
        from bot.manifest import main as manifest

        return manifest(argv[1:])
    from bot.web.run import main as serve

    return serve(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
