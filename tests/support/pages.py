"""Every page of a SQLCipher file decrypted with the database key, free pages included, and every
frame of its WAL file: what a holder of that key can read, whatever SQL shows."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80  # SQLCipher 4: a 16-byte IV and a 64-byte HMAC-SHA512 at the end of each page
SALT = 16  # the first page starts with the file's salt instead of "SQLite format 3"
WAL_HEADER = 32
FRAME_HEADER = 24  # page number, commit size, salts, checksums


def _decrypt(page: bytes, raw_key: bytes, first: bool) -> bytes:
    body_from = SALT if first else 0
    iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(raw_key), modes.CBC(iv)).decryptor()
    return decryptor.update(page[body_from : PAGE - RESERVE]) + decryptor.finalize()


def decrypted_pages(path: Path, raw_key: bytes) -> bytes:
    """The plaintext of all pages (raw key: SQLCipher uses it as the AES-256 key directly)."""
    data = path.read_bytes()
    return b"".join(
        _decrypt(data[start : start + PAGE], raw_key, start == 0) for start in range(0, len(data), PAGE)
    )


def decrypted_wal(path: Path, raw_key: bytes) -> bytes:
    """The plaintext of every frame in the database's WAL file, old frames included (b"" if none)."""
    wal = Path(f"{path}-wal")
    data = wal.read_bytes() if wal.exists() else b""
    out = bytearray()
    for start in range(WAL_HEADER, len(data) - FRAME_HEADER - PAGE + 1, FRAME_HEADER + PAGE):
        page_no = int.from_bytes(data[start : start + 4], "big")
        out += _decrypt(data[start + FRAME_HEADER : start + FRAME_HEADER + PAGE], raw_key, page_no == 1)
    return bytes(out)
