"""Small PDFs written for tests: a text layer from lines, or a page with no text (a "scan").

Only what PDF readers need: a catalog, a page tree, pages with a Helvetica
font and a content stream, and a cross-reference table with exact offsets.
"""

from __future__ import annotations

LINES_PER_PAGE = 60


def _escape(line: str) -> bytes:
    text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return text.encode("cp1252", "replace")


def _document(contents: list[bytes]) -> bytes:
    """A PDF whose pages draw ``contents`` (content streams), with a font for text."""
    n = len(contents)
    # 1 catalog, 2 pages, 3 font, then (page, content) pairs.
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(f"{4 + 2 * i} 0 R".encode() for i in range(n))
               + f"] /Count {n} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    for i, stream in enumerate(contents):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def text_pdf(text: str) -> bytes:
    """A PDF printing ``text`` line by line (60 lines a page)."""
    lines = text.split("\n")
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    contents = []
    for page in pages:
        body = b"BT /F1 9 Tf 11 TL 40 760 Td\n" + b"".join(b"(" + _escape(line) + b") Tj T*\n" for line in page)
        contents.append(body + b"ET")
    return _document(contents)


def image_only_pdf() -> bytes:
    """A page that draws but holds no text, as a scanned letter without OCR."""
    return _document([b"0.5 g 40 40 532 712 re f 0 g 100 100 m 500 600 l S"])
