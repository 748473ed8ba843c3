"""Errors that services raise and views/API translate.

Bad input is Django's ValidationError (400, shown on the form field); a permission problem is
PermissionDenied (403); a state conflict is ConflictError (409).
"""


class ConflictError(Exception):
    """The action is not possible in the object's current state (HTTP 409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
