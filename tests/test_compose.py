"""compose.yaml parses and wires PostgreSQL, two instances and the proxy (no Docker here:
the images are not built by the tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="needs optional import yaml")

ROOT = Path(__file__).resolve().parents[1]


def test_compose_has_postgres_two_instances_and_a_proxy() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:15")
    for name in ("zoombot-1", "zoombot-2"):
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql://") and "@postgres:5432/" in url
    assert services["migrate"]["command"] == ["python", "app.py", "migrate"]
    caddyfile = (ROOT / "Caddyfile").read_text()
    assert "zoombot-1:3000 zoombot-2:3000" in caddyfile and "health_uri /healthz" in caddyfile
    assert "HEALTHCHECK" in (ROOT / "Dockerfile").read_text()
