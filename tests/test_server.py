"""The real `gateway serve`: TLS, forced HTTPS, and the command line's behaviour."""

from __future__ import annotations

import json
import ssl
import stat
from pathlib import Path

import httpx
import pytest
import trustme

from tests.conftest import MASTER_KEY, PEPPER
from tests.fixtures.server import gateway_env, run_cli, serve


@pytest.fixture
def server_env(tmp_path: Path) -> dict[str, str]:
    env = gateway_env(data_dir=str(tmp_path / "data"), master_keys=MASTER_KEY, key_pepper=PEPPER)
    result = run_cli("migrate", env=env)
    assert result.returncode == 0, result.stderr
    return env


class TestTLS:
    def test_serves_https_with_the_given_certificate(self, server_env, tmp_path: Path) -> None:
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        certfile, keyfile = tmp_path / "cert.pem", tmp_path / "key.pem"
        cert.private_key_and_cert_chain_pem.write_to_path(str(certfile))
        cert.private_key_pem.write_to_path(str(keyfile))
        context = ssl.create_default_context()
        ca.configure_trust(context)
        with serve(server_env, "--ssl-certfile", str(certfile), "--ssl-keyfile", str(keyfile), scheme="https",
                   verify=context) as base:
            response = httpx.get(f"{base}/readyz", verify=context)
            assert response.status_code == 200
            assert response.json() == {"status": "ready"}
            assert response.headers["strict-transport-security"].startswith("max-age=")
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"{base}/healthz", verify=ssl.create_default_context())  # untrusted CA is refused

    def test_force_https_redirects_get_and_refuses_post_over_plain_http(self, server_env) -> None:
        env = {**server_env, "GATEWAY_FORCE_HTTPS": "true"}
        with serve(env) as base:
            assert httpx.get(f"{base}/healthz").status_code == 200  # probes stay on plain HTTP
            get = httpx.get(f"{base}/v1/models?x=1", follow_redirects=False)
            assert get.status_code == 308
            assert get.headers["location"].startswith("https://127.0.0.1:") and get.headers["location"].endswith("/v1/models?x=1")
            post = httpx.post(f"{base}/oauth/token", data={"grant_type": "client_credentials"})
            assert post.status_code == 403
            assert post.headers["content-type"].startswith("application/problem+json")
            assert post.json()["error"] == "https_required"

    def test_forwarded_proto_counts_only_from_trusted_proxies(self, server_env) -> None:
        env = {**server_env, "GATEWAY_FORCE_HTTPS": "true"}
        with serve({**env, "GATEWAY_TRUSTED_PROXIES": "127.0.0.1"}) as base:
            ok = httpx.get(f"{base}/.well-known/jwks.json", headers={"X-Forwarded-Proto": "https"})
            assert ok.status_code == 200 and "strict-transport-security" in ok.headers
        with serve({**env, "GATEWAY_TRUSTED_PROXIES": "10.9.9.9"}) as base:
            spoofed = httpx.get(f"{base}/.well-known/jwks.json", headers={"X-Forwarded-Proto": "https"}, follow_redirects=False)
            assert spoofed.status_code == 308


class TestCommandLine:
    def test_production_without_secrets_stops_with_one_line(self, tmp_path: Path) -> None:
        env = gateway_env(env="production", data_dir=str(tmp_path / "d"))
        result = run_cli("serve", env=env)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "GATEWAY_MASTER_KEYS" in lines[0] and "production" in lines[0]
        assert "Traceback" not in result.stderr

    def test_production_with_placeholder_pepper_stops(self, tmp_path: Path) -> None:
        env = gateway_env(env="production", data_dir=str(tmp_path / "d"), master_keys=MASTER_KEY,
                          key_pepper="changeme-changeme-changeme-changeme-changeme")
        result = run_cli("migrate", env=env)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "placeholder" in result.stderr
        assert "changeme" not in result.stderr

    def test_invalid_master_key_stops_with_one_line_without_the_value(self, tmp_path: Path) -> None:
        env = gateway_env(data_dir=str(tmp_path / "d"), master_keys="not-a-fernet-key-canary", key_pepper=PEPPER)
        result = run_cli("migrate", env=env)
        assert result.returncode == 2 and result.stderr.count("\n") == 1
        assert "GATEWAY_MASTER_KEYS" in result.stderr and "canary" not in result.stderr

    def test_bad_setting_type_stops_with_one_line(self, tmp_path: Path) -> None:
        env = gateway_env(data_dir=str(tmp_path / "d"), max_body_bytes="lots")
        result = run_cli("migrate", env=env)
        assert result.returncode == 2 and result.stderr.count("\n") == 1
        assert "GATEWAY_MAX_BODY_BYTES" in result.stderr

    def test_development_secrets_are_generated_once_with_mode_0600(self, tmp_path: Path) -> None:
        env = gateway_env(data_dir=str(tmp_path / "d"))
        first = run_cli("migrate", env=env)
        assert first.returncode == 0, first.stderr
        secrets_file = tmp_path / "d" / "secrets.json"
        assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
        assert "generated development secrets" in first.stderr
        content = secrets_file.read_text()
        second = run_cli("migrate", env=env)
        assert second.returncode == 0 and "generated" not in second.stderr
        assert secrets_file.read_text() == content
        assert set(json.loads(content)) == {"master_keys", "key_pepper"}

    def test_unreachable_database_fails_with_one_line(self, tmp_path: Path) -> None:
        env = gateway_env(data_dir=str(tmp_path / "d"), database_url="postgresql+asyncpg://u:pw-canary@127.0.0.1:1/x",
                          master_keys=MASTER_KEY, key_pepper=PEPPER)
        result = run_cli("migrate", env=env)
        assert result.returncode == 1 and result.stderr.count("\n") == 1
        assert "pw-canary" not in result.stderr

    def test_tls_flags_must_come_together(self, server_env) -> None:
        result = run_cli("serve", "--ssl-certfile", "/nonexistent", env=server_env)
        assert result.returncode == 2 and "together" in result.stderr


def test_lockout_settings_too_large_stop_with_one_line(tmp_path: Path) -> None:
    env = gateway_env(data_dir=str(tmp_path / "d"), master_keys=MASTER_KEY, key_pepper=PEPPER,
                      auth_failure_limit="100000")
    result = run_cli("migrate", env=env)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "GATEWAY_AUTH_FAILURE_LIMIT" in result.stderr
