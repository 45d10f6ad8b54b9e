"""The password policy: long enough, and not one an attacker would try early.

zxcvbn estimates how many guesses a password takes from lists of the most common passwords,
words, names and keyboard patterns (and the account's own email and name). Scores 0 and 1 fall
to an online attack within its first million guesses, so they are refused.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

from models.errors import InvalidInput

MIN_LENGTH = 8
MIN_SCORE = 2


def check_password(password: str, *, user_inputs: tuple[str, ...] = ()) -> None:
    """Raise InvalidInput for a password that is too short or too easily guessed."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"Please choose a password of at least {MIN_LENGTH} characters.",
            reason="weak_password",
        )
    # zxcvbn's work grows with length and it takes at most 72 characters: they decide the score.
    result = zxcvbn(password[:72], user_inputs=[part[:72] for part in user_inputs if part])
    if result["score"] < MIN_SCORE:
        raise InvalidInput(
            "This password is among the most common or easily guessed ones. Please choose "
            "another: a few unrelated words make a strong one.",
            reason="weak_password",
        )
