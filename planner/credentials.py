"""User names and the password policy (issue 17 items 2 and 11). No database and no FastAPI here: the
account models (`planner.models.UserCreate`) and sign-in (`planner.auth`) use these.

**User names** are compared trimmed and in lower case: `ANNE.S` and `" anne.s"` are the account
`anne.s`, at sign-in and when an account is made (where the stored name is the normal form).

**Passwords** a person chooses must have at least 8 characters besides spaces at the ends, must not
contain the user name, and must not be easy to guess. "Easy to guess" is `zxcvbn`'s estimate (the
Dropbox estimator: common-password lists, dictionary words, names, dates, keyboard rows, repeats and
l33t-speak) below score 3, i.e. fewer than about 10⁸ guesses (`Uldum2027`: 10⁶), with the person's own
user name and name, the team's name and the words Danish password lists start with (`kodeord`,
`sommer`, …) counted as words too. Passwords the service makes (`auth.new_password`) are 16 random characters.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from planner.texts import N_

MIN_LENGTH = 8
MAX_LENGTH = 200
# zxcvbn's scores: 0 < 10³ guesses, 1 < 10⁶, 2 < 10⁸ ("somewhat guessable"), 3 < 10¹⁰ ("safely
# unguessable" against a throttled online attack), 4 more.
MIN_SCORE = 3
_ESTIMATE_CHARS = 72  # zxcvbn refuses longer input; what follows the first 72 only adds strength
# Words of Danish passwords that an English list misses (the top of Danish leaked-password lists) and the
# words of this product and its first users.
DANISH_WORDS = (
    "kodeord",
    "adgangskode",
    "hemmelig",
    "velkommen",
    "sommer",
    "vinter",
    "forår",
    "efterår",
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
    "danmark",
    "dannebrog",
    "københavn",
    "aarhus",
    "kærlighed",
    "jegelskerdig",
    "elskerdig",
    "fodbold",
    "brøndby",
    "hjemmepleje",
    "sosu",
    "sygeplejerske",
    "pusleplan",
    "vagtplan",
    "uldum",
    "hedensted",
)

# pydantic error type → the English text (marked for the catalogue; the Danish is in pusleplan.po).
TOO_SHORT = N_("Too short: at least {min_length} characters, not counting spaces at the ends.")
HAS_USERNAME = N_("Must not contain the user name.")
GUESSABLE = N_(
    "Too easy to guess (a common password, a word, a name, a date or a keyboard row). "
    "Three or four words of your own choice make a good password."
)
ERROR_TEXTS = {
    "password_too_short": TOO_SHORT,
    "password_has_username": HAS_USERNAME,
    "password_guessable": GUESSABLE,
}


def normal_username(username: str) -> str:
    """The form a user name is stored and compared in: trimmed, lower case."""
    return username.strip().lower()


def password_problem(password: str, username: str = "", words: Iterable[str] = ()) -> str | None:
    """The pydantic error type for why `password` may not be chosen by `username` (whose own words —
    their name, their team — are `words`), or None when it may."""
    if len(password.strip()) < MIN_LENGTH:
        return "password_too_short"
    name = normal_username(username)
    folded = password.casefold()
    if name and (name in folded or name[::-1] in folded):
        return "password_has_username"
    own = [w.casefold() for w in (name, *words) if w and w.strip()]
    estimate = zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=[*own, *DANISH_WORDS])
    if estimate["score"] < MIN_SCORE:
        return "password_guessable"
    return None
