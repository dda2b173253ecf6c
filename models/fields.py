"""Client-side encryption of personal identifiers and their blind indexes.

In shared mode (PostgreSQL) the application installs a FieldCipher holding the data key of the
enrolled workstation; sealed fields are then AES-256-GCM encrypted before they leave the process.
In local mode (SQLCipher) it installs a public-key sealer (app/sealing.py): identifiers are sealed to
a key only entitled roles hold, with their masked form beside them, so a user whose own key slot
opens the database still reads only masks. Either way exact lookups (duplicate detection, search
by phone or ID number) go through keyed HMAC "blind indexes". Without a cipher (a database that has
not been sealed yet, tools) sealed fields store plain text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from typing import Protocol

import peewee
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "v1:"
BLOB_PREFIX = b"CDv1"  # a sealed blob: prefix, 12-byte nonce, AES-256-GCM ciphertext and tag


class FieldCipherError(Exception):
    """A sealed value cannot be decrypted with this workstation's data key."""


class FieldCipher:
    """AES-256-GCM for values and HMAC-SHA256 for blind indexes, both derived from one data key."""

    local = False

    def __init__(self, data_key: bytes) -> None:
        if len(data_key) != 32:
            raise ValueError("data key must be 32 bytes")
        self._aead = AESGCM(self._derive(data_key, b"complaintdesk field encryption"))
        self._mac_key = self._derive(data_key, b"complaintdesk blind index")
        self.key_check = hmac.new(self._mac_key, b"key check", hashlib.sha256).hexdigest()[:16]

    @staticmethod
    def _derive(key: bytes, info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)

    def seal(self, text: str, kind: str = "") -> str:  # noqa: ARG002 - every value is sealed alike
        nonce = secrets.token_bytes(12)
        return (
            PREFIX + base64.b64encode(nonce + self._aead.encrypt(nonce, text.encode("utf-8"), None)).decode()
        )

    def open(self, value: str, kind: str = "") -> str:  # noqa: ARG002
        if not value.startswith(PREFIX):
            return value
        raw = base64.b64decode(value[len(PREFIX) :])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], None).decode("utf-8")
        except InvalidTag:
            raise FieldCipherError("加密字段无法解密：本工作站的数据密钥与数据库不符") from None

    def seal_bytes(self, data: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return BLOB_PREFIX + nonce + self._aead.encrypt(nonce, data, BLOB_PREFIX)

    def open_bytes(self, value: bytes) -> bytes:
        if not value.startswith(BLOB_PREFIX):
            return value  # stored before blobs were sealed
        start = len(BLOB_PREFIX)
        try:
            return self._aead.decrypt(value[start : start + 12], value[start + 12 :], BLOB_PREFIX)
        except InvalidTag:
            raise FieldCipherError("加密文件无法解密：本工作站的数据密钥与数据库不符") from None

    def blind(self, kind: str, value: str) -> str:
        normal = unicodedata.normalize("NFKC", value).strip().upper()
        return hmac.new(self._mac_key, f"{kind}|{normal}".encode(), hashlib.sha256).hexdigest()[:32]


class Cipher(Protocol):
    """What sealed fields need: FieldCipher (shared mode) or app.sealing.LocalSealer (local mode)."""

    local: bool

    def seal(self, text: str, kind: str = "") -> str: ...

    def open(self, value: str, kind: str = "") -> str: ...

    def blind(self, kind: str, value: str) -> str: ...

    def seal_bytes(self, data: bytes) -> bytes: ...

    def open_bytes(self, value: bytes) -> bytes: ...

    def matching(self, plain: peewee.Field, index: peewee.Field, kind: str, value: str) -> peewee.Expression: ...


_cipher: Cipher | None = None


def install_cipher(cipher: Cipher | None) -> None:
    """Shared mode installs the workstation's cipher, local mode the database's sealer."""
    global _cipher
    _cipher = cipher


def current_cipher() -> Cipher | None:
    return _cipher


class SealedTextField(peewee.TextField):
    """Text encrypted client-side when a cipher is installed. `kind` names the identifier (phone,
    id, address, email, account, record): the local sealer seals only fields that have one, and
    keeps the masked form of that kind beside the sealed value."""

    def __init__(self, *args, kind: str = "", **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.kind = kind

    def db_value(self, value):  # noqa: ANN001, ANN201 - peewee's signature
        value = super().db_value(value)
        if _cipher is None or not value:
            return value
        if _cipher.local and (not self.kind or value.startswith(LOCAL_PREFIX)):
            return value  # not an identifier here, or sealed already (app.sealing.seal_as)
        return _cipher.seal(value, self.kind)

    def python_value(self, value):  # noqa: ANN001, ANN201
        if _cipher is None or not value:
            return value
        return _cipher.open(value, self.kind)


LOCAL_PREFIX = "s1:"  # a value sealed by the local sealer (app/sealing.py)
CONTENT_PREFIX = "r1:"  # a restricted case's text sealed by it (models/sealed_content.py)


def seal_as(kind: str, text: str) -> str:
    """`text` sealed as identifier `kind` by the local sealer, for a column without a kind of its
    own (a corrected value); unchanged otherwise (shared mode seals the whole column anyway)."""
    if _cipher is None or not _cipher.local or not text:
        return text
    return _cipher.seal(text, kind)


def _opened(value):  # noqa: ANN001, ANN202
    opener = getattr(_cipher, "open_content", None)
    if opener is None or not value or not value.startswith(CONTENT_PREFIX):
        return value
    return opener(value)


class ContentTextField(peewee.TextField):
    """A text of a case that is sealed while the case is restricted (models/sealed_content.py). The
    local sealer opens it for a holder of the identifier key and gives anybody else a placeholder;
    without a local sealer the stored value is returned as it is."""

    def python_value(self, value):  # noqa: ANN001, ANN201 - peewee's signature
        return _opened(value)


class ContentCharField(peewee.CharField):
    """A short text sealed like ContentTextField (a 投诉事项's summary); a CharField on the server."""

    def python_value(self, value):  # noqa: ANN001, ANN201 - peewee's signature
        return _opened(value)


class SealedBlobField(peewee.BlobField):
    """Bytes (issued PDFs, attachments) encrypted client-side: in shared mode with the data key (the
    server, its administrator and its backups hold only ciphertext); locally sealed to the identifier
    key, as they carry full identifiers (app/sealing.py)."""

    def db_value(self, value):  # noqa: ANN001, ANN201 - peewee's signature
        if _cipher is not None and value:
            value = _cipher.seal_bytes(bytes(value))
        return super().db_value(value)

    def python_value(self, value):  # noqa: ANN001, ANN201
        value = super().python_value(value)
        if _cipher is None or not value:
            return value
        return _cipher.open_bytes(bytes(value))


def blind_index(kind: str, value: str) -> str:
    """The lookup key stored beside a sealed identifier ("" without a cipher or value)."""
    if _cipher is None or not value:
        return ""
    return _cipher.blind(kind, value)


def identifier_equals(plain: peewee.Field, index: peewee.Field, kind: str, value: str) -> peewee.Expression:
    """Exact match on a sealed identifier: its blind index, or the column itself without a cipher.
    The local sealer's index only narrows to a few candidates, which it opens and compares when it
    holds the key (app.sealing.LocalSealer.matching)."""
    if _cipher is None:
        return plain == value
    if _cipher.local:
        return _cipher.matching(plain, index, kind, value)
    return index == _cipher.blind(kind, value)
