"""Settings, read once from `GATEWAY_*` environment variables (and an optional `.env`).

Threat model: a gateway that starts with a guessable master key or pepper silently protects nothing,
so in production every secret must be given explicitly and must not be a placeholder; a bad value stops
the process at start with one readable line (`ConfigError`). Outside production, missing secrets are
generated once into the data dir (mode 0600, written atomically so concurrent workers agree) and a
single warning says so. Secrets are `SecretStr`, so they never show in reprs, logs or tracebacks.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import os
import secrets
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger("gateway.config")

_PLACEHOLDERS = ("changeme", "changethis", "change_me", "change-me", "placeholder", "example", "secret",
                 "password", "xxxx", "todo", "dummy", "default", "insecure")
SECRETS_FILE = "secrets.json"


class ConfigError(Exception):
    """A configuration problem; its message is one line a person can act on and holds no secret."""


def _is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return len(set(lowered)) < 8 or any(p in lowered for p in _PLACEHOLDERS)


def _fernet_key_ok(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", env_file=".env", extra="ignore", frozen=True)

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path(".gateway")
    database_url: str | None = Field(default=None, description="SQLAlchemy async URL; default SQLite in data_dir")
    database_pool_size: int = Field(default=10, ge=1, le=200)
    redis_url: str | None = None
    redis_key_prefix: str = Field(default="gw:", max_length=64, description="Namespace of this deployment's Redis keys")

    master_keys: SecretStr | None = Field(default=None, description="Comma-separated Fernet keys; the first encrypts")
    key_pepper: SecretStr | None = Field(default=None, description="HMAC key for stored client secrets and API keys")

    jwt_algorithm: Literal["RS256", "ES256", "HS256"] = "RS256"
    jwt_signing_key: SecretStr | None = Field(default=None, description="PEM private key (RS256/ES256) or HS256 secret")
    jwt_issuer: str = "http://127.0.0.1:8000"
    jwt_audience: str = "llm-gateway"
    access_token_ttl_seconds: int = Field(default=900, ge=30, le=86_400)

    rate_limit_per_minute: int = Field(default=120, ge=1)
    rate_limit_burst: int | None = Field(default=None, ge=1)
    rate_limit_failure_mode: Literal["open", "closed"] = "closed"
    auth_failure_limit: int = Field(default=10, ge=1, description="Failed client authentications before lockout")
    auth_lockout_seconds: int = Field(default=300, ge=1)
    token_requests_per_minute: int = Field(default=60, ge=1, description="Pre-auth limit per source address")

    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_text_chars: int = Field(default=500_000, ge=1)
    redaction_workers: int = Field(default=1, ge=1, le=16, description="Processes that redact long texts")
    redaction_timeout_seconds: float = Field(default=5.0, gt=0, le=600,
                                             description="Deadline of one redaction in a worker; 503 past it")
    redaction_offload_chars: int = Field(default=2048, ge=64, description="Longer texts go to a worker process")

    upstream_url: str | None = None
    upstream_api_key: SecretStr | None = None
    upstream_connect_timeout: float = Field(default=5.0, gt=0)
    upstream_read_timeout: float = Field(default=60.0, gt=0)
    upstream_retries: int = Field(default=2, ge=0, le=10)
    models_file: Path | None = None
    recognizers_file: Path | None = None

    record_retention_days: int = Field(default=30, ge=0)
    record_content: Literal["redacted", "metadata"] = Field(
        default="redacted", description="What records keep: redacted input and output, or metadata only")
    store_raw_input: bool = False

    force_https: bool = False
    hsts_max_age: int = Field(default=31_536_000, ge=0)
    trusted_proxies: str = Field(default="", description="Comma-separated IPs/CIDRs whose X-Forwarded-* count")

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    metrics_address: str | None = Field(default=None, description="host:port of a separate /metrics listener "
                                        "without authentication (loopback only unless metrics_allow_remote)")
    metrics_allow_remote: bool = Field(default=False, description="Allow a non-loopback GATEWAY_METRICS_ADDRESS")

    # Unusual activity: this many events of one kind from one client or source address within the
    # window open an episode (one `anomaly.detected` audit event); it ends after a quiet period.
    anomaly_window_seconds: int = Field(default=60, ge=1, le=86_400)
    anomaly_quiet_seconds: int = Field(default=300, ge=1, le=86_400)
    anomaly_auth_failures: int = Field(default=10, ge=1)
    anomaly_scope_denials: int = Field(default=20, ge=1)
    anomaly_rate_limited: int = Field(default=100, ge=1)
    anomaly_pii_blocked: int = Field(default=20, ge=1)
    anomaly_auto_disable: bool = Field(default=False, description="Disable a client whose authentication-failure "
                                       "or scope-denial episode reaches anomaly_auto_disable_after events")
    anomaly_auto_disable_after: int = Field(default=100, ge=1)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url", "redis_url", "upstream_url", "metrics_address", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'gateway.db').resolve()}"

    @cached_property
    def master_key_list(self) -> list[str]:
        assert self.master_keys is not None, "resolve_secrets() first"
        return [k.strip() for k in self.master_keys.get_secret_value().split(",") if k.strip()]

    @cached_property
    def pepper_bytes(self) -> bytes:
        assert self.key_pepper is not None, "resolve_secrets() first"
        return self.key_pepper.get_secret_value().encode("utf-8")

    @cached_property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        nets = []
        for item in (p.strip() for p in self.trusted_proxies.split(",")):
            if item:
                nets.append(ipaddress.ip_network(item, strict=False))
        return tuple(nets)


def parse_address(value: str) -> tuple[str, int]:
    """`host:port` or `[v6]:port` → (host, port); raises ValueError."""
    host, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise ValueError("expected host:port")
    return host.strip("[]"), int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _validate(settings: Settings) -> None:
    keys = settings.master_key_list
    if not keys:
        raise ConfigError("GATEWAY_MASTER_KEYS is empty: give one or more comma-separated Fernet keys")
    for i, key in enumerate(keys, 1):
        if not _fernet_key_ok(key):
            raise ConfigError(f"GATEWAY_MASTER_KEYS entry {i} is not a Fernet key (32 url-safe base64-encoded bytes)")
    pepper = settings.key_pepper.get_secret_value() if settings.key_pepper else ""
    if len(pepper) < 32:
        raise ConfigError("GATEWAY_KEY_PEPPER must be at least 32 characters of random data")
    try:
        settings.trusted_proxy_networks
    except ValueError:
        raise ConfigError("GATEWAY_TRUSTED_PROXIES must be comma-separated IP addresses or CIDR networks") from None
    if settings.auth_failure_limit * settings.auth_lockout_seconds > 2_000_000:
        raise ConfigError("GATEWAY_AUTH_FAILURE_LIMIT x GATEWAY_AUTH_LOCKOUT_SECONDS must stay under 2,000,000 "
                          "seconds (about 23 days of lockout state)")
    if settings.upstream_url and not settings.upstream_url.startswith(("http://", "https://")):
        raise ConfigError("GATEWAY_UPSTREAM_URL must be an http(s) URL ending in /v1")
    if settings.metrics_address:
        try:
            host, _ = parse_address(settings.metrics_address)
        except ValueError:
            raise ConfigError("GATEWAY_METRICS_ADDRESS must be host:port (for example 127.0.0.1:9464)") from None
        if not is_loopback(host) and not settings.metrics_allow_remote:
            raise ConfigError("GATEWAY_METRICS_ADDRESS is not a loopback address and that listener has no "
                              "authentication; set GATEWAY_METRICS_ALLOW_REMOTE=true if the network is trusted")
    if settings.production:
        if _is_placeholder(pepper):
            raise ConfigError("GATEWAY_KEY_PEPPER looks like a placeholder; set a random value in production")
        if settings.jwt_signing_key and _is_placeholder(settings.jwt_signing_key.get_secret_value()[:64]):
            if settings.jwt_algorithm == "HS256":
                raise ConfigError("GATEWAY_JWT_SIGNING_KEY looks like a placeholder; set a random value in production")
        if settings.jwt_algorithm == "HS256" and settings.jwt_signing_key and len(
                settings.jwt_signing_key.get_secret_value()) < 32:
            raise ConfigError("GATEWAY_JWT_SIGNING_KEY for HS256 must be at least 32 characters")


def _write_secrets_once(path: Path, values: dict[str, str]) -> None:
    """Create `path` with mode 0600 unless it exists; the link step makes concurrent first starts agree."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(values, fh)
        try:
            os.link(tmp, path)
            logger.warning("generated development secrets in %s (mode 0600); set GATEWAY_MASTER_KEYS and "
                           "GATEWAY_KEY_PEPPER explicitly for production", path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)


def resolve_secrets(settings: Settings) -> Settings:
    """Fill missing secrets (outside production) and validate everything; raises ConfigError."""
    updates: dict[str, SecretStr] = {}
    missing = [name for name in ("master_keys", "key_pepper") if getattr(settings, name) is None]
    if missing:
        if settings.production:
            names = " and ".join(f"GATEWAY_{n.upper()}" for n in missing)
            raise ConfigError(f"{names} must be set when GATEWAY_ENV=production")
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = settings.data_dir / SECRETS_FILE
        if not path.exists():
            from cryptography.fernet import Fernet

            _write_secrets_once(path, {"master_keys": Fernet.generate_key().decode(),
                                       "key_pepper": secrets.token_urlsafe(48)})
        try:
            stored = json.loads(path.read_text())
        except (OSError, ValueError):
            raise ConfigError(f"cannot read generated secrets from {path}; remove it to regenerate") from None
        for name in missing:
            if not isinstance(stored.get(name), str):
                raise ConfigError(f"{path} lacks {name}; remove it to regenerate")
            updates[name] = SecretStr(stored[name])
    resolved = settings.model_copy(update=updates) if updates else settings
    _validate(resolved)
    return resolved


def load_settings(**overrides: object) -> Settings:
    """Read the environment (plus overrides), resolve secrets and validate; raises ConfigError."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        raise ConfigError(f"GATEWAY_{field.upper()}: {err['msg']}") from None
    return resolve_secrets(settings)


@lru_cache
def get_settings() -> Settings:
    return load_settings()
