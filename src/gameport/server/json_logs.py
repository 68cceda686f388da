"""Structured logs: one JSON object per line on stderr, with the order's id, platform and environment when
a log call passes them (``log.info("delivered", extra=order_fields(order))``)."""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

from .ledger import Order

FIELDS = ("order_id", "platform", "environment", "callback_id", "outcome", "reason", "path")


def order_fields(order: Order, **more: Any) -> dict[str, Any]:
    """The ``extra`` of a log call about ``order``."""
    return {"order_id": order.order_id, "platform": order.platform, "environment": order.environment, **more}


class JsonLines(logging.Formatter):
    """``{"ts", "level", "logger", "pid", "msg", <FIELDS present>, "exc"?}`` per record."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": round(record.created, 6), "level": record.levelname, "logger": record.name,
            "pid": os.getpid(), "msg": record.getMessage(),
        }  # fmt: skip
        for name in FIELDS:
            if name in record.__dict__:
                line[name] = record.__dict__[name]
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def setup_logging(level: int = logging.INFO) -> None:
    """Send every log record to stderr as JSON lines (replacing earlier handlers)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    logging.basicConfig(level=level, handlers=[handler], force=True)
