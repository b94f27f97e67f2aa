"""Units of user authorization: state signing, redirect validation, encryption and rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.authorization.crypto import TokenCipher, UndecryptableToken, derive_state_keys
from bot.authorization.pages import Page, partial_scopes
from bot.authorization.redirects import is_chat_config_complete_url
from bot.authorization.state import STATE_LIFETIME_SECONDS, InvalidState, StateSigner, new_nonce

KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# -- state ----------------------------------------------------------------------------------
def test_state_round_trips_nonce_and_user() -> None:
    signer = StateSigner(derive_state_keys([KEY_A]))
    nonce = new_nonce()
    claims = signer.verify(signer.sign(nonce, "users/123"))
    assert claims.nonce == nonce and claims.user_name == "users/123"


def test_state_expires_after_ten_minutes() -> None:
    clock = Clock()
    signer = StateSigner(derive_state_keys([KEY_A]), clock=clock)
    token = signer.sign(new_nonce(), "users/1")
    clock.now += STATE_LIFETIME_SECONDS - 1
    signer.verify(token)
    clock.now += 2
    with pytest.raises(InvalidState, match="expired") as raised:
        signer.verify(token)
    assert raised.value.expired


@pytest.mark.parametrize("token", [None, "", "garbage", "a.b.c", "x" * 5000])
def test_forged_or_malformed_states_are_refused(token: str | None) -> None:
    reason = "no state parameter" if not token else "not one this app issued"
    with pytest.raises(InvalidState, match=reason) as raised:
        StateSigner(derive_state_keys([KEY_A])).verify(token)
    assert not raised.value.expired


def test_a_state_signed_with_another_key_is_refused() -> None:
    token = StateSigner(derive_state_keys([KEY_B])).sign(new_nonce(), "users/1")
    with pytest.raises(InvalidState, match="not one this app issued"):
        StateSigner(derive_state_keys([KEY_A])).verify(token)


def test_tampering_with_any_character_breaks_the_signature() -> None:
    signer = StateSigner(derive_state_keys([KEY_A]))
    token = signer.sign(new_nonce(), "users/1")
    for index in range(0, len(token), 7):
        flipped = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1:]
        with pytest.raises(InvalidState, match="not one this app issued"):
            signer.verify(flipped)


def test_states_in_flight_survive_a_key_rotation() -> None:
    old = StateSigner(derive_state_keys([KEY_A]))
    token = old.sign(new_nonce(), "users/1")
    rotated = StateSigner(derive_state_keys([KEY_B, KEY_A]))  # new key prepended
    assert rotated.verify(token).user_name == "users/1"


def test_claims_must_look_like_a_nonce_and_a_user() -> None:
    signer = StateSigner(derive_state_keys([KEY_A]))
    with pytest.raises(InvalidState, match="not one this app issued"):
        signer.verify(signer.sign("short", "users/1"))
    with pytest.raises(InvalidState, match="not one this app issued"):
        signer.verify(signer.sign(new_nonce(), "spaces/1"))


def test_state_keys_differ_from_the_encryption_keys() -> None:
    derived = derive_state_keys([KEY_A])
    assert len(derived) == 1 and len(derived[0]) == 32
    assert derived[0] not in KEY_A.encode() and derived != derive_state_keys([KEY_B])


# -- redirect validation ---------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "https://chat.google.com/api/bot_config_complete?token=AAJCfVX%3D",
    "https://CHAT.google.com/api/bot_config_complete?token=x",
    "https://chat.google.com:443/api/bot_config_complete?token=x",
])
def test_google_chat_config_complete_urls_are_accepted(url: str) -> None:
    assert is_chat_config_complete_url(url)


@pytest.mark.parametrize("url", [
    None, "", "http://chat.google.com/api/bot_config_complete?token=x",  # not https
    "https://chat.google.com.evil.example/api/bot_config_complete",  # suffix trick
    "https://evil.example/?https://chat.google.com/",
    "https://chat.google.com@evil.example/",  # credentials trick
    "https://user:pw@chat.google.com/api/bot_config_complete",
    "https://evilchat.google.com/x", "https://chat.google.com:8443/x", "https://chat.google.com./x",
    "//chat.google.com/api/bot_config_complete", "javascript:alert(1)", "https://chat.google.com\\@evil.example/",
    "https://chat.google.com/x#fragment", "https://chat.google.com/\r\nLocation: https://evil.example/",
    "https://chat.google.com:99999/", "https://mail.google.com/chat/", "https://chat.google.com/" + "a" * 3000,
])
def test_anything_else_is_refused(url: str | None) -> None:
    assert not is_chat_config_complete_url(url)


def test_the_emulator_is_accepted_only_when_it_plays_chat() -> None:
    url = "http://127.0.0.1:8085/_emulator/chat/config-complete?token=abc"
    assert not is_chat_config_complete_url(url)
    assert is_chat_config_complete_url(url, emulator_origin="http://127.0.0.1:8085")
    assert not is_chat_config_complete_url(url, emulator_origin="http://127.0.0.1:9999")
    assert not is_chat_config_complete_url("http://127.0.0.1:8085/elsewhere", emulator_origin="http://127.0.0.1:8085")


# -- encryption ------------------------------------------------------------------------------
def test_encryption_round_trips_and_hides_the_token() -> None:
    cipher = TokenCipher([KEY_A])
    ciphertext = cipher.encrypt("1//refresh-token")
    assert "refresh-token" not in ciphertext and ciphertext != cipher.encrypt("1//refresh-token")  # random IV
    assert cipher.decrypt(ciphertext) == "1//refresh-token"


def test_rows_written_under_the_old_key_decrypt_after_a_new_key_is_prepended() -> None:
    old_rows = [TokenCipher([KEY_A]).encrypt(f"1//token-{n}") for n in range(3)]
    rotated = TokenCipher([KEY_B, KEY_A])
    assert [rotated.decrypt(row) for row in old_rows] == [f"1//token-{n}" for n in range(3)]
    assert not rotated.is_current(old_rows[0])
    re_encrypted = rotated.rotate(old_rows[0])
    assert rotated.is_current(re_encrypted)
    assert TokenCipher([KEY_B]).decrypt(re_encrypted) == "1//token-0"  # the old key can now be dropped
    assert rotated.is_current(rotated.encrypt("new"))  # new rows use the new key


def test_a_removed_key_makes_its_rows_undecryptable_not_wrong() -> None:
    row = TokenCipher([KEY_A]).encrypt("1//token")
    with pytest.raises(UndecryptableToken):
        TokenCipher([KEY_B]).decrypt(row)
    with pytest.raises(UndecryptableToken):
        TokenCipher([KEY_A]).decrypt(row[:-4] + "AAAA")  # altered


# -- pages -----------------------------------------------------------------------------------
def test_pages_escape_everything() -> None:
    page = Page(400, "<t>", "<h>", ("<script>alert(1)</script> & more",))
    rendered = page.render()
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered and "&lt;h&gt;" in rendered
    assert '<html lang="en">' in rendered and rendered.count("<h1>") == 1


def test_partial_scopes_page_says_what_to_do() -> None:
    rendered = partial_scopes().render()
    assert "Nothing was stored" in rendered and "/meet" in rendered
