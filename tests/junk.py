"""Bad files a form collector will meet in a folder of returned forms, each broken in one known way.

A collector must report every one of these and carry on: none may crash it, hang it or exhaust memory.
Generation is fast and deterministic (no clocks, no random bytes) so failures can be replayed.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, NameObject, StreamObject, TextStringObject

GIB = 1024**3
BOMB_SIZE = GIB + 64 * 1024**2  # what the bomb's object stream inflates to
HUGE_SIZE = 3 * GIB  # the sparse file's apparent size
NESTING = 50_000


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A minimal classic PDF from numbered object bodies (object 1 the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    """A stream object body with its /Length set."""
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def _page(resources: bytes = b"<< >>") -> bytes:
    """An A4 page (object 3) whose content stream is object 4."""
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 4 0 R >>" % resources


def _png() -> bytes:
    """A small, valid grey PNG, built by hand so no imaging library is needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((x * 8) % 256 for x in range(32)) for _ in range(32))
    header = struct.pack(">IIBBBBB", 32, 32, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _zip() -> bytes:
    """A ZIP archive (what a mail client makes of "send as compressed"), with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mentor-application.pdf", (2027, 2, 1, 0, 0, 0)), b"%PDF-1.7\n" * 100)
    return buffer.getvalue()


def _text_only() -> bytes:
    """A one-page PDF whose answers are printed text, as "print to PDF" of a filled form leaves it."""
    text = b"BT /F1 12 Tf 72 770 Td (Your name: Ada Lovelace) Tj 0 -18 Td (Agency: Public Lands) Tj ET"
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    return _pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, _page(b"<< /Font << /F1 5 0 R >> >>"), _stream(text), font]
    )


def _scan() -> bytes:
    """A one-page PDF holding only a greyscale image, as a scanner makes of a printed, handwritten form."""
    width, height = 210, 297
    pixels = bytes(255 - ((x // 7 + y // 9) % 2) * 40 for y in range(height) for x in range(width))
    image = _stream(
        zlib.compress(pixels),
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode " % (width, height),
    )
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            PAGES,
            _page(b"<< /XObject << /Im0 5 0 R >> >>"),
            _stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q"),
            image,
        ]
    )


def _bomb() -> bytes:
    """A PDF whose catalog sits in an object stream that inflates to over 1 GiB of whitespace.

    The deflate data is one compressed prefix, then the same fully flushed 1 MiB block repeated, so
    building it costs one small compression; the file stays near 1 MB and any reader that parses the
    catalog (needed for /AcroForm) must inflate the lot.
    """
    catalog = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] >> >>"
    header = b"1 0 "
    prefix = header + catalog
    chunk = b" " * (1024 * 1024)
    squeeze = zlib.compressobj(9)
    start = squeeze.compress(prefix) + squeeze.flush(zlib.Z_FULL_FLUSH)
    block = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    again = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "a fully flushed block must compress the same each time"
    blocks = (BOMB_SIZE - len(prefix)) // len(chunk)
    end = squeeze.flush(zlib.Z_FINISH)[:-4]  # the final empty block; the checksum follows
    checksum = zlib.adler32(prefix)
    for _ in range(blocks):
        checksum = zlib.adler32(chunk, checksum)
    data = start + block * blocks + end + struct.pack(">I", checksum)

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 6 0 R >>"
    bodies = {2: b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>", 5: page, 6: _stream(b"")}
    bodies[3] = _stream(data, b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode " % len(header))
    offsets = {}
    for number in (2, 3, 5, 6):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, bodies[number])
    offsets[4] = len(out)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff", struct.pack(">BIH", 2, 3, 0)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in range(2, 7)]
    xref = b"".join(rows)
    out += b"4 0 obj\n" + _stream(xref, b"/Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R ") + b"\nendobj\n"
    xref_at = offsets[4]
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _deep() -> bytes:
    """A PDF whose catalog holds 50,000 nested arrays: a recursive parser overflows its stack."""
    nested = b"[" * NESTING + b"]" * NESTING
    return _pdf(
        [b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields %s >> >>" % nested, PAGES, _page(), _stream(b"")]
    )


def _clone(genuine: Path, change: Callable[[PdfWriter], None]) -> bytes:
    """The genuine form rewritten by pypdf after a change, with its file identifier kept stable."""
    writer = PdfWriter(clone_from=genuine)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _encrypt(user: str, owner: str) -> Callable[[PdfWriter], None]:
    """RC4-128 encryption (AES draws random IVs); the random second /ID is pinned to the first."""

    def change(writer: PdfWriter) -> None:
        writer.encrypt(user, owner, algorithm="RC4-128")
        first = writer._ID[0]  # the key derives from it; the second is random and only labels the file
        writer._ID = ArrayObject([first, ByteStringObject(bytes(first))])

    return change


def _xfa(writer: PdfWriter) -> None:
    """Declare an XFA form, which readers other than Acrobat cannot fill and whose data lives apart."""
    form = writer.root_object["/AcroForm"].get_object()
    stream = StreamObject()
    stream.set_data(b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template/></xdp:xdp>')
    form[NameObject("/XFA")] = ArrayObject([TextStringObject("template"), writer._add_object(stream)])


def _other_program(writer: PdfWriter) -> None:
    """Relabel the form as another program's: a look-alike form that must not be collected as ours."""
    writer.add_metadata(
        {
            "/Title": "Mentee intake form",
            "/Author": "Riverside County Youth Mentoring Alliance",
            "/Keywords": "mentee-intake, Riverside Youth, mentoring, form",
            "/Subject": "Riverside Youth Mentoring: intake form for new mentees.",
        }
    )
    metadata = writer.root_object.get("/Metadata")
    if metadata is not None:
        xmp = metadata.get_object()
        data = xmp.get_data()
        for old, new in ((b"Bridges", b"Riverside Youth"), (b"mentor-application", b"mentee-intake")):
            data = data.replace(old, new)
        xmp.set_data(data)


def _kids_cycle(writer: PdfWriter) -> None:
    """Make the first parent field's first kid list that parent among its own kids: a loop in the tree."""
    fields = writer.root_object["/AcroForm"].get_object()["/Fields"]
    parent_ref = next(ref for ref in fields if "/Kids" in ref.get_object())
    kid = parent_ref.get_object()["/Kids"][0].get_object()
    kid[NameObject("/Kids")] = ArrayObject([parent_ref])


def _broken_xref(data: bytes) -> bytes:
    """Point startxref into the page content and blot out the xref keyword and some entries."""
    at = data.rindex(b"startxref")
    body = data[:at]
    table = body.rindex(b"\nxref\n")
    spoiled = body[:table] + b"\nxrff\n" + body[table + 6 : table + 40] + b"#" * 60 + body[table + 100 :]
    return spoiled + b"startxref\n%d\n%%%%EOF\n" % (len(data) // 3)


def make_junk(folder: Path, genuine: Path) -> dict[str, str]:
    """Write the bad inputs into folder (made if missing); return file name -> what is wrong with it."""
    folder.mkdir(parents=True, exist_ok=True)
    original = genuine.read_bytes()
    noise = b"".join(hashlib.sha256(b"junk %d" % i).digest() for i in range(256))
    files: dict[str, tuple[bytes, str]] = {
        "not-a-pdf.pdf": (b"Dear coordinator,\nplease find my form attached.\n", "a text file named .pdf"),
        "empty.pdf": (b"", "an empty file"),
        "image.pdf": (_png(), "a PNG image named .pdf"),
        "archive.pdf": (_zip(), "a ZIP archive named .pdf"),
        "truncated.pdf": (original[: len(original) // 2], "the first half of a genuine form: download cut short"),
        "garbage.pdf": (b"%PDF-1.7\n" + noise, "a %PDF header followed by random bytes"),
        "encrypted.pdf": (_clone(genuine, _encrypt("secret", "owner")), "encrypted: needs a user password"),
        "owner-only.pdf": (
            _clone(genuine, _encrypt("", "owner")),
            "encrypted with an empty user password and an owner password: opens, but every string is encrypted",
        ),
        "xfa.pdf": (_clone(genuine, _xfa), "declares an XFA form (/XFA in /AcroForm)"),
        "flattened.pdf": (_text_only(), "no /AcroForm: answers only as printed page text (flattened or printed)"),
        "scanned.pdf": (_scan(), "one page holding only an image: a scanned paper form, no fields"),
        "other-program.pdf": (
            _clone(genuine, _other_program),
            "a genuine-looking form of another program (title, author, keywords and XMP name it)",
        ),
        "bomb.pdf": (_bomb(), "decompression bomb: the catalog's object stream inflates to over 1 GiB"),
        "kids-cycle.pdf": (_clone(genuine, _kids_cycle), "the field tree loops: a kid lists its parent as its kid"),
        "deep.pdf": (_deep(), f"{NESTING:,} nested arrays in the catalog: recursion depth"),
        "broken-xref.pdf": (_broken_xref(original), "xref table and startxref offset broken: must be rebuilt"),
    }
    described: dict[str, str] = {}
    for name, (data, description) in files.items():
        (folder / name).write_bytes(data)
        described[name] = description

    huge = folder / "huge.pdf"
    huge.write_bytes(original[:1024])
    os.truncate(huge, HUGE_SIZE)  # sparse: 3 GiB apparent size, almost no disk
    described[huge.name] = "huge: a 3 GiB file (sparse), far beyond any real form"

    link = folder / "x.pdf"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to("/dev/zero")
    described[link.name] = "a symlink to /dev/zero: endless zeros if read"

    directory = folder / "dir.pdf"
    directory.mkdir(exist_ok=True)
    described[directory.name] = "a directory named .pdf"
    return described
