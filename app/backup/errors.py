"""The one error of the backup: a refusal or a failure, with a message for the operator."""

from __future__ import annotations

from app.errors import PaveError


class BackupError(PaveError):
    """A backup that cannot be made, or a restore that is refused; nothing was left half done.

    The message names the file or the check at fault and never carries a password.
    """

    code = "backup"
