"""What a benchmark run logs into: the local encrypted file, or a PostgreSQL server (shared mode).

The harness hands the target to its child processes through the environment (BENCH_TARGET, JSON;
the passwords and the data key travel only there, never on a command line).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

TARGET_ENV = "BENCH_TARGET"


@dataclass(frozen=True)
class Target:
    """`path` is the local database (also the source of a server run); `server` holds the
    ServerParams fields (its user: the database owner), `server_password` (the owner's, for the
    row-level security comparison, bench/rls.py) and `data_key` (hex) of a shared-mode run. Users
    sign in as their own database roles."""

    path: Path
    password: str
    server: dict[str, Any] | None = None
    server_password: str = field(default="", repr=False)
    data_key: str = field(default="", repr=False)

    @property
    def shared(self) -> bool:
        return self.server is not None

    @property
    def label(self) -> str:
        return "PostgreSQL（共享模式）" if self.shared else "本地加密数据库（SQLCipher）"

    def login(self, username: str) -> Any:
        """A session of `username` (every benchmark user has the same password)."""
        from app import auth

        if self.server is None:
            return auth.login_local(self.path, username, self.password)
        from app import shared
        from models.database import ServerParams

        return shared.login_shared(
            ServerParams(**self.server), bytes.fromhex(self.data_key), username, self.password
        )

    def env(self) -> dict[str, str]:
        """The environment for a child process that logs into this target."""
        document = {**asdict(self), "path": str(self.path)}
        return {
            **os.environ,
            TARGET_ENV: json.dumps(document),
            "COMPLAINTDESK_PASSWORD": self.password,
            "QT_QPA_PLATFORM": "offscreen",
        }

    @classmethod
    def from_env(cls) -> Target:
        document = json.loads(os.environ[TARGET_ENV])
        return cls(**{**document, "path": Path(document["path"])})
