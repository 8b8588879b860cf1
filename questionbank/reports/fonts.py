"""Fonts for the PDF reports: a TrueType CJK font embedded as a subset, or the MSung-Light CID fallback."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# ReportLab font names registered in this process, and the fonts found unusable (with why), by
# (path, subfont index): a font file is parsed once per process.
_REGISTERED: dict[tuple[str | None, int], str] = {}


_UNUSABLE: dict[tuple[str, int], str] = {}


FONT_ENV = "QBANK_REPORT_FONT"


# TrueType fonts with Traditional Chinese glyphs, tried in order: (path, subfont index in a .ttc).
# CFF-based OpenType fonts (Noto Sans CJK .ttc/.otf) are refused by ReportLab and skipped.
SYSTEM_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # AR PL UMing (fonts-arphic-uming)
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # WenQuanYi Zen Hei (fonts-wqy-zenhei)
    ("/usr/share/fonts/truetype/noto/NotoSansTC-Regular.ttf", 0),  # static Noto Sans TC (TrueType outlines)
    ("/usr/local/share/fonts/NotoSansTC-Regular.ttf", 0),
    ("/Library/Fonts/NotoSansTC-Regular.ttf", 0),
    ("C:/Windows/Fonts/msjh.ttc", 0),  # Microsoft JhengHei
    # Noto Sans CJK (fonts-noto-cjk) is CFF-based: tried last, so that when it is all there is,
    # the reason it cannot be used is reported
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
)


# A font is used only when it has every one of these characters.
FONT_PROBE = "資料品質網路職責通過未及格標準建議"


CID_FACE = "MSung-Light"


# ReportLab's default CMap for MSung-Light is UniGB-UCS2-H, a GB (Simplified) CMap that poppler
# cannot combine with the Adobe-CNS1 collection: the text then renders as nothing.
CID_ENCODING = "UniCNS-UCS2-H"


@dataclass(frozen=True)
class ReportFont:
    """The font a report is set in: a TrueType file embedded as a subset, or the CID fallback.

    ``path`` None means ReportLab's MSung-Light CID font (not embedded). ``skipped`` lists the
    fonts tried and refused before this one, as (path, reason), so a front end can say why.
    """

    path: str | None = None
    subfont_index: int = 0
    skipped: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def embedded(self) -> bool:
        return self.path is not None

    @property
    def label(self) -> str:
        if self.path is None:
            return f"{CID_FACE} ({CID_ENCODING}, not embedded)"
        return f"{self.path}#{self.subfont_index}" if self.subfont_index else self.path


CID_FONT = ReportFont()


class _FontUnusable(Exception):
    pass


def _register(font: ReportFont) -> str:
    """Register ``font`` with ReportLab once per process; returns its ReportLab name."""
    known = _REGISTERED.get((font.path, font.subfont_index))
    if known:
        return known
    if font.path is not None and (font.path, font.subfont_index) in _UNUSABLE:
        raise _FontUnusable(_UNUSABLE[font.path, font.subfont_index])
    from reportlab.pdfbase import pdfmetrics

    if font.path is None:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        cid = UnicodeCIDFont(CID_FACE)
        cid.encodingName = CID_ENCODING  # the PDF's /Encoding; text is written as UTF-16 either way
        cid.name = cid.fontName = f"{CID_FACE}-{CID_ENCODING}"
        pdfmetrics.registerFont(cid)
        name = cid.name
    else:
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        name = f"qbank-cjk-{len(_REGISTERED)}"
        try:
            ttf = TTFont(name, font.path, subfontIndex=font.subfont_index)
            missing = [c for c in FONT_PROBE if ord(c) not in ttf.face.charToGlyph]
        except TTFError as exc:
            reason = "CFF (PostScript) outlines, which ReportLab cannot embed" if "postscript" in str(exc).lower() else str(exc)
        except OSError as exc:
            reason = exc.strerror or str(exc)
        except Exception as exc:  # a damaged or foreign file can fail anywhere in ReportLab's parser
            reason = f"not a TrueType font ReportLab can read ({type(exc).__name__}: {exc})"
        else:
            reason = f"no Traditional Chinese glyphs (lacks {''.join(missing[:5])})" if missing else ""
        if reason:
            _UNUSABLE[font.path, font.subfont_index] = reason
            raise _FontUnusable(reason)
        pdfmetrics.registerFont(ttf)
    _REGISTERED[font.path, font.subfont_index] = name
    return name


def _font_spec(text: str) -> tuple[str, int]:
    """``PATH`` or ``PATH#N`` (subfont N of a .ttc collection)."""
    match = re.fullmatch(r"(.+)#(\d+)", text)
    return (match.group(1), int(match.group(2))) if match else (text, 0)


def find_cjk_font(
    configured: str | None = None,
    *,
    candidates: Iterable[tuple[str, int]] = SYSTEM_FONTS,
    environ: dict[str, str] | None = None,
) -> ReportFont:
    """The first usable TrueType font with Traditional Chinese, else the MSung-Light CID fallback.

    Tried in order: ``configured`` (a path, ``PATH#N`` for subfont N of a .ttc), else the
    ``QBANK_REPORT_FONT`` environment variable, then ``candidates`` (common system fonts).
    Fonts that are missing, CFF-based (ReportLab refuses them) or lack Chinese glyphs are
    skipped and listed in the result's ``skipped``. Pass ``candidates=()`` (and no configured
    font) to force the fallback.
    """
    environ = os.environ if environ is None else environ
    configured = configured or environ.get(FONT_ENV) or None
    tried = ([_font_spec(configured)] if configured else []) + list(candidates)
    skipped: list[tuple[str, str]] = []
    for path, index in tried:
        if not os.path.isfile(path):
            if configured and (path, index) == tried[0]:
                skipped.append((path, "no such file"))
            continue
        font = ReportFont(path, index)
        try:
            _register(font)
        except _FontUnusable as exc:
            skipped.append((path, str(exc)))
            continue
        return ReportFont(path, index, tuple(skipped))
    _register(CID_FONT)
    return ReportFont(None, 0, tuple(skipped))
