"""A workstation signed in before another one made a new identifier key (a holder lost the role
there) seals nothing to the retired key: every sealing write reads the current key inside its own
transaction. Two workstations on one database file: the rotation runs in another process."""

from __future__ import annotations

import base64
import multiprocessing
from pathlib import Path

import pytest

from app import auth, sealing
from app.cases import acceptance, documents, views
from app.keyslots import KeySlotFile
from models.database import database_proxy
from models.fields import CONTENT_PREFIX, LOCAL_PREFIX
from models.sealed_content import Opener
from tests.support.accounts import USER_PASSWORD
from tests.support.cases import FakeClock, register
from tests.support.sealed import login, sealed_office

from . import _key_workers

NARRATIVE = "轮换之后登记的叙述标记甲乙丙丁"
PHONE = "13655550177"


@pytest.fixture
def office(db_path: Path, fake_clock: FakeClock) -> Path:
    return sealed_office(
        db_path,
        (
            ("manager1", "李主任", "manager"),
            ("officer1", "王专员", "officer"),
            ("officer2", "钱专员", "officer"),
        ),
    )


def _elsewhere_set_roles(office: Path, username: str, roles: list[str]) -> None:
    """The administrator, on another workstation, changes the roles (and so rotates the key)."""
    process = multiprocessing.get_context("spawn").Process(
        target=_key_workers.set_roles, args=(str(office), username, roles)
    )
    process.start()
    process.join(timeout=120)
    assert process.exitcode == 0


def _keys(office: Path) -> dict[str, str]:
    """Every identifier key's private half by key id, from the manager's slot."""
    slots = KeySlotFile.load(office)
    slot, slot_private = slots.opened[slots.unwrap_user("manager1", USER_PASSWORD)]
    return sealing.open_grants(slot, slot_private)  # a rotated key arrives nested in the old one


def _identifier_box(value: str) -> str:
    assert value.startswith(LOCAL_PREFIX)
    return value[len(LOCAL_PREFIX) :].split(":")[1]


def _file_box(data: bytes) -> str:
    start = len(sealing.BLOB_PREFIX) + 2
    end = start + int.from_bytes(data[len(sealing.BLOB_PREFIX) : start], "big")
    return data[start:end].decode("ascii").split(":")[0]


_PHONE = 'SELECT phone FROM complainant c JOIN "case" k ON k.complainant_id = c.id WHERE k.id = ?'


def _raw(sql: str, *params: object) -> object:
    return database_proxy.obj.execute_sql(sql, params).fetchone()[0]


def test_a_workstation_signed_in_before_a_rotation_seals_to_the_new_key(office: Path) -> None:
    """officer1 signed in before; on another workstation officer2 loses the role. officer1's next
    writes (an identifier at intake, a stored receipt, the text of a 重大 case restricted at 受理)
    are sealed to the new key only, and officer1 keeps reading them without signing in again."""
    old_public = sealing.stored_public()
    officer = login(office, "officer1")
    _elsewhere_set_roles(office, "officer2", ["clerk"])
    new_public = sealing.stored_public()
    assert new_public != old_public

    case_id = register(officer, content=NARRATIVE, complainant_phone=PHONE, severity="major")
    documents.issue(officer, case_id, "receipt")
    acceptance.accept(officer, case_id)

    keys = _keys(office)
    retired = Opener(keys[sealing.key_id(old_public)])
    current = Opener(keys[sealing.key_id(new_public)])
    phone_box = _identifier_box(_raw(_PHONE, case_id))
    content = _raw("SELECT content FROM case_text WHERE case_id = ?", case_id)
    receipt = bytes(_raw("SELECT data FROM issued_document WHERE case_id = ? AND kind = 'receipt'", case_id))
    assert content.startswith(CONTENT_PREFIX)
    boxes = {"phone": phone_box, "content": content[len(CONTENT_PREFIX) :], "receipt": _file_box(receipt)}
    for name, box in boxes.items():
        assert current.open(box) is not None, name
        assert retired.open(box) is None, name
    assert base64.b64decode(current.open(boxes["receipt"]))  # the file key

    view = views.open_case(officer, case_id)  # the new key, taken from officer1's slot
    assert (view.content, view.complainant_phone) == (NARRATIVE, PHONE)
    auth.logout(officer)


def test_the_holder_who_lost_the_role_elsewhere_seals_nothing_their_old_slot_opens(office: Path) -> None:
    """officer2, still signed in, loses the role on another workstation and registers a complaint
    as the clerk they now are: the phone is sealed to the new key, which a copy of their slot
    taken before cannot open (only their own copy opens, as for any clerk)."""
    stolen = list(_keys(office).values())  # what officer2's slot holds now: the same grants
    officer2 = login(office, "officer2")
    assert officer2.identifier_key in stolen
    _elsewhere_set_roles(office, "officer2", ["clerk"])

    case_id = register(officer2, content=NARRATIVE, complainant_phone=PHONE)
    box = _identifier_box(_raw(_PHONE, case_id))
    assert Opener(*stolen).open(box) is None
    assert Opener(*_keys(office).values()).open(box) == PHONE
    assert officer2.identifier_key in stolen  # nothing new reached the session
    auth.logout(officer2)
