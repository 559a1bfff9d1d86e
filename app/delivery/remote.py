"""Reading a body's Open311 server: GET requests of GeoReport v2 and mySociety's extensions.

Plain HTTP with the standard library (no Flask, no new dependency). The API key goes in the
`Authorization: Bearer` header, never in a URL, and no error names it: the status pull logs
these errors as they are.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

# A remote's answer is a page of at most a few hundred small items: more is refused.
MAX_ANSWER_BYTES = 5_000_000
TIMEOUT_S = 20.0


class RemoteError(Exception):
    """The remote did not answer usefully: down, an error status, or not JSON."""


class NotOfferedError(RemoteError):
    """The remote answers 404 (or 501) to a resource: it does not offer it."""


@dataclass(frozen=True)
class Open311Server:
    """Where a body's Open311 server is, and the key Pavé reads it with (kept out of repr)."""

    endpoint: str
    jurisdiction_id: str | None = None
    api_key: str | None = None
    timeout_s: float = TIMEOUT_S

    def __repr__(self) -> str:
        return f"Open311Server({self.endpoint!r})"

    def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET `path` (".json" added) under the endpoint; the decoded JSON answer."""
        query = dict(params or {})
        if self.jurisdiction_id:
            query["jurisdiction_id"] = self.jurisdiction_id
        url = urllib.parse.urljoin(self.endpoint.rstrip("/") + "/", f"{path}.json")
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Accept": "application/json", "User-Agent": "Pave-status-pull"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(url, headers=headers)
        where = f"GET {urllib.parse.urlsplit(url).path}"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as answer:
                body = answer.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code in (404, 501):
                raise NotOfferedError(f"{where}: {exc.code}") from None
            raise RemoteError(f"{where}: HTTP {exc.code}") from None
        except (OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteError(f"{where}: {type(reason).__name__}: {reason}") from None
        if len(body) > MAX_ANSWER_BYTES:
            raise RemoteError(f"{where}: the answer is over {MAX_ANSWER_BYTES} bytes")
        try:
            return json.loads(body)
        except ValueError:
            raise RemoteError(f"{where}: the answer is not JSON") from None

    def get_list(self, path: str, params: dict[str, str] | None = None) -> list[dict]:
        """GET a GeoReport list (requests, updates, tokens): the objects of its JSON array."""
        answer = self.get(path, params)
        if not isinstance(answer, list):
            raise RemoteError(f"GET {path}.json: the answer is not a JSON array")
        return [item for item in answer if isinstance(item, dict)]
