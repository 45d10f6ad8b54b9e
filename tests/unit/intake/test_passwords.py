"""The password policy: length, common passwords, the account's own details."""

from __future__ import annotations

import pytest

from intake.passwords import check_password
from models.errors import InvalidInput


@pytest.mark.parametrize("password", ["password", "12345678", "qwertyuiop", "Password1!"])
def test_common_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password(password)
    assert refused.value.reason == "weak_password"


def test_a_short_password_is_refused_whatever_it_is() -> None:
    with pytest.raises(InvalidInput):
        check_password("x7#Qz!")


def test_the_accounts_own_details_do_not_make_a_password() -> None:
    with pytest.raises(InvalidInput):
        check_password("maria.lopez@example.org", user_inputs=("maria.lopez@example.org",))


@pytest.mark.parametrize(
    "password", ["correct horse battery", "a long enough password", "x" * 60 + "Q7!k" * 50]
)
def test_a_few_unrelated_words_or_a_long_password_pass(password: str) -> None:
    check_password(password)
