"""Who sees a camera's stream address, and in what form (audit #5).

Recorder addresses usually carry the recorder's account in the address itself
(``rtsp://admin:secret@10.62.1.2:554/...``), and some HTTP gateways put it in the query
(``?user=...&password=...``). Whoever holds such an address can watch the camera and often
log into the recorder, so:

* the address is shown only to those who keep the camera register (`services.may_manage`:
  administrators and window clerks); everyone else (grid roles, police, auditors, leaders,
  duty leaders) gets nothing, not even a masked form;
* even they never get the credentials back: every address that leaves the server (page, API,
  audit row, form placeholder) goes through `mask_stream_url`. The stored value stays whole,
  because the recorder needs it.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "***"

# The scheme, then everything up to the LAST "@": a password may hold characters that a URL
# parser would take for the end of the authority, so when in doubt more is hidden, never less.
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>.*)@", re.DOTALL)
# Parameters that carry an account: in the query of HTTP(S) gateways, and in the path of some
# cheap recorders (``/user=admin&password=x&channel=1`` or ``/user=admin_password=x_channel=1``).
_SECRET_PARAMETER = re.compile(
    r"(?P<name>[?&;/_](?:user|username|usr|login|password|passwd|pwd|pass|token|access_token|auth"
    r"|authorization|key|secret|sign|signature|session|sid)=)"
    r"(?P<value>(?:(?!_[A-Za-z]+=)[^&;#/?])*)",
    re.IGNORECASE,
)


def mask_stream_url(value: str | None) -> str:
    """The address with its user part and credential parameters replaced by ``***``.

    ``rtsp://admin:pw@10.0.0.1:554/101`` → ``rtsp://***@10.0.0.1:554/101``; an address without
    credentials is returned unchanged; ``""`` stays ``""``.
    """
    value = (value or "").strip()
    if not value:
        return ""
    match = _USERINFO.match(value)
    if match:
        value = f"{match['scheme']}{MASK}@{value[match.end() :]}"
    elif "@" in value:
        # Not a URL with a scheme (never accepted, but older rows are not re-validated).
        value = f"{MASK}@{value.rsplit('@', 1)[1]}"
    return _SECRET_PARAMETER.sub(lambda m: f"{m['name']}{MASK}" if m["value"] else m[0], value)


def may_see_stream_url(user: Any) -> bool:
    """Whether the user is shown cameras' stream addresses (masked): those who keep the register."""
    from fengqiao.surveillance.services import may_manage

    return may_manage(user)


def stream_url_for(camera: Any, viewer: Any) -> str | None:
    """The camera's stream address as `viewer` may see it: masked, or None when not theirs to see."""
    if not may_see_stream_url(viewer):
        return None
    return mask_stream_url(camera.stream_url)
