"""Moving a local encrypted database to a shared PostgreSQL server.

The target must be empty. Rows are copied table by table with their ids, in foreign-key order;
personal identifiers are sealed on the way with a new data key and their blind indexes filled;
the audit chain is copied unchanged (so it still verifies) and one entry records the migration.
Every table's row count is compared afterwards and reported.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import peewee

from app import audit, clock, passwords, sealing, server_accounts, settings, shared
from app.errors import AuthError, DatabaseOpenError
from app.keyslots import KeySlotFile, SlotError, parse_recovery_key
from app.policy import Action
from app.session import Session
from app.shared import KEY_CHECK_SETTING, ServerConnectionError
from app.write_path import require
from models.accounts import User
from models.cases import Case, Complainant
from models.database import ServerError, ServerParams, analyze, connect_postgres
from models.fields import FieldCipher, SealedBlobField, blind_index, current_cipher, install_cipher
from models.migrations import current_version, ensure_schema, mark_statistics_rebuild
from models.schema import ALL_MODELS
from models.sealed_content import CONTENT
from models.search_index import create_search_index

BATCH = 2000
# Columns the local sealer seals (app/sealing.py): opened for the copy, sealed again for the server;
# and the texts of restricted cases (models/sealed_content.py), stored plain on the server (its
# row-level security keeps restricted cases from the roles that may not read them).
LOCALLY_SEALED: dict[type[peewee.Model], tuple[str, ...]] = {
    Complainant: ("phone", "id_number", "address", "email", "online_account"),
    Case: ("patient_record_no",),
}
for _model in ALL_MODELS:
    _columns = CONTENT.get(_model._meta.table_name, ("", ()))[1]
    if _columns:
        LOCALLY_SEALED[_model] = LOCALLY_SEALED.get(_model, ()) + _columns
# Files the local sealer seals (models.fields.SealedBlobField): opened for the copy, sealed again with
# the server's data key. Copied as stored, they reached the server still sealed to the local
# identifier key, so no issued document could be reprinted there (its SHA-256 did not match).
SEALED_FILES: dict[type[peewee.Model], tuple[str, ...]] = {
    model: names
    for model in ALL_MODELS
    if (names := tuple(f.name for f in model._meta.sorted_fields if isinstance(f, SealedBlobField)))
}
SEALED_NEEDS_KEY = "本地数据库中的身份标识已密封，系统管理员的密钥槽中没有标识密钥：迁移时请提供恢复密钥"


@dataclass(frozen=True)
class TableReport:
    table: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class MigrationReport:
    tables: tuple[TableReport, ...]
    data_key: bytes

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    def lines(self) -> list[str]:
        rows = [
            f"{t.table:<20}{t.source:>10}{t.target:>10}  {'一致' if t.ok else '不一致'}" for t in self.tables
        ]
        return [
            f"{'数据表':<17}{'本地':>8}{'服务器':>7}",
            *rows,
            "全部数据表行数一致，迁移完成" if self.ok else "有数据表行数不一致，请勿使用服务器上的数据",
        ]


def _with_indexes(model: type[peewee.Model], row: dict) -> dict:
    """Fill the blind-index columns the local database leaves empty."""
    if model is Complainant:
        row.update(
            name_index=blind_index("name", row["name"]),
            phone_index=blind_index("phone", row["phone"]),
            id_number_index=blind_index("id", row["id_number"]),
        )
    elif model is Case:
        row.update(
            patient_name_index=blind_index("name", row["patient_name"]),
            patient_record_index=blind_index("record", row["patient_record_no"]),
        )
    return row


def needs_recovery_key() -> bool:
    """Are identifiers sealed locally without this session holding their key? (Then the move needs
    the recovery key, see `migrate_to_server`.)"""
    installed = current_cipher()
    holds = isinstance(installed, sealing.LocalSealer) and installed.opens_identifiers
    return sealing.stored_public() is not None and not holds


def _source_sealer(session: Session, recovery_key: str) -> sealing.LocalSealer | None:
    """What opens the locally sealed identifiers for the copy: the session's own sealer when it holds
    the identifier key, else the key from the recovery slot (None when nothing is sealed)."""
    public = sealing.stored_public()
    if public is None:
        return None
    installed = current_cipher()
    if not recovery_key:
        if isinstance(installed, sealing.LocalSealer) and installed.opens_identifiers:
            return installed
        raise DatabaseOpenError(SEALED_NEEDS_KEY)
    slots = KeySlotFile.load(session.database_path)
    try:
        db_key = slots.unwrap_recovery(parse_recovery_key(recovery_key))
    except SlotError as exc:
        raise DatabaseOpenError(str(exc)) from None
    slot, private = slots.opened[db_key]
    opened = sealing.unlock(slot, private)
    if opened is None:
        raise DatabaseOpenError(SEALED_NEEDS_KEY)
    index_key = settings.get_internal(sealing.INDEX_SETTING)
    return sealing.LocalSealer(public, base64.b64decode(index_key), opened)


def _opened(model: type[peewee.Model], row: dict, sealer: sealing.LocalSealer | None) -> dict:
    if sealer is not None:
        for column in LOCALLY_SEALED.get(model, ()):
            if row[column]:
                row[column] = sealer.open(row[column])
        for name in SEALED_FILES.get(model, ()):  # issued documents, attachments: sealed files
            if row[name] and bytes(row[name]).startswith(sealing.BLOB_PREFIX):
                row[name] = sealer.open_bytes(bytes(row[name]))
    return _with_indexes(model, row)


def _copy_in(target: peewee.Database, model: type[peewee.Model], rows: list[dict]) -> None:
    """Insert `rows` with PostgreSQL's COPY: each value converted by its field as an INSERT would
    (identifiers sealed), without building the SQL text of a multi-row INSERT (which cost more than
    the server's work: about 16 ms per case at 3,000 cases, against 2 ms with COPY)."""
    fields = model._meta.sorted_fields
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    with target.cursor() as cursor:
        with cursor.copy(f'COPY "{model._meta.table_name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([f.db_value(row[f.name]) for f in fields])


def _copy(model: type[peewee.Model], source: peewee.Database, target: peewee.Database, sealer: sealing.LocalSealer | None = None
) -> TableReport:
    primary = model._meta.primary_key
    # Keyset paging on the primary key, a composite one (the statistics cube) compared as a row value.
    fields = (
        [model._meta.fields[name] for name in primary.field_names]
        if isinstance(primary, peewee.CompositeKey)
        else [primary]
    )
    key = peewee.Tuple(*fields) if len(fields) > 1 else fields[0]
    last = None
    while True:
        with model.bind_ctx(source, bind_refs=False, bind_backrefs=False):
            query = model.select().order_by(*fields).limit(BATCH)
            if last is not None:
                query = query.where(key > (peewee.Tuple(*last) if len(fields) > 1 else last[0]))
            rows = [_opened(model, row, sealer) for row in query.dicts()]
        if not rows:
            break
        last = tuple(rows[-1][field.name] for field in fields)
        with model.bind_ctx(target, bind_refs=False, bind_backrefs=False):
            _copy_in(target, model, rows)
    with model.bind_ctx(source, bind_refs=False, bind_backrefs=False):
        source_count = model.select().count()
    with model.bind_ctx(target, bind_refs=False, bind_backrefs=False):
        target_count = model.select().count()
    if isinstance(primary, peewee.AutoField):
        table = model._meta.table_name
        target.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{primary.column_name}'), "
            f'COALESCE((SELECT MAX("{primary.column_name}") FROM "{table}"), 0) + 1, false)'
        )
    return TableReport(model._meta.table_name, source_count, target_count)


def _create_roles(
    target: peewee.Database, params: ServerParams, data_key: bytes, admin: str, admin_password: str
) -> None:
    """As the target's owner: the server's enforcement, and one database role per migrated user. The
    server signs users in by their roles, so the copied password hashes are dropped; users other
    than the migrating administrator must change the temporary password an administrator gives them."""
    shared.install_server_policy(target, params, data_key)
    User.update(password_hash="", must_change_password=True).where(User.username != admin).execute()
    User.update(password_hash="").where(User.username == admin).execute()
    for (username,) in User.select(User.username).tuples():
        verifier = server_accounts.role_verifier(params.dbname, admin, admin_password) if username == admin else None
        target.execute_sql("SELECT cd_make_role(%s, %s)", (username, verifier))


def migrate_to_server(
    session: Session,
    params: ServerParams,
    owner_password: str,
    admin_password: str,
    progress: Callable[[int, int, str], None] | None = None,
    recovery_key: str = "",
) -> MigrationReport:
    """Copy the open local database to an empty server database as the server database's owner
    (`params.user`); then install the server's enforcement and create a database role for every
    migrated user (app/server_accounts.py). `admin_password` is the migrating administrator's own
    password, from which their role's password is derived; the other users' roles can sign in once an
    administrator has given them a temporary password. Returns the report and the data key.

    `progress(done, total, table)` is called before each table is copied (for a progress bar).
    Sealed identifiers are opened with the session's identifier key or, for an administrator who
    holds none, with the one in the recovery slot (`recovery_key`)."""
    require(session, Action.MANAGE_SETTINGS, target="migrate")
    if session.backend != "local":
        raise DatabaseOpenError("只能从本地加密数据库迁移")
    me = User.get(User.username == session.user.username)
    if not passwords.verify_password(me.password_hash, admin_password):
        raise AuthError("本人密码错误")
    local_sealer = _source_sealer(session, recovery_key)
    source = session.db
    try:
        target = connect_postgres(params, owner_password)
    except ServerError as exc:
        raise ServerConnectionError(exc.kind) from None
    data_key = secrets.token_bytes(32)
    cipher = FieldCipher(data_key)
    current_local = current_cipher()  # back in place afterwards: the local session goes on
    try:
        with _bound(target):
            if current_version(target) is not None:
                raise DatabaseOpenError("服务器上的数据库不是空的，迁移不会覆盖已有数据")
        install_cipher(cipher)
        with target.atomic():
            with _bound(target):
                ensure_schema(target, clock.now())
                target.execute_sql('DELETE FROM "schema_version"')
            reports = []
            for done, model in enumerate(ALL_MODELS):
                if progress is not None:
                    progress(done, len(ALL_MODELS), model._meta.table_name)
                reports.append(_copy(model, source, target, local_sealer))
            with _bound(target):
                create_search_index(target)
                # the server makes its repeat keys from its own exact look-up indexes, not the local
                # ones (app/statistics/person_keys.py): the manager's first sign-in recounts them
                mark_statistics_rebuild()
                settings.write_value(KEY_CHECK_SETTING, cipher.key_check, session.user.username)
                _create_roles(target, params, data_key, session.user.username, admin_password)
                audit.record(
                    session.user.username,
                    "database.migrated",
                    params.location,
                    {"from": session.location, "tables": {r.table: r.target for r in reports}},
                )
            report = MigrationReport(tuple(reports), data_key)
            if not report.ok:
                raise DatabaseOpenError("迁移后行数不一致，已撤销：\n" + "\n".join(report.lines()))
        # The planner's statistics of the copied tables before anyone's first statement is planned:
        # left to autovacuum, the manager's statistics recount (the first sign-in's) was planned
        # on empty tables' estimates or not depending on the moment, 2 minutes or past 10 at 200,000.
        analyze(target)
    finally:
        install_cipher(current_local)
        target.close()
    with source.atomic():
        audit.record(session.user.username, "database.migrated", params.location, {"to": params.location})
    return report


class _bound:
    """Bind every model to `db` for the block (peewee's bind_ctx over the whole schema)."""

    def __init__(self, db: peewee.Database) -> None:
        self._ctx = db.bind_ctx(ALL_MODELS, bind_refs=False, bind_backrefs=False)

    def __enter__(self) -> None:
        self._ctx.__enter__()

    def __exit__(self, *exc) -> None:
        self._ctx.__exit__(*exc)
