"""The request a signed-in view receives, and the account behind any request."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from lianyun.accounts.models import User


class SignedInRequest(HttpRequest):
    """A request that `login_required` let through: its user is an account, never anonymous.
    Views so decorated take this type, so `request.user` is a `User` where they use it."""

    user: User


def account_of(request: HttpRequest) -> User | None:
    """The account signed in on a page open to everyone, or None."""
    user = request.user
    return None if isinstance(user, AnonymousUser) else user
