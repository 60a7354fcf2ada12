"""Encryption at rest for the tokens zoombot keeps ("Connect your Zoom").

`SecretBox(key)` seals text with Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`)
under a key derived from ZOOMBOT_SECRET_KEY; `open` raises `BoxError` for text sealed under
another key or altered. Without the key the store's token columns are unreadable.
"""

from __future__ import annotations

import base64
import hashlib

from bot.errors import ZoombotError


class BoxError(ZoombotError):
    """Sealed text that this key cannot open (another key, or altered)."""


class SecretBox:
    def __init__(self, key: str) -> None:
        # Imported here: a deployment that keeps no tokens never loads `cryptography`.
        from cryptography.fernet import Fernet

        digest = hashlib.sha256(b"zoombot secretbox v1\0" + key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, UnicodeError, ValueError) as error:
            raise BoxError("a stored token cannot be opened with ZOOMBOT_SECRET_KEY") from error

    def __repr__(self) -> str:
        return "SecretBox(…)"
