"""One notification through Apprise: newsdesk writes no HTTP or SMTP code of its own.

:func:`send` never raises and never prints: Apprise's log lines are captured, and the error it
returns has every secret of the URL masked.
"""

from __future__ import annotations

import logging

import apprise

from newsdesk.alerts.secrets import mask_text

log = logging.getLogger(__name__)


def send(url: str, title: str, body: str) -> str | None:
    """Send ``title`` and ``body`` to ``url``; None when the service took it, else why not (masked)."""
    ap = apprise.Apprise()
    try:
        if not ap.add(url):
            return "not a notification URL Apprise knows"
        with apprise.LogCapture(level=logging.WARNING) as captured:
            ok = ap.notify(title=title, body=body)
        if ok:
            return None
        lines = [line.split(" - ", 2)[-1] for line in captured.getvalue().splitlines() if line.strip()]
        reason = lines[-1] if lines else "the service did not accept the notification"
    except Exception as exc:  # noqa: BLE001 - a plugin's bug is a failed delivery, never a crash
        reason = f"{type(exc).__name__}: {exc}"
    reason = mask_text(reason, [url])
    log.info("delivery failed: %s", reason)
    return reason
