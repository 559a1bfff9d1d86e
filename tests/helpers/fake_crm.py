"""A tiny Open311 server of "the outside world" taking POSTs: it ignores attributes and echoes nothing.

It keeps what it is sent in memory, and lists it back as GeoReport v2 does: id, service,
point, description and requested time, filtered by service_code and the time window. What
a commune's works-management tool with an Open311 front would show.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

from werkzeug.wrappers import Request, Response

from tests.helpers.servers import LiveServer, free_port


class FakeCrm:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.posts = 0
        self._lock = threading.Lock()
        self.server = LiveServer(self.wsgi, free_port())

    def wsgi(self, environ, start_response):
        request = Request(environ)
        if request.method == "POST" and request.path.endswith("/requests.json"):
            answer = self.create(request.form)
        elif request.method == "GET" and request.path.endswith("/requests.json"):
            answer = self.listed(request.args)
        else:
            answer = Response("[]", status=404, mimetype="application/json")
        return answer(environ, start_response)

    def create(self, form) -> Response:
        if form.get("api_key") != "outside-key":
            return Response('[{"code":403,"description":"bad key"}]', status=403)
        with self._lock:
            self.posts += 1
            item = {
                "service_request_id": f"CRM-{1000 + len(self.requests)}",
                "service_code": form["service_code"],
                "lat": float(form["lat"]),
                "long": float(form["long"]),
                "description": form.get("description"),
                "requested_datetime": dt.datetime.now(dt.UTC).isoformat(),
                "status": "open",
            }
            self.requests.append(item)
        body = [{"service_request_id": item["service_request_id"]}]
        return Response(json.dumps(body), status=201, mimetype="application/json")

    def listed(self, args) -> Response:
        start = dt.datetime.fromisoformat(args["start_date"])
        end = dt.datetime.fromisoformat(args["end_date"])
        code = args.get("service_code")
        found = [
            item
            for item in self.requests
            if (code is None or item["service_code"] == code)
            and start <= dt.datetime.fromisoformat(item["requested_datetime"]) <= end
        ]
        return Response(json.dumps(found), mimetype="application/json")

    def add(self, **item) -> None:
        """A request someone made directly in the remote system."""
        with self._lock:
            self.requests.append(
                {
                    "service_request_id": f"CRM-{1000 + len(self.requests)}",
                    "requested_datetime": dt.datetime.now(dt.UTC).isoformat(),
                    "status": "open",
                    **item,
                }
            )
