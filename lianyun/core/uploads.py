"""Checking an uploaded file before anything keeps it (docs/security.md S19).

The type is read from the content, never from the name or the browser's claim; only images,
PDF and common voice recordings are accepted. Images are decoded and written anew, which
drops EXIF (GPS position, camera, time) and anything hidden after the picture; a picture with
too many pixels (a decompression bomb) is refused before decoding.
"""

import io
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
OTHER_TYPES = {"application/pdf", "audio/mpeg", "audio/mp4", "audio/x-wav", "audio/amr"}
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/x-wav": "wav",
    "audio/amr": "amr",
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    data: bytes


def _reencode(data: bytes, image_format: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > settings.LIANYUN_IMAGE_MAX_PIXELS:
                raise ValidationError(_("The picture is too large to process."))
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            if upright.mode not in ("RGB", "RGBA", "L", "LA"):
                upright = upright.convert("RGBA")
            if image_format == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            # Rebuilt from raw pixels: no EXIF, ICC, text chunks or trailing bytes survive.
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            out = io.BytesIO()
            clean.save(out, image_format)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise ValidationError(_("This picture cannot be read.")) from None


def check_upload(upload: UploadedFile) -> CheckedFile:
    limit = settings.LIANYUN_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("%(name)s is too large: at most %(mb)d MB per file.")
            % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("%(name)s is too large: at most %(mb)d MB per file.")
            % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    kind = filetype.guess(data)
    mime = kind.mime if kind else ""
    if mime in IMAGE_TYPES:
        return CheckedFile(mime, EXTENSIONS[mime], _reencode(data, IMAGE_TYPES[mime]))
    if mime in OTHER_TYPES:
        return CheckedFile(mime, EXTENSIONS[mime], data)
    raise ValidationError(
        _("%(name)s is not a picture, a PDF or a voice recording.") % {"name": upload.name}
    )
