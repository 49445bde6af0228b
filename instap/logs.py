"""The JSON log format (LOG_FORMAT=json): one object per line for a log collector, with the
request or inbound update the line is about (core/logcontext.py). Plain text stays the
default, for people reading a terminal."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from core import logcontext

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonLines(logging.Formatter):
    """{"time", "level", "logger", "message"}, plus "request_id" or "update_id" when the line
    was logged while one was set, and "exception" (the traceback as text) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, var in (
            ("request_id", logcontext.REQUEST_ID),
            ("update_id", logcontext.UPDATE_ID),
        ):
            value = var.get()
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["exception"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


def formatter(log_format: str) -> logging.Formatter:
    return JsonLines() if log_format == "json" else logging.Formatter(TEXT)
