"""The container image (Dockerfile, .dockerignore): what it holds, that its recipe works, and,
where a container engine answers, that the built image runs as non-root and reports healthy.

- Static (no engine): a slim Python base, the pins installed (`-c constraints.txt`), a non-root
  `USER`, a `HEALTHCHECK` on /healthz, a writable data directory for SQLite; and the build
  context that .dockerignore lets through holds no tests, test doubles, `.env` or databases.
- The recipe (no engine): the Dockerfile's steps in a temporary directory: the wheel installed
  with the pins into a fresh venv, `app.py` beside it, the image's `CMD` started with the
  image's environment, and the image's `HEALTHCHECK` command run against it until it passes.
- The image (an engine): `docker build`, then `docker run`, `id -u` in the container, and the
  engine's own health status polled with a deadline. Docker is used when `docker info`
  answers; else Podman when `podman info` answers and the base image is already local (Podman
  pulls nothing here); else the test skips with "needs a Docker engine (docker info failed)".
  `.ci/run` does not require it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.app_process import free_port
from tests.tracked import tracked_copy

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

# Settings that let the app start and answer /healthz with no Slack or Zoom behind them: the
# URLs point at a closed port; /healthz needs only the store.
OFFLINE_SETTINGS = {
    "SLACK_BOT_TOKEN": "xoxb-container-check",
    "SLACK_SIGNING_SECRET": "container-check-secret",
    "ZOOM_ACCOUNT_ID": "container-check",
    "ZOOM_CLIENT_ID": "container-check",
    "ZOOM_CLIENT_SECRET": "container-check-secret",
    "SLACK_API_URL": "http://127.0.0.1:9/api/",
    "ZOOM_API_URL": "http://127.0.0.1:9/v2",
    "ZOOM_OAUTH_URL": "http://127.0.0.1:9/oauth/token",
}


# -- reading the Dockerfile ----------------------------------------------------------------------


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    lines = [line for line in DOCKERFILE.read_text().splitlines() if not line.startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def arguments(keyword: str) -> list[str]:
    return [rest for kw, rest in instructions() if kw == keyword]


def image_env() -> dict[str, str]:
    """The image's ENV (the `KEY=value …` form)."""
    env: dict[str, str] = {}
    for rest in arguments("ENV"):
        for part in shlex.split(rest):
            key, _, value = part.partition("=")
            env[key] = value
    return env


def healthcheck_command() -> list[str]:
    (rest,) = arguments("HEALTHCHECK")
    _, _, command = rest.partition("CMD ")
    return ["sh", "-c", command]  # the shell form, as the engine runs it


# -- .dockerignore, as the engine reads it ------------------------------------------------------


def _pattern(text: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(text):
        if text.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif text.startswith("**", i):
            out, i = out + ".*", i + 2
        elif text[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif text[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(text[i]), i + 1
    return re.compile(out + "$")


def build_context(root: Path) -> list[str]:
    """The files under `root` that a build would be sent: .dockerignore's rules in order, the
    last matching one wins, `!` lets a path back in, a pattern matching a directory matches
    everything under it."""
    rules = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            allow = line.startswith("!")
            rules.append((allow, _pattern(line.lstrip("!").strip("/"))))
    sent = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or ".git" in path.relative_to(root).parts[:1]:
            continue
        rel = path.relative_to(root).as_posix()
        prefixes = ["/".join(rel.split("/")[: n + 1]) for n in range(rel.count("/") + 1)]
        included = True
        for allow, pattern in rules:
            if any(pattern.match(prefix) for prefix in prefixes):
                included = allow
        if included:
            sent.append(rel)
    return sent


# -- static: no engine needed --------------------------------------------------------------------


def test_dockerfile_is_slim_pinned_non_root_and_health_checked() -> None:
    (base,) = arguments("FROM")
    assert re.fullmatch(r"python:3\.1[1-9]-slim(-\w+)?", base), base
    installs = [rest for rest in arguments("RUN") if "pip install" in rest]
    assert installs and all("-c constraints.txt" in rest for rest in installs), installs
    users = arguments("USER")
    assert users and users[-1] not in ("root", "0", "0:0"), users
    (healthcheck,) = arguments("HEALTHCHECK")
    assert "/healthz" in healthcheck and "CMD" in healthcheck
    # The non-root user can write its SQLite database (the code itself is root's).
    database = image_env()["DATABASE_URL"]
    assert database.startswith("sqlite:////data/"), database
    assert any("chown" in rest and "/data" in rest for rest in arguments("RUN"))
    copied = " ".join(arguments("COPY"))
    for never in ("tests", ".env", ".db", "fake", ".venv"):
        assert never not in copied, f"the Dockerfile copies {never}: {copied}"


def test_build_context_holds_no_tests_doubles_secrets_or_databases(tmp_path: Path) -> None:
    # A working tree as a developer has it: a .env, databases, caches beside the code.
    for rel in (
        ".env",
        "zoombot.db",
        "zoombot.db-wal",
        "bot/stray.db",
        "bot/__pycache__/x.cpython-311.pyc",
        ".venv/bin/python",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for rel in tracked:
        if (ROOT / rel).is_file():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text("")
    sent = build_context(tmp_path)
    assert "app.py" in sent and "constraints.txt" in sent and "bot/__init__.py" in sent
    bad = [
        rel
        for rel in sent
        if rel.startswith(("tests/", "demo/", "bench/", ".venv/", "docs/"))
        or rel.endswith((".db", ".db-wal", ".pyc", ".env"))
        or "fake" in rel
        or "app_process" in rel
        or rel.startswith(("zoom/testing/", "bot/testing/"))
    ]
    assert bad == []
    # Everything the Dockerfile copies is in the context.
    for rest in arguments("COPY"):
        for source in shlex.split(rest)[:-1]:
            assert any(rel == source or rel.startswith(source + "/") for rel in sent), source


# -- the recipe, followed without an engine -----------------------------------------------------


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=True, **kwargs)  # type: ignore[call-overload]


@pytest.mark.timeout(900)  # a fresh venv and the pinned dependencies, installed
def test_the_recipe_installs_the_pins_and_the_app_reports_healthy(tmp_path: Path) -> None:
    """The Dockerfile's steps on this machine: a fresh venv (the base image's Python), the
    wheel installed with `-c constraints.txt`, `app.py` in the work directory, the image's
    ENV, a writable data directory, the image's CMD, then the image's HEALTHCHECK command."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], timeout=120)
    python = venv / "bin" / "python"
    wheels = tmp_path / "wheels"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(tracked_copy(tmp_path / "source")),
        ],
        timeout=300,
    )
    (wheel,) = wheels.glob("zoombot-*.whl")
    _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "-c",
            str(ROOT / "constraints.txt"),
            str(wheel),
        ],
        timeout=600,
    )
    # The versions installed are the pinned ones.
    pins = dict(
        line.split("==", 1)
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    frozen = _run([str(python), "-m", "pip", "freeze"]).stdout.splitlines()
    for line in frozen:
        name, _, version = line.partition("==")
        if name.lower() in {key.lower() for key in pins} and version:
            assert {k.lower(): v for k, v in pins.items()}[name.lower()] == version, line

    workdir = tmp_path / "app"
    data = tmp_path / "data"
    workdir.mkdir()
    data.mkdir()
    for rel in ("app.py", "manifest.yml"):
        shutil.copy(ROOT / rel, workdir / rel)
    env = {k: os.environ[k] for k in ("PATH", "LANG", "TMPDIR") if k in os.environ}
    env.update(image_env())
    env.update(OFFLINE_SETTINGS)
    env["DATABASE_URL"] = env["DATABASE_URL"].replace("sqlite:////data/", f"sqlite:///{data}/")
    env.update({"HOST": "127.0.0.1", "PORT": str(free_port()), "HOME": str(tmp_path)})
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    (cmd,) = arguments("CMD")
    log = open(tmp_path / "app.log", "wb")  # closed below
    app = subprocess.Popen(
        json.loads(cmd), cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            check = subprocess.run(
                healthcheck_command(), cwd=workdir, env=env, capture_output=True, timeout=10
            )
            if check.returncode == 0:
                break
            assert app.poll() is None, (tmp_path / "app.log").read_text()
            assert time.monotonic() < deadline, (
                f"the HEALTHCHECK command never passed: {check.stderr.decode()[-500:]}\n"
                + (tmp_path / "app.log").read_text()
            )
            time.sleep(0.2)
        # It ran from the installed wheel, not from this checkout.
        where = _run(
            [str(python), "-c", "import bot; print(bot.__file__)"], cwd=workdir, env=env
        ).stdout
        assert str(venv) in where, where
        assert (data / "zoombot.db").exists()
    finally:
        app.terminate()
        app.wait(15)
        log.close()
    assert "Traceback" not in (tmp_path / "app.log").read_text()


# -- the image, where an engine answers ----------------------------------------------------------


def _answers(command: list[str]) -> bool:
    if shutil.which(command[0]) is None:
        return False
    try:
        return subprocess.run(command, capture_output=True, timeout=60).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def container_engine() -> str | None:
    """ "docker" when its engine answers; else "podman" when it works and holds the base image
    (this machine reaches no image registry); else None."""
    if _answers(["docker", "info"]):
        return "docker"
    (base,) = arguments("FROM")
    if _answers(["podman", "info"]) and _answers(["podman", "image", "exists", base]):
        return "podman"
    return None


@pytest.fixture(scope="module")
def engine() -> str:
    found = container_engine()
    if found is None:
        pytest.skip("needs a Docker engine (docker info failed)")
    return found


def _podman_build_extras() -> list[str]:
    """A build behind this host's pip settings (index, certificate): Podman can mount them."""
    extras = ["--pull=never", "--format=docker", "--network=host"]
    for path in ("/etc/pip.conf", "/etc/ssl/certs/ca-certificates.crt"):
        if Path(path).is_file():
            extras += ["-v", f"{path}:{path}:ro"]
    return extras


@pytest.fixture(scope="module")
def image(engine: str) -> Iterator[str]:
    tag = f"zoombot-test:{uuid.uuid4().hex[:8]}"
    extras = _podman_build_extras() if engine == "podman" else []
    built = subprocess.run(
        [engine, "build", *extras, "-t", tag, str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    yield tag
    subprocess.run([engine, "rmi", "-f", tag], capture_output=True, timeout=300)


@pytest.mark.timeout(1800)  # the build installs every pinned dependency
def test_the_image_runs_as_non_root_and_reports_healthy(engine: str, image: str) -> None:
    name = f"zoombot-test-{uuid.uuid4().hex[:8]}"
    settings = [f"-e{key}={value}" for key, value in OFFLINE_SETTINGS.items()]
    # Podman here runs containers on the host's network (no bridge), on a port of their own.
    network = ["--network=host", f"-ePORT={free_port()}"] if engine == "podman" else []
    _run([engine, "run", "-d", "--name", name, *network, *settings, image], timeout=300)
    try:
        uid = _run([engine, "exec", name, "id", "-u"], timeout=60).stdout.strip()
        assert uid != "0", "the container runs as root"
        deadline = time.monotonic() + 120
        status = ""
        while status != "healthy":
            if engine == "podman":  # no systemd timer runs Podman's checks here: run one
                subprocess.run([engine, "healthcheck", "run", name], capture_output=True)
            status = _run(
                [engine, "inspect", "--format", "{{.State.Health.Status}}", name], timeout=60
            ).stdout.strip()
            if status == "unhealthy" or time.monotonic() >= deadline:
                logs = subprocess.run([engine, "logs", name], capture_output=True, text=True)
                pytest.fail(f"health {status!r}; the container's log:\n{logs.stdout}{logs.stderr}")
            time.sleep(1)
    finally:
        subprocess.run([engine, "rm", "-f", name], capture_output=True, timeout=120)
