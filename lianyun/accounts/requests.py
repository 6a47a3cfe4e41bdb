"""The request a signed-in view receives."""

from django.http import HttpRequest

from lianyun.accounts.models import User


class SignedInRequest(HttpRequest):
    """A request that `login_required` let through: its user is an account, never anonymous.
    Views so decorated take this type, so `request.user` is a `User` where they use it."""

    user: User
