"""Serve a youth's voice message, photo or document to workers of the youth's partnership only.

Files are addressed by message id, never by path: the stored name comes from the database
and must resolve inside the media folder, so no request can reach another file.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from sqlalchemy import select

from inbox.auth import require_worker
from inbox.schemas.base import MAX_ID
from storage import casework
from storage.clock import utcnow
from storage.db import Database
from storage.models import Case, Message

TYPES = {
    ".ogg": "audio/ogg", ".oga": "audio/ogg", ".mp3": "audio/mpeg", ".m4a": "audio/mp4",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
    ".mp4": "video/mp4", ".pdf": "application/pdf",
}  # fmt: skip


class MediaFiles:
    def __init__(self, db: Database, media_dir: Path) -> None:
        self.db = db
        self.media_dir = media_dir.resolve()

    def routes(self) -> list[web.AbstractRouteDef]:
        return [web.get(r"/inbox/media/{message_id:\d{1,16}}", self.serve)]

    async def serve(self, request: web.Request) -> web.StreamResponse:
        worker = require_worker(request)
        message_id = int(request.match_info["message_id"])
        if message_id > MAX_ID:
            raise web.HTTPNotFound()
        async with self.db.transaction() as session:
            message = await session.get(Message, message_id)
            if message is None or not message.media or message.media.get("state") != "stored":
                raise web.HTTPNotFound()
            owner = select(Case.id).where(
                Case.youth_id == message.youth_id, Case.partnership_id == worker.partnership_id
            )
            case_id = (await session.execute(owner.limit(1))).scalar_one_or_none()
            if case_id is None:
                raise web.HTTPNotFound()  # another partnership's youth does not exist for you
            await casework.audit(session, worker.id, "view_media", case_id, utcnow())
        path = (self.media_dir / str(message.media.get("path", ""))).resolve()
        if path.parent != self.media_dir or not path.is_file():
            raise web.HTTPNotFound()
        kind = TYPES.get(path.suffix, "application/octet-stream")
        headers = {
            "Content-Type": kind,
            "Content-Disposition": "inline"
            if kind.split("/")[0] in ("audio", "image", "video")
            else "attachment",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        }
        return web.FileResponse(path, headers=headers)
