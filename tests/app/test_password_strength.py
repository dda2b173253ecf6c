"""Passwords people cannot guess: zxcvbn plus common passwords of the Chinese context."""

from __future__ import annotations

import pytest

from app import passwords
from app.errors import ValidationError


@pytest.mark.parametrize(
    "weak",
    [
        "password1",
        "Passw0rd",
        "admin123",
        "Admin12345",
        "woaini1314",
        "a123456789",
        "qwe123456",
        "1qaz2wsx3edc",
        "zhangwei1988",
        "Wangfang@520",
        "liuyang19900512",
        "Yiyuan2026",
        "Officer123",
    ],
)
def test_easily_guessed_passwords_are_refused_with_a_chinese_reason(weak: str) -> None:
    with pytest.raises(ValidationError) as info:
        passwords.check_password_rules(weak, "someone")
    assert info.value.message.startswith("密码：")
    assert any(word in info.value.message for word in ("猜中", "常见", "拼音"))


@pytest.mark.parametrize("strong", ["Harbor-Violet-42x", "Temp2026pw", "Copper Meadow 77 quiet"])
def test_hard_passwords_pass(strong: str) -> None:
    passwords.check_password_rules(strong, "someone", ["officer"])


def test_admin_and_manager_need_ten_characters() -> None:
    nine = "Kq7!vRm2x"
    passwords.check_password_rules(nine, "clerk1", ["clerk"])
    for role in ("admin", "manager"):
        with pytest.raises(ValidationError, match="至少需要 10 个字符"):
            passwords.check_password_rules(nine, "boss", [role, "officer"])


def test_the_user_name_does_not_make_a_password_strong() -> None:
    with pytest.raises(ValidationError, match="不能与用户名相同"):
        passwords.check_password_rules("Linxiaowen2026", "linxiaowen2026")
    with pytest.raises(ValidationError, match="猜中"):
        passwords.check_password_rules("Zhaominghui7", "zhaominghui")


def test_generated_passwords_pass_the_strictest_rules() -> None:
    for _ in range(20):
        passwords.check_password_rules(passwords.generate_password(), "admin", ["admin"])
