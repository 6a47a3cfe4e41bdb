"""Bearer-token authentication for officials' API clients (django-ninja)."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from lianyun.accounts.actions import user_for_token


class OfficialToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None or not user.is_official:
            return None
        return user
