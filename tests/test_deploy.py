"""The docker-compose deployment describes what production needs (no Docker engine runs here to start it)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_api_postgres_redis_with_health_checks() -> None:
    services = _compose()["services"]
    assert {"api", "postgres", "redis"} <= set(services)
    for name in ("api", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    api = services["api"]
    assert api["deploy"]["replicas"] >= 2 or "--workers" in str(api.get("command", ""))
    assert api["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert api["depends_on"]["redis"]["condition"] == "service_healthy"


def test_api_runs_in_production_with_secrets_from_the_environment() -> None:
    env = _compose()["services"]["api"]["environment"]
    assert env["GATEWAY_ENV"] == "production"
    assert env["GATEWAY_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert env["GATEWAY_REDIS_URL"].startswith("redis://redis:")
    for secret in ("GATEWAY_MASTER_KEYS", "GATEWAY_KEY_PEPPER"):
        # `${VAR:?message}`: compose refuses to start without it; no value is written in the file.
        assert re.fullmatch(r"\$\{" + secret + r":\?[^}]*\}", env[secret]), secret
    assert "${POSTGRES_PASSWORD:?" in env["GATEWAY_DATABASE_URL"]


def test_postgres_password_is_not_hard_coded() -> None:
    pg = _compose()["services"]["postgres"]["environment"]
    assert pg["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_dockerfile_runs_migrations_and_serves_as_non_root() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "USER gateway" in text and "gateway migrate" in text and "gateway serve" in text
