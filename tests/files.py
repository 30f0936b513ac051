"""Small real files for the tests that upload attachments: the upload machine decodes every
picture and opens every PDF, so a file that only starts like one is refused."""

from io import BytesIO

from PIL import Image
from pypdf import PdfWriter


def png(size=(4, 4), color=(200, 30, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpg(size=(4, 4), color=(30, 30, 200), exif: bytes | None = None) -> bytes:
    out = BytesIO()
    options = {"exif": exif} if exif else {}
    Image.new("RGB", size, color).save(out, format="JPEG", **options)
    return out.getvalue()


def jpg_with_gps() -> bytes:
    """A photo that says where it was taken (as a phone's camera writes it)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (40.0, 48.0, 0.0), 3: "E", 4: (111.0, 49.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    return jpg(exif=exif.tobytes())


def pdf(author: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if author:
        writer.add_metadata({"/Author": author, "/Title": "举报材料"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


PNG, JPG, PDF = png(), jpg(), pdf()
