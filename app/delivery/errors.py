"""The delivery errors a person can meet (app/api/errors.py gives their statuses)."""

from __future__ import annotations

from app.errors import PaveError


class DeliveryNotFailedError(PaveError):
    """Only a given-up delivery is retried by a person; the others are sent, or on their way."""

    code = "delivery-not-failed"
