"""The current password a signed-in user types to confirm a change: turning the second factor
off, deleting their account (the API's ``/api/account/*`` and the account page alike).

It is checked in two steps, so that Argon2 (0.1 to 0.25 s at the default cost) never runs
while the write lock is held (docs/security.md, *Promise 2*):

1. :meth:`CurrentPassword.first`, in a read-only unit of work: the pauses of earlier failures
   (:class:`~gobetween.errors.RateLimited`), then the password verified
   (:func:`gobetween.service.identity.check_current_password_first`);
2. :meth:`CurrentPassword.right`, in the writing unit that makes the change: the pauses again,
   the first step's result used unless the password changed meanwhile, a failure counted (and
   recorded in the user's security log as ``failure``, when given), which the caller commits
   even though the change is refused (:func:`gobetween.service.identity.wrong_current_password`
   is the error to raise after the unit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gobetween.service import identity, security_log
from gobetween.service.context import Services, Unit

__all__ = ["CurrentPassword"]


@dataclass(slots=True)
class CurrentPassword:
    """``password``, typed as the current one, checked before and in a writing unit of work.

    ``failure``: the security-log event of a wrong one (``""``: none beyond the counted
    failure)."""

    services: Services
    password: str = field(repr=False)
    failure: str = ""
    checked: identity.CheckedPassword | None = field(default=None, repr=False)

    def first(self, unit: Unit) -> None:
        """Step 1, in a read-only unit of work: verify it (Argon2) with the write lock free."""
        hasher, settings = self.services.hasher, self.services.settings
        self.checked = identity.check_current_password_first(
            unit.session, hasher, settings, unit.user, self.password
        )

    @property
    def verified(self) -> bool:
        """Whether step 1 found it right (the writing unit decides: :meth:`right`)."""
        return self.checked is not None and self.checked.ok

    def right(self, unit: Unit) -> bool:
        """Step 2, in the writing unit: whether it is the caller's password (a failure is
        counted, and recorded as ``failure``, in the unit)."""
        hasher, settings, user = self.services.hasher, self.services.settings, unit.user
        right = identity.check_current_password(
            unit.session, hasher, settings, user, self.password, checked=self.checked
        )
        if not right and self.failure:
            security_log.record(unit.session, user.id, self.failure)
        return right
