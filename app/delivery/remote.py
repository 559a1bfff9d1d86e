"""Reading a body's Open311 server for the status pull: GET requests/{id}, tokens/{token} and
mySociety's servicerequestupdates, through the one Open311 client (app/delivery/open311_client).

The API key goes in the `Authorization: Bearer` header, never in a URL, and no error names it:
the status pull logs these errors as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.delivery import open311_client as client

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
    allow_private: bool = False  # DELIVERY_ALLOW_PRIVATE_ADDRESSES

    def __repr__(self) -> str:
        return f"Open311Server({self.endpoint!r})"

    def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET `path` (".json" added) under the endpoint; the decoded JSON answer."""
        conn = client.Connection(
            self.endpoint,
            self.api_key,
            self.jurisdiction_id,
            timeout_s=self.timeout_s,
            allow_private=self.allow_private,
        )
        where = f"GET {path}.json"
        try:
            answer = client.get_json(conn, f"{path}.json", params or {})
        except client.Open311Error as exc:
            if exc.status in (404, 501):
                raise NotOfferedError(f"{where}: {exc.status}") from None
            raise RemoteError(f"{where}: {exc}") from None
        except ValueError:
            raise RemoteError(f"{where}: the answer is not JSON") from None
        return answer

    def get_list(self, path: str, params: dict[str, str] | None = None) -> list[dict]:
        """GET a GeoReport list (requests, updates, tokens): the objects of its JSON array."""
        answer = self.get(path, params)
        if not isinstance(answer, list):
            raise RemoteError(f"GET {path}.json: the answer is not a JSON array")
        return [item for item in answer if isinstance(item, dict)]
