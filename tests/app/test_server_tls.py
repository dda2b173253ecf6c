"""TLS that authenticates the server: no plaintext connection, a pinned certificate, a substitute refused."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app import shared
from app.errors import ValidationError
from models.database import ServerError, close_current, connect_postgres
from tests.support.accounts import ADMIN, ADMIN_PASSWORD

pytestmark = pytest.mark.postgres


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """An attacker's certificate for 127.0.0.1 (self-signed, like a server's own)."""
    now = datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "fake.crt", directory / "fake.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def impostor(tmp_path: Path) -> Iterator[int]:
    """A fake PostgreSQL server on 127.0.0.1 that accepts TLS with a substituted certificate."""
    cert_file, key_file = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                try:
                    conn.settimeout(5)
                    conn.recv(8)  # SSLRequest
                    conn.sendall(b"S")
                    with context.wrap_socket(conn, server_side=True) as tls:
                        tls.recv(1024)  # whatever the client sends next; then hang up
                except (OSError, ssl.SSLError):
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    listener.close()


def test_plaintext_connections_are_refused_everywhere(pg_params, pg_server) -> None:
    with pytest.raises(ValidationError, match="不允许不加密"):
        shared.parse_server_url(f"postgresql://cd@{pg_params.host}:{pg_params.port}/x?sslmode=disable")
    plain = replace(pg_params, sslmode="disable", sslrootcert="")
    with pytest.raises(ServerError) as info:
        connect_postgres(plain, pg_server.password)
    assert info.value.kind == "insecure"
    with pytest.raises(shared.ServerConnectionError, match="不允许不加密"):
        shared.login_shared(plain, b"k" * 32, ADMIN, ADMIN_PASSWORD)


def test_require_pins_the_certificate_at_first_contact_and_the_enrollment_carries_it(
    shared_admin, pg_params, pg_server
) -> None:
    _admin, data_key = shared_admin
    close_current()
    require = replace(pg_params, sslmode="require", sslrootcert="")
    with pytest.raises(shared.ServerConnectionError, match="证书指纹"):
        shared.login_shared(require, data_key, ADMIN, ADMIN_PASSWORD)
    blob = shared.export_enrollment(require, data_key, "correct horse battery")
    params, _key = shared.import_enrollment(blob, "correct horse battery")
    assert len(params.cert_sha256) == 64
    session = shared.login_shared(params, data_key, ADMIN, ADMIN_PASSWORD)
    assert session.user.username == ADMIN
    close_current()


def test_a_substituted_server_certificate_is_refused_with_a_clear_message(
    shared_admin, pg_params, pg_server, impostor: int
) -> None:
    _admin, data_key = shared_admin
    close_current()
    pinned = shared.pin_server(replace(pg_params, sslmode="require", sslrootcert=""))
    moved = replace(pinned, port=impostor)  # the same address now answered by someone else
    with pytest.raises(shared.ServerConnectionError) as info:
        shared.login_shared(moved, data_key, ADMIN, ADMIN_PASSWORD)
    assert info.value.kind == "cert_changed"
    assert "证书" in info.value.message and "冒充" in info.value.message
    with pytest.raises(ServerError) as raw:
        connect_postgres(moved, pg_server.password)
    assert raw.value.kind == "cert_changed"


def test_verify_full_with_another_ca_is_refused(pg_params, pg_server, tmp_path: Path) -> None:
    other_ca, _key = _self_signed(tmp_path)
    with pytest.raises(shared.ServerConnectionError) as info:
        shared.probe_server(replace(pg_params, sslrootcert=str(other_ca)), pg_server.password)
    assert info.value.kind == "tls"
