"""Every page of a SQLCipher file decrypted with the database key, free pages included: what a
holder of that key can read, whatever SQL shows."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80  # SQLCipher 4: a 16-byte IV and a 64-byte HMAC-SHA512 at the end of each page
SALT = 16  # the first page starts with the file's salt instead of "SQLite format 3"


def decrypted_pages(path: Path, raw_key: bytes) -> bytes:
    """The plaintext of all pages (raw key: SQLCipher uses it as the AES-256 key directly)."""
    data = path.read_bytes()
    out = bytearray()
    for start in range(0, len(data), PAGE):
        page = data[start : start + PAGE]
        body_from = SALT if start == 0 else 0
        iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
        decryptor = Cipher(algorithms.AES(raw_key), modes.CBC(iv)).decryptor()
        out += decryptor.update(page[body_from : PAGE - RESERVE]) + decryptor.finalize()
    return bytes(out)
