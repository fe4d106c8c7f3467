"""The `gateway` command (also `python -m service`).

Exit codes: 0 success, 1 the operation failed, 2 bad usage or configuration (one line on stderr).
Secrets printed by create-* commands go to stdout only, as one JSON object, and nowhere else.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from service.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent


def _fail(message: str, code: int = 2) -> int:
    print(f"gateway: {message}", file=sys.stderr)
    return code


def alembic_config(settings: Settings):  # noqa: ANN201 - alembic is imported lazily
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["url"] = settings.sqlalchemy_url
    cfg.attributes["configure_logger"] = False
    return cfg


def migrate(settings: Settings, revision: str = "head") -> None:
    from alembic import command

    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), revision)


def _cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    try:
        migrate(settings)
    except Exception as exc:  # noqa: BLE001 - reported as one line
        return _fail(f"migration failed ({type(exc).__name__}); is the database reachable?", 1)
    print("database is at the latest revision", file=sys.stderr)
    return 0


def _prepare_metrics_dir(settings: Settings) -> Path:
    """A fresh prometheus multiprocess directory for this server, set in the environment so that every
    worker (spawned below) counts into it. Must run before anything imports prometheus_client; stale
    directories of servers no longer running are removed."""
    import shutil

    explicit = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if explicit:  # the operator's directory: only our kind of file is removed from it
        path = Path(explicit)
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in path.glob("*.db"):
            old.unlink(missing_ok=True)
        return path
    parent = settings.data_dir / "prometheus"
    parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in parent.iterdir():
        if old.name.isdigit() and not _pid_alive(int(old.name)):
            shutil.rmtree(old, ignore_errors=True)
    path = parent / str(os.getpid())
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    if "prometheus_client.values" in sys.modules:  # imported early after all: switch it over
        from prometheus_client import values

        values.ValueClass = values.get_value_class()
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    # Several workers count into shared files (prometheus multiprocess mode); a single worker serves its
    # own in-memory registry, which costs a third of the file-backed one per observation.
    metrics_dir = _prepare_metrics_dir(settings) if args.workers > 1 or os.environ.get("PROMETHEUS_MULTIPROC_DIR") \
        else None
    import shutil

    import uvicorn

    from service.observability.logging import uvicorn_log_config

    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        return _fail("--ssl-certfile and --ssl-keyfile go together")
    for path in (args.ssl_certfile, args.ssl_keyfile):
        if path and not Path(path).is_file():
            return _fail(f"TLS file not found: {path}")
    try:  # the same checks the lifespan makes, so a mistake stops here with one line, before any worker
        from service.prediction.local import load_local_models
        from service.prediction.registry import load_registry
        from service.redaction.service import build_engine

        build_engine(str(settings.recognizers_file) if settings.recognizers_file else None)
        load_local_models(list(load_registry(settings.models_file).models.values()))
        from service.records.cli import check_master_keys

        check_master_keys(settings)
    except ConfigError as exc:
        return _fail(f"configuration error: {exc}")
    if settings.metrics_address:
        from service.observability.metrics import start_listener

        try:
            start_listener(settings.metrics_address)
        except OSError as exc:
            return _fail(f"cannot listen for metrics on {settings.metrics_address} ({type(exc).__name__})", 1)
        print(f"gateway: metrics without authentication on http://{settings.metrics_address}/metrics",
              file=sys.stderr)
    scheme = "https" if args.ssl_certfile else "http"
    print(f"gateway: serving on {scheme}://{args.host}:{args.port} (Swagger UI at {scheme}://{args.host}:{args.port}/docs)",
          file=sys.stderr)
    try:
        uvicorn.run(
            "service.main:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
            ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile,
            # X-Forwarded-* are handled by our middleware, and only from GATEWAY_TRUSTED_PROXIES.
            proxy_headers=False, server_header=False, access_log=False,
            log_config=uvicorn_log_config(settings.log_level, settings.log_format),
            timeout_graceful_shutdown=10,
        )
    finally:  # (after SIGTERM uvicorn re-raises the signal and this never runs: the next start cleans up)
        if metrics_dir is not None and metrics_dir.parent == settings.data_dir / "prometheus":
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


@asynccontextmanager
async def _runtime(settings: Settings) -> AsyncIterator[tuple[Any, Any]]:
    """Engine, sessionmaker and authenticator for one command, without an HTTP server."""
    from service.audit.service import AuditLog
    from service.auth.credentials import Authenticator
    from service.auth.lockout import Lockout
    from service.db import create_engine, create_sessionmaker
    from service.kit.batching import BatchWriter
    from service.kit.crypto import master_fernet
    from service.ratelimit.backend import MemoryBackend

    engine = create_engine(settings.sqlalchemy_url)
    sessionmaker = create_sessionmaker(engine)
    lockout = Lockout(MemoryBackend(), limit=settings.auth_failure_limit, period_seconds=settings.auth_lockout_seconds)
    auth = Authenticator(settings, sessionmaker, master_fernet(settings.master_key_list),
                         AuditLog(BatchWriter(sessionmaker)), lockout)
    try:
        yield sessionmaker, auth
    finally:
        await engine.dispose()


def _run_async(coro: Any) -> int:
    from service.errors import GatewayError

    try:
        return asyncio.run(coro)
    except GatewayError as exc:
        return _fail(exc.detail, 1)
    except Exception as exc:  # noqa: BLE001 - one line, no traceback (it could quote data)
        return _fail(f"{type(exc).__name__}; is the database reachable and migrated (gateway migrate)?", 1)


def _cmd_create_client(settings: Settings, args: argparse.Namespace) -> int:
    from service.auth import service as auth_service
    from service.auth.roles import ordered, scopes_for_roles

    async def run() -> int:
        async with _runtime(settings) as (sessionmaker, auth):
            async with sessionmaker() as session:
                client, secret = await auth_service.create_client(
                    session, auth, name=args.name, roles=args.role, rate_limit_per_minute=args.rate_limit,
                    tokens_per_minute=args.tokens_per_minute, actor="cli")
                await session.commit()
        print(json.dumps({"client_id": client.id, "client_secret": secret, "roles": client.roles,
                          "scopes": ordered(scopes_for_roles(client.roles))}))
        return 0

    return _run_async(run())


def _cmd_create_key(settings: Settings, args: argparse.Namespace) -> int:
    from service.auth import service as auth_service

    async def run() -> int:
        async with _runtime(settings) as (sessionmaker, auth):
            async with sessionmaker() as session:
                key, api_key = await auth_service.create_key(
                    session, auth, args.client, name=args.name, scopes=args.scope or None,
                    rate_limit_per_minute=args.rate_limit, tokens_per_minute=args.tokens_per_minute, actor="cli")
                await session.commit()
        print(json.dumps({"key_id": key.id, "api_key": api_key, "scopes": key.scopes}))
        return 0

    return _run_async(run())


def _cmd_rotate_signing_key(settings: Settings, args: argparse.Namespace) -> int:
    from service.audit.service import Action

    async def run() -> int:
        async with _runtime(settings) as (_, auth):
            kid = await auth.rotate_signing_key()
            await auth.audit.record(Action.SIGNING_KEY_ROTATED, actor="cli", target=f"kid:{kid}")
        print(json.dumps({"kid": kid, "algorithm": settings.jwt_algorithm}))
        return 0

    return _run_async(run())


def _cmd_rotate_keys(settings: Settings, args: argparse.Namespace) -> int:
    from service.records import cli as records_cli

    return records_cli.rotate_keys(settings)


def _cmd_purge(settings: Settings, args: argparse.Namespace) -> int:
    from service.records import cli as records_cli

    return records_cli.purge(settings, args.older_than)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gateway", description="LLM privacy and security gateway")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--ssl-certfile")
    serve.add_argument("--ssl-keyfile")
    serve.set_defaults(handler=_cmd_serve)

    sub.add_parser("migrate", help="upgrade the database to the latest revision").set_defaults(handler=_cmd_migrate)

    client = sub.add_parser("create-client", help="create an OAuth2 client; prints its secret once")
    client.add_argument("--name", required=True)
    client.add_argument("--role", action="append", required=True, choices=["admin", "auditor", "predictor", "redactor"])
    client.add_argument("--rate-limit", type=int, default=None, help="requests per minute")
    client.add_argument("--tokens-per-minute", type=int, default=None, help="model tokens per minute")
    client.set_defaults(handler=_cmd_create_client)

    key = sub.add_parser("create-key", help="create an API key for a client; prints it once")
    key.add_argument("--client", required=True, help="client id")
    key.add_argument("--scope", action="append", help="repeat for several; default: all the client's scopes")
    key.add_argument("--name")
    key.add_argument("--rate-limit", type=int, default=None, help="requests per minute")
    key.add_argument("--tokens-per-minute", type=int, default=None, help="model tokens per minute")
    key.set_defaults(handler=_cmd_create_key)

    sub.add_parser("rotate-signing-key", help="make a new current JWT signing key").set_defaults(
        handler=_cmd_rotate_signing_key)
    sub.add_parser("rotate-keys", help="re-wrap client data keys (and signing keys) under the first master key"
                   ).set_defaults(handler=_cmd_rotate_keys)
    purge = sub.add_parser("purge", help="delete records older than the retention period")
    purge.add_argument("--older-than", type=int, default=None, metavar="DAYS")
    purge.set_defaults(handler=_cmd_purge)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return _fail(f"configuration error: {exc}")
    return int(args.handler(settings, args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
