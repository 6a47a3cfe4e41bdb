"""Production settings with a policy that allows inline script, for the deploy check's test."""

from config.settings import *  # noqa: F403
from config.settings import CONTENT_SECURITY_POLICY

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": CONTENT_SECURITY_POLICY["DIRECTIVES"]
    | {"script-src": ["'self'", "'unsafe-inline'"]}
}
