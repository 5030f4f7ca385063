"""The text layer of a letter published as PDF.

DWC publishes IMR determination letters as PDFs with a text layer. It is
read with pypdfium2 (PDFium, the PDF engine of Chromium): on the 116
published letters of tests/historical/real/ it reads 225 letters/s where
pypdf reads 19, and the importer reads every field of the reference as
well from either text (docs/performance.md). The letters carry a "no text
extraction" permission flag and an empty-password encryption; both are
honoured by readers for printing only, and these are public records.

Layout the rest of the importer expects, restored here: PDFium reports a
hyphen at a line end as U+FFFE and joins the two lines; it becomes the
hyphen and line break that the text letters have, so :func:`normalize`
decides, as for them, whether the hyphen belongs to the word.
"""

from __future__ import annotations

import threading

from .errors import LetterError

#: PDFs bigger than this are refused before parsing (a letter is ~30 KB; a
#: scanned one a few MB).
MAX_PDF_BYTES = 16 << 20
#: The PDF header may follow a little junk (the PDF specification allows it).
_MAGIC_WINDOW = 1024
# PDFium is not thread-safe: one document at a time per process.
_LOCK = threading.Lock()
_HYPHEN_BREAK = "\ufffe"
# PDFium's error codes (FPDF_ERR_*).
_ERR_FILE, _ERR_FORMAT, _ERR_PASSWORD, _ERR_SECURITY = 2, 3, 4, 5


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` starts (within the first KB) with the PDF header."""
    return b"%PDF-" in data[:_MAGIC_WINDOW]


def pdf_text(data: bytes, file: str | None) -> str:
    """The text of every page, pages separated by a line break; :class:`LetterError` if there is none."""
    if len(data) > MAX_PDF_BYTES:
        raise LetterError(f"PDF is {len(data)} bytes, over the {MAX_PDF_BYTES}-byte limit", file,
                          hint="check that this is a single determination letter")
    if not is_pdf(data):
        raise LetterError("not a PDF file (no %PDF header)", file,
                          hint="give the letter as published (PDF) or its text (.txt)")
    try:
        import pypdfium2 as pdfium
    except ImportError:        # pragma: no cover - a dependency of the package
        raise LetterError("cannot read PDF letters: pypdfium2 is not installed", file,
                          hint="pip install pypdfium2, or give the letter's text (.txt)") from None
    with _LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise _open_error(exc, file) from None
        try:
            pages = []
            for i in range(len(doc)):
                page = doc[i]
                textpage = page.get_textpage()
                try:
                    pages.append(textpage.get_text_range())
                finally:
                    textpage.close()
                    page.close()
        except pdfium.PdfiumError as exc:
            raise LetterError(f"PDF could not be read: {exc}", file,
                              hint="the file may be damaged; download the letter again") from None
        finally:
            doc.close()
    text = "\n".join(pages).replace(_HYPHEN_BREAK, "-\n")
    if not text.strip():
        raise LetterError("PDF has no text layer (a scanned image?)", file,
                          hint="run OCR on it first (e.g. ocrmypdf), or give the letter's text as .txt")
    return text


def _open_error(exc, file: str | None) -> LetterError:
    code = getattr(exc, "err_code", None)
    if code in (_ERR_PASSWORD, _ERR_SECURITY):
        return LetterError("PDF is encrypted with a password", file,
                           hint="give the letter as published by DWC (no password), or its text (.txt)")
    return LetterError("PDF is damaged or not a PDF (PDFium could not open it)", file,
                       hint="download the letter again, or give its text (.txt)")
