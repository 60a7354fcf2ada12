"""ZoomClient: placeholder with the agreed signatures; the real client replaces it (issue 2)."""

from __future__ import annotations

import httpx

from zoom.models import Meeting, MeetingRequest, ZoomUser

DEFAULT_API_URL = "https://api.zoom.us/v2"
DEFAULT_OAUTH_URL = "https://zoom.us/oauth/token"


class ZoomClient:
    def __init__(
        self,
        account_id: str,
        client_id: str,
        client_secret: str,
        *,
        api_url: str = DEFAULT_API_URL,
        oauth_url: str = DEFAULT_OAUTH_URL,
        http: httpx.AsyncClient | None = None,
        timeout: float = 10.0,
    ) -> None:
        raise NotImplementedError

    async def create_meeting(
        self, user_id: str, request: MeetingRequest, *, deadline: float | None = None
    ) -> Meeting:
        raise NotImplementedError

    async def get_meeting(self, meeting_id: int) -> Meeting:
        raise NotImplementedError

    async def update_meeting(self, meeting_id: int, changes: MeetingRequest | dict) -> None:
        raise NotImplementedError

    async def delete_meeting(self, meeting_id: int) -> None:
        raise NotImplementedError

    async def get_user(self, user_id: str) -> ZoomUser:
        raise NotImplementedError

    async def list_upcoming_meetings(self, user_id: str) -> list[Meeting]:
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError
