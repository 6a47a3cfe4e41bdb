"""QR codes for printed notices (segno): an inline SVG that leads back to the page."""

import io

import segno
from django.conf import settings
from django.http import HttpRequest


def public_url(request: HttpRequest, path: str) -> str:
    """The address a phone reaches from the village: LIANYUN_PUBLIC_URL when the county sets
    one (the server's name on its network), else the address this request came to."""
    base = settings.LIANYUN_PUBLIC_URL.rstrip("/")
    return base + path if base else request.build_absolute_uri(path)


def qr_svg(url: str) -> str:
    """An SVG QR code (error correction M, so a smudged print still reads)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", xmldecl=False, svgns=True, border=2, omitsize=True, svgclass="qr"
    )
    return out.getvalue().decode()
