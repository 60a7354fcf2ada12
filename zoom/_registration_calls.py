"""`ZoomClient`'s registration and summary calls (a mixin of zoom/client.py, on its caller and
budget): register a person, read a registrant, approve/deny/cancel registrants, set custom
questions, read an AI Companion summary. Same guarantees as every other call of the client.
"""

from __future__ import annotations

from zoom._call import Budget, Caller, segment
from zoom.registrants import (
    MeetingSummary,
    NewRegistrant,
    RegistrantAction,
    RegistrantQuestions,
    RegistrantRef,
    Registration,
    uuid_segment,
)

SUMMARY = "/meetings/{meetingUUID}/meeting_summary"
REGISTRANTS = "/meetings/{meetingId}/registrants"
REGISTRANT = "/meetings/{meetingId}/registrants/{registrantId}"
REGISTRANT_STATUS = "/meetings/{meetingId}/registrants/status"
REGISTRANT_QUESTIONS = "/meetings/{meetingId}/registrants/questions"


class RegistrationCalls:
    """Registration and summaries over `ZoomClient`'s `_caller` (see the module docstring)."""

    _caller: Caller

    def _budget(self, deadline: float | None) -> Budget:
        raise NotImplementedError  # ZoomClient's

    async def get_meeting_summary(
        self, meeting_uuid: str, *, deadline: float | None = None
    ) -> MeetingSummary:
        """The AI Companion summary of one run of a meeting (by its instance `uuid`, encoded
        as Zoom asks). Raises `ZoomNotFound` (no summary, or the account lacks the feature),
        `ZoomAuthError` (scope `meeting_summary:read:admin` missing)."""
        response = await self._caller.call(
            "GET",
            SUMMARY,
            f"/meetings/{uuid_segment(meeting_uuid)}/meeting_summary",
            budget=self._budget(deadline),
        )
        return MeetingSummary.from_json(response.json())

    async def add_registrant(
        self,
        meeting_id: int,
        registrant: NewRegistrant,
        *,
        occurrence_ids: tuple[str, ...] = (),
        deadline: float | None = None,
    ) -> Registration:
        """Register one person (by email: registering the same email again gives the same
        registrant, so a retry is safe). Raises `MeetingNotFound`, `ZoomValidationError`
        (the meeting takes no registration, code 3000…)."""
        params = {"occurrence_ids": ",".join(occurrence_ids)} if occurrence_ids else None
        budget = self._budget(deadline)
        response = await self._caller.call(
            "POST",
            REGISTRANTS,
            f"/meetings/{int(meeting_id)}/registrants",
            params=params,
            json=registrant.to_json(),
            budget=budget,
        )
        return Registration.from_json(response.json())

    async def get_registrant(
        self, meeting_id: int, registrant_id: str, *, deadline: float | None = None
    ) -> Registration:
        """One registrant, with their own `join_url` once approved."""
        response = await self._caller.call(
            "GET",
            REGISTRANT,
            f"/meetings/{int(meeting_id)}/registrants/{segment(registrant_id)}",
            budget=self._budget(deadline),
        )
        return Registration.from_json(response.json())

    async def set_registrant_status(
        self,
        meeting_id: int,
        action: RegistrantAction,
        registrants: tuple[RegistrantRef, ...],
        *,
        deadline: float | None = None,
    ) -> None:
        """Approve, deny or cancel registrants (at most 30 at once; safe to repeat)."""
        body = {"action": action.value, "registrants": [r.to_json() for r in registrants[:30]]}
        await self._caller.call(
            "PUT",
            REGISTRANT_STATUS,
            f"/meetings/{int(meeting_id)}/registrants/status",
            json=body,
            budget=self._budget(deadline),
        )

    async def update_registrant_questions(
        self, meeting_id: int, questions: RegistrantQuestions, *, deadline: float | None = None
    ) -> None:
        """Set the meeting's custom registration questions (safe to repeat)."""
        await self._caller.call(
            "PATCH",
            REGISTRANT_QUESTIONS,
            f"/meetings/{int(meeting_id)}/registrants/questions",
            json=questions.to_json(),
            budget=self._budget(deadline),
        )
