"""Application factory: lifespan, middleware, handlers and routers only."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service import __version__
from service.audit import router as audit_router
from service.audit.service import AuditLog
from service.auth import router as auth_router
from service.auth.credentials import Authenticator
from service.auth.exceptions import OAuthError
from service.auth.lockout import Lockout
from service.config import Settings, get_settings
from service.db import create_engine, create_sessionmaker
from service.errors import install_exception_handlers
from service.kit.batching import BatchWriter
from service.kit.sinks import sink_for
from service.kit.crypto import master_fernet
from service.kit.keystore import DataKeyStore
from service.routing import mount
from service.observability import health, metrics
from service.observability.anomaly import AnomalyDetector
from service.observability.logging import configure_logging
from service.observability.middleware import GatewayMiddleware
from service.openapi import install_openapi
from service.prediction import router as prediction_router
from service.prediction.client import UpstreamClient, build_http_client
from service.prediction.local import load_local_models
from service.prediction.registry import load_registry
from service.prediction.service import PredictionRuntime
from service.records import router as records_router
from service.records.retention import retention_loop
from service.ratelimit.backend import BackendUnavailable, MemoryBackend, RateLimitBackend, RedisBackend
from service.ratelimit.service import RateLimiter, backend_unavailable_handler
from service.redaction import router as redaction_router
from service.redaction import service as redaction_service

DESCRIPTION = """Every call to a model authenticated, scoped, rate limited, stripped of personal data and
recorded in encrypted form. Use **Authorize** with a client id and secret (OAuth2 client credentials) or
paste an API key (`gk_...`) as a bearer token."""


def build_ratelimit_backend(settings: Settings) -> RateLimitBackend:
    if settings.redis_url:
        return RedisBackend(settings.redis_url, prefix=f"{settings.redis_key_prefix}rl:",
                            failure_mode=settings.rate_limit_failure_mode,
                            on_error=metrics.ratelimit_backend_error)
    return MemoryBackend()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.sqlalchemy_url, pool_size=settings.database_pool_size)
        sessionmaker = create_sessionmaker(engine)
        app.state.engine = engine
        app.state.sessionmaker = sessionmaker
        app.state.http = build_http_client(settings.upstream_connect_timeout, settings.upstream_read_timeout)
        backend = build_ratelimit_backend(settings)
        app.state.limiter = RateLimiter(backend, default_per_minute=settings.rate_limit_per_minute,
                                        burst=settings.rate_limit_burst)
        writer = BatchWriter(sink=sink_for(engine, sessionmaker))
        writer.start()
        app.state.writer = writer
        app.state.audit = AuditLog(writer)
        app.state.anomaly = AnomalyDetector.from_settings(settings, app.state.audit, sessionmaker)
        metrics.start_process()
        lockout = Lockout(backend, limit=settings.auth_failure_limit, period_seconds=settings.auth_lockout_seconds)
        authenticator = Authenticator(settings, sessionmaker, master_fernet(settings.master_key_list),
                                      app.state.audit, lockout)
        app.state.authenticator = authenticator
        app.state.keystore = DataKeyStore(sessionmaker, master_fernet(settings.master_key_list))
        retention: asyncio.Task[None] | None = None
        engine_ = redaction_service.build_engine(str(settings.recognizers_file) if settings.recognizers_file else None)
        app.state.redaction = engine_
        app.state.redaction_pool = redaction_service.OffloadPool(
            str(settings.recognizers_file) if settings.recognizers_file else None, settings.redaction_workers,
            settings.redaction_timeout_seconds, settings.redaction_offload_chars)
        app.state.entity_names = frozenset(name for name, _ in engine_.entity_types())
        app.state.redaction_hash_key = redaction_service.hash_operator_key(settings.pepper_bytes)
        registry = load_registry(settings.models_file)
        upstream = (UpstreamClient(app.state.http, settings.upstream_url,
                                   settings.upstream_api_key.get_secret_value() if settings.upstream_api_key else None,
                                   retries=settings.upstream_retries) if settings.upstream_url else None)
        app.state.prediction = PredictionRuntime(registry, load_local_models(list(registry.models.values())),
                                                 upstream, engine_, settings.max_text_chars, app.state.limiter,
                                                 app.state.redaction_pool)
        try:
            await app.state.keystore.verify_all()  # a wrong master key stops here, before anything else
            await authenticator.start()
            retention = asyncio.get_running_loop().create_task(retention_loop(app), name="record-retention")
            # Start-up allocations are long-lived: move them out of the collector's way so full
            # collections stay in the low milliseconds instead of tens of them.
            gc.collect()
            gc.freeze()
            # A request allocates thousands of short-lived containers that reference counting frees; a
            # larger young-generation threshold runs the cyclic collector far less often per request.
            gc.set_threshold(50_000, 20, 20)
            yield
        finally:
            if retention is not None:
                retention.cancel()
            app.state.redaction_pool.close()
            await authenticator.close()
            await writer.close()
            await backend.close()
            await app.state.http.aclose()
            await engine.dispose()
            await app.state.anomaly.close()
            metrics.stop_process()

    app = FastAPI(
        title="LLM Privacy Gateway",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        swagger_ui_parameters={"persistAuthorization": False, "displayRequestDuration": True},
        swagger_ui_init_oauth={"scopeSeparator": " "},
        # Our own metrics and logs cover requests (observability/); FastAPI's OpenTelemetry hooks would
        # only cost a provider check per request here.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    install_exception_handlers(app)
    app.add_exception_handler(OAuthError, auth_router.oauth_error_handler)  # type: ignore[arg-type]
    app.add_exception_handler(BackendUnavailable, backend_unavailable_handler)  # type: ignore[arg-type]
    app.add_middleware(GatewayMiddleware, settings=settings)
    # Matching walks the routers in order: the data plane first, operations last.
    routers = [prediction_router.router, redaction_router.router, auth_router.admin_router, auth_router.oauth_router,
               records_router.router, audit_router.router, metrics.metrics_router(), health.router]
    mount(app, routers)
    install_openapi(app, routers)
    return app
