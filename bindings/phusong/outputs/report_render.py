"""Renders the report's document (a list of blocks built by :mod:`phusong.outputs.report`) as
Markdown, as one self-contained HTML page (maps embedded as data URIs, ``lang`` set to the
report's language, print styles for A4) and as PDF through WeasyPrint (the ``report`` extra).

Blocks: ("h", level, text) · ("p", text) · ("ul", [text]) · ("meta", [(label, value)]) ·
("table", headers, rows, {"num": columns right-aligned, "cls": css class}) · ("img", file, caption) ·
("section", css class) ... ("/section",): a group of blocks on their own pages (wide: A4 landscape).
Text is plain; ``**bold**`` and ``code`` in backticks are the only inline markup.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

CSS = """
@page { size: A4; margin: 16mm 14mm 16mm 14mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; }
  @top-right { content: string(doctitle); font-size: 7pt; color: #777; } }
@page wide { size: A4 landscape; margin: 12mm 10mm 14mm 10mm; }
@page normal { size: A4; }
html { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 9.5pt; line-height: 1.35; color: #111; }
body { max-width: 1100px; margin: auto; padding: 0 1em; }
h1 { font-size: 16pt; text-align: center; text-transform: uppercase; margin: 0.4em 0 0.6em; string-set: doctitle content(); }
h2 { font-size: 12.5pt; border-bottom: 1px solid #90a4ae; margin-top: 1.2em; page-break-after: avoid; }
h3 { font-size: 10.5pt; page-break-after: avoid; }
table { border-collapse: collapse; margin: 0.4em 0 0.8em; font-size: 8.5pt; }
th, td { border: 1px solid #b0bec5; padding: 2px 5px; vertical-align: top; }
th { background: #eceff1; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.meta td { border: none; padding: 1px 8px 1px 0; }
table.meta td:first-child { white-space: nowrap; font-weight: bold; }
table.small { font-size: 7pt; } table.small td, table.small th { padding: 1px 3px; }
table.sha td:nth-child(4) { font-family: "DejaVu Sans Mono", monospace; font-size: 6.5pt; word-break: break-all; }
table.sites { width: 100%; } table.sites td:nth-child(2) { white-space: nowrap; }
section.wide { page: wide; } section.normal { page: normal; }
figure { margin: 0.6em 0; page-break-inside: avoid; text-align: center; }
figure img { width: 100%; max-width: 170mm; }
figcaption { font-size: 8.5pt; color: #444; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.9em; }
"""


def _inline(t: str) -> str:
    t = html.escape(t)
    t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", t)


def _md_cell(t) -> str:
    return str(t).replace("|", "\\|").replace("\n", " ")


def markdown(doc: list) -> str:
    out = []
    for b in doc:
        kind = b[0]
        if kind == "h":
            out.append("#" * b[1] + " " + b[2] + "\n")
        elif kind == "p":
            out.append(b[1] + "\n")
        elif kind == "ul":
            out.append("".join(f"- {x}\n" for x in b[1]))
        elif kind == "meta":
            out.append("".join(f"- **{k}:** {v}\n" for k, v in b[1]))
        elif kind == "table":
            _, headers, rows, opts = b
            num = opts.get("num", set())
            out.append("| " + " | ".join(_md_cell(h) for h in headers) + " |\n|"
                       + "".join("---:|" if i in num else "---|" for i in range(len(headers))) + "\n"
                       + "".join("| " + " | ".join(_md_cell(c) for c in r) + " |\n" for r in rows))
        elif kind == "img":
            out.append(f"![{b[2]}]({b[1]})\n")
        elif kind in ("section", "/section"):
            continue
    return "\n".join(out)


def html_page(doc: list, lang: str, title: str, images: dict[str, Path]) -> str:
    data = {name: base64.b64encode(Path(p).read_bytes()).decode() for name, p in images.items()}
    out = []
    for b in doc:
        kind = b[0]
        if kind == "h":
            out.append(f"<h{b[1]}>{_inline(b[2])}</h{b[1]}>")
        elif kind == "p":
            out.append(f"<p>{_inline(b[1])}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{_inline(x)}</li>" for x in b[1]) + "</ul>")
        elif kind == "meta":
            out.append('<table class="meta">' + "".join(f"<tr><td>{_inline(k)}</td><td>{_inline(str(v))}</td></tr>"
                                                        for k, v in b[1]) + "</table>")
        elif kind == "table":
            _, headers, rows, opts = b
            num = opts.get("num", set())
            cls = f' class="{opts["cls"]}"' if opts.get("cls") else ""
            head = "".join(f"<th>{_inline(str(h))}</th>" for h in headers)
            body = "".join("<tr>" + "".join(
                f'<td class="n">{_inline(str(c))}</td>' if i in num else f"<td>{_inline(str(c))}</td>"
                for i, c in enumerate(r)) + "</tr>" for r in rows)
            out.append(f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif kind == "img":
            out.append(f'<figure><img alt="{html.escape(b[2])}" src="data:image/png;base64,{data[b[1]]}">'
                       f"<figcaption>{_inline(b[2])}</figcaption></figure>")
        elif kind == "section":
            out.append(f'<section class="{b[1]}">')
        elif kind == "/section":
            out.append("</section>")
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n"
            '<meta name="generator" content="phusong">\n'
            f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(out) + "\n</body>\n</html>\n")


def require_weasyprint():
    """The weasyprint module (an optional extra), or an InputError saying how to install it;
    checked before a run computes anything when outputs.report_pdf is set."""
    try:
        import weasyprint
    except ImportError as exc:  # OSError too when Pango is missing: let that one speak
        from .. import _core

        raise _core.InputError(
            "outputs.report_pdf: the PDF report needs WeasyPrint, which is not installed "
            f"({exc}); install it with `pip install phusong[report]` (and Debian's libpango-1.0-0 "
            "libpangoft2-1.0-0), or set outputs.report_pdf: false") from None
    return weasyprint


def pdf(page: str, path: Path, when) -> Path:
    """report.pdf from the HTML page, with WeasyPrint (imported here: an optional extra)."""
    weasyprint = require_weasyprint()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    meta = (f'<meta name="dcterms.created" content="{stamp}">'
            f'<meta name="dcterms.modified" content="{stamp}">')
    page = page.replace('<meta name="generator" content="phusong">',
                        '<meta name="generator" content="phusong">' + meta, 1)
    doc = weasyprint.HTML(string=page).render()
    doc.write_pdf(path, pdf_identifier=b"phusong-report", uncompressed_pdf=False)
    return path
