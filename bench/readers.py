"""The file-format readers' speed, and the character error rate of the OCR, on generated files.

The content is ``bench.office_files.FORMS`` (a declaration and a self-evaluation,
three pages of a ruled PDF) repeated ``--copies`` times: 10 copies are a 30-page
PDF, and the same rows as DOCX, XLSX and HTML, whose "pages" are counted as the
PDF pages of the same content. The scan is the declaration rendered at 300 dpi
(Pillow, a CJK font of fonts-wqy-microhei / fonts-noto-cjk) as a PNG and as an
image-only PDF page; its character error rate is the Levenshtein distance over
characters (whitespace removed) between the OCR text and the form's text,
divided by the form's character count.

    python -m bench.readers                  # 30 pages, best of 3, OCR once
    python -m bench.readers --copies 10 --repeats 3 --markdown
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench import office_files as of
from policykg.loaders.readers import grid_from_bytes

TARGET_PDF_30_PAGES_S = 2.0


def _best(read: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        read()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(copies: int, repeats: int) -> dict[str, dict[str, float | int | str]]:
    """Per format: pages, seconds (best of ``repeats``), pages per second; for OCR also the CER and findings."""
    forms = tuple(replace(form, sheet=f"{form.sheet}{k}") for k in range(1, copies + 1) for form in of.FORMS)
    pdf, _ = of.pdf_bytes(forms)
    pages = 3 * copies
    files = {"pdf": ("forms.pdf", pdf), "docx": ("forms.docx", of.docx_bytes(forms)),
             "xlsx": ("forms.xlsx", of.xlsx_bytes(forms)), "xls": ("forms.xls", of.xls_bytes(forms)),
             "html": ("forms.html", of.html_bytes(forms))}
    results: dict[str, dict[str, float | int | str]] = {}
    for fmt, (name, data) in files.items():
        seconds = _best(lambda name=name, data=data: grid_from_bytes(name, data), repeats)
        results[fmt] = {"pages": pages, "seconds": seconds, "pages_per_s": pages / seconds, "bytes": len(data)}
    if of.cjk_font() is not None:
        image = of.scan_image(of.DECLARATION)
        png, scan_pdf = io.BytesIO(), io.BytesIO()
        image.save(png, "PNG")
        image.save(scan_pdf, "PDF", resolution=300)
        reference = of.scan_text(of.DECLARATION)
        for fmt, name, data in (("ocr png", "scan.png", png.getvalue()), ("ocr pdf", "scan.pdf", scan_pdf.getvalue())):
            start = time.perf_counter()
            grid = grid_from_bytes(name, data)
            seconds = time.perf_counter() - start
            results[fmt] = {"pages": 1, "seconds": seconds, "pages_per_s": 1 / seconds, "bytes": len(data),
                            "cer": of.character_error_rate(reference, "".join(grid.source().lines)),
                            "characters": len(reference), "low_confidence_lines": len(grid.findings)}
    return results


def markdown(results: dict[str, dict[str, float | int | str]], copies: int, repeats: int) -> str:
    """The section for bench/results.md."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    lines = [f"## File-format readers (`python -m bench.readers --copies {copies} --repeats {repeats}`)", "",
             f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d')}. Content: the declaration and self-evaluation of "
             f"`bench/office_files.py` × {copies} ({3 * copies} PDF pages; the other formats hold the same rows, "
             "their pages counted as the PDF's). Grid reading only (the form reader not included); best of "
             f"{repeats} runs, OCR once.", "",
             "| format | pages | size (KB) | seconds | pages / s | CER | low-confidence lines |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for fmt, r in results.items():
        cer = f"{float(r['cer']):.1%} of {r['characters']}" if "cer" in r else ""
        low = str(r.get("low_confidence_lines", ""))
        lines.append(f"| {fmt} | {r['pages']} | {int(r['bytes']) / 1024:.0f} | {float(r['seconds']):.2f} | "
                     f"{float(r['pages_per_s']):.1f} | {cer} | {low} |")
    pdf_s = float(results["pdf"]["seconds"])
    lines += ["", f"Target: a 30-page text PDF in ≤ {TARGET_PDF_30_PAGES_S:g} s — "
              f"{'met' if pdf_s <= TARGET_PDF_30_PAGES_S and copies == 10 else 'see the pdf row'} "
              f"({pdf_s:.2f} s for {results['pdf']['pages']} pages)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=10, help="copies of the two forms (3 PDF pages each)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per format; the best is reported")
    parser.add_argument("--markdown", action="store_true", help="print the bench/results.md section")
    args = parser.parse_args()
    results = measure(args.copies, args.repeats)
    if args.markdown:
        print(markdown(results, args.copies, args.repeats))
    else:
        for fmt, r in results.items():
            print(fmt, {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()})


if __name__ == "__main__":
    main()
