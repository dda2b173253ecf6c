"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl on 127.0.0.1 and a free port.

Runs the server as the `postgres` system user when the tests run as root (PostgreSQL refuses
root). Password authentication (scram-sha-256) and TLS with a self-signed CA are switched on so
the tests exercise what a hospital server does.
"""

from __future__ import annotations

import datetime
import glob
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.accounts import USER_PASSWORD

SUPERUSER = "cd_admin"
SUPERUSER_PASSWORD = "Sup3r-Secret-Pg"


def find_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_tls(directory: Path) -> Path:
    """A CA and a server certificate for 127.0.0.1/localhost; returns the CA file."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ComplaintDesk Test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    (directory / "server.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "server.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    os.chmod(directory / "server.key", 0o600)
    ca_file = directory / "ca.crt"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return ca_file


@dataclass
class PgServer:
    host: str
    port: int
    user: str
    password: str
    ca_file: Path
    datadir: Path
    bindir: Path
    _as_user: list[str]

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self._as_user, *args], capture_output=True, text=True, timeout=60)

    def connect(self, dbname: str = "postgres", autocommit: bool = False) -> Any:
        """A plain psycopg connection as the server's owner (the superuser), e.g. to look at what a
        table really holds or to act behind the application's back."""
        import psycopg

        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=dbname,
            autocommit=autocommit,
        )

    def create_database(self, name: str) -> None:
        with self.connect(autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start() -> PgServer:
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL (initdb/pg_ctl) is not installed")
    root = Path(tempfile.mkdtemp(prefix="cd-pg-"))
    datadir = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    pwfile = root / "pw"
    pwfile.write_text(SUPERUSER_PASSWORD)
    tls = root / "tls"
    tls.mkdir()
    ca_file = _write_tls(tls)
    if os.geteuid() == 0:
        for path in (pwfile, tls, *tls.iterdir()):
            os.chown(path, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    init = subprocess.run(
        [
            *as_user,
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            SUPERUSER,
            "--auth=scram-sha-256",
            f"--pwfile={pwfile}",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if init.returncode:
        raise RuntimeError(init.stderr)
    conf = (
        f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{root}'\n"
        f"ssl = on\nssl_cert_file = '{tls}/server.crt'\nssl_key_file = '{tls}/server.key'\n"
        "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 60\n"
    )
    with open(datadir / "postgresql.conf", "a", encoding="utf-8") as fh:
        fh.write(conf)
    started = subprocess.run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-l",
            str(root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    if started.returncode:
        raise RuntimeError(started.stderr + (root / "log").read_text(errors="replace"))
    return PgServer("127.0.0.1", port, SUPERUSER, SUPERUSER_PASSWORD, ca_file, datadir, bindir, as_user)


@contextmanager
def plain_sql(params: Any, username: str, password: str = USER_PASSWORD) -> Iterator[Any]:
    """A psql-like connection as `username`'s own role (what anyone who knows the password can do)."""
    import psycopg

    from app import server_accounts

    where, secret = server_accounts.user_params(params, username, password)
    with psycopg.connect(
        host=where.host,
        port=where.port,
        dbname=where.dbname,
        user=where.user,
        password=secret,
        sslmode="verify-full",
        sslrootcert=where.sslrootcert,
        autocommit=True,
    ) as conn:
        yield conn
