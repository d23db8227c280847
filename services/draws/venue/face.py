"""Check-in by WeChat's face verification in the mini-program (WX-FACE), the way an expert
passes a venue's identity check without the staff (services/draws/venue/identity.py):

1. the expert asks to check in by face: the place is checked as check-in checks it (open,
   confirmed, not sanctioned); WeChat opens a verification for the name and ID number on
   record (getVerifyId) and its verify_id goes to the mini-program with the notice of what
   is done and kept (FACE-2025: 告知);
2. the mini-program runs wx.requestFacialVerify on the phone;
3. the mini-program says it is done: WeChat is asked for the true result (queryVerifyInfo,
   never the phone's word); 10000 checks the expert in, anything else is recorded as a
   failed check and the expert is told in words why and what to do (try again, or the
   staff's ID check, always open to them).

Between 1 and 3 Redis holds which invitation and out_seq_no the verify_id belongs to (for
WeChat's hour at most); the ID number is read from its seal each time and never kept."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from redis.asyncio import Redis

from models.draws import Invitation
from models.people import Person
from models.venues import IdentityCheck
from services.common.errors import Conflict, NotAllowed, NotFound
from services.common.pii import Vault
from services.common.ports import FACE_PASSED, FaceVerifier
from services.common.redis_keys import RedisKeys
from services.draws.venue.attendance import Attendance, CheckResult


@dataclass(frozen=True)
class FaceStart:
    verify_id: str
    expires_in: int
    code: str  # the expert's verification code: the staff's way needs it


class FaceCheckIns:
    def __init__(self, attendance: Attendance, face: FaceVerifier | None, vault: Vault,
                 redis: Redis, keys: RedisKeys) -> None:
        self.attendance, self.face, self.vault = attendance, face, vault
        self._redis, self._keys = redis, keys
        attendance.face_offered = face is not None

    def _key(self, verify_id: str) -> str:
        return self._keys.face_session(hashlib.sha256(verify_id.encode()).hexdigest())

    async def _place(self, invitation_id: int, person_id: int, now: datetime) -> Invitation:
        """The expert's own confirmed place, open for check-in now, not yet checked in."""
        if self.face is None:
            raise NotAllowed("checkin.face_off")
        mine = await Invitation.get_or_none(id=invitation_id, person_id=person_id)
        if mine is None:
            raise NotFound("checkin.not_confirmed")
        _, item = await self.attendance.confirmed(mine.activity_id, person_id, now,
                                                  code=mine.code)
        if item.checkin_at is not None:
            raise Conflict("checkin.face_already_in")
        return item

    async def start(self, person: Person, openid: str, invitation_id: int,
                    now: datetime) -> FaceStart:
        """Open WeChat's face verification for this expert's check-in."""
        item = await self._place(invitation_id, person.id, now)
        assert self.face is not None
        out_seq_no = f"ci{item.id}x{secrets.token_hex(6)}"  # 5-32 of [A-Za-z0-9_-]
        session = await self.face.face_session(out_seq_no, openid, person.name,
                                               self.vault.decrypt(person.id_number_enc))
        await self._redis.set(self._key(session.verify_id), json.dumps(
            {"p": person.id, "i": item.id, "o": out_seq_no, "w": openid}),
            ex=max(60, session.expires_in))
        return FaceStart(session.verify_id, session.expires_in, item.code or "")

    async def finish(self, person: Person, invitation_id: int, verify_id: str,
                     now: datetime) -> CheckResult:
        """Ask WeChat what the verification came to: passed, the expert is checked in;
        otherwise the failure is recorded and the refusal says why and what to do."""
        raw = await self._redis.get(self._key(verify_id))
        pending = json.loads(raw) if raw else None
        if pending is None or pending["p"] != person.id or pending["i"] != invitation_id:
            raise NotFound("checkin.face_session")
        item = await self._place(int(pending["i"]), person.id, now)
        assert self.face is not None
        verdict = await self.face.face_result(verify_id, pending["o"], pending["w"],
                                              person.name,
                                              self.vault.decrypt(person.id_number_enc))
        await self._redis.delete(self._key(verify_id))  # one result per verification
        if verdict != FACE_PASSED:
            await IdentityCheck.create(invitation_id=item.id, person_id=person.id,
                                       method="face", passed=False, failure=str(verdict),
                                       at=now)
            raise NotAllowed("checkin.face_failed", ret=verdict, code=item.code or "")
        result = await self.attendance.checkin(item.activity_id, person.id, now,
                                               code=item.code, verified="face")
        await IdentityCheck.create(invitation_id=item.id, person_id=person.id, method="face",
                                   passed=True, at=now)
        return result
