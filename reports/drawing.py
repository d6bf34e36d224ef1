"""Charts and pictures made to travel inside one file: Altair charts as SVG through Altair's own
converter (vl-convert), pictures under the media root as small JPEGs in data: URIs (Pillow)."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert
from PIL import Image, ImageOps, UnidentifiedImageError

from scraper.config import path_under
from scraper.errors import BadInput

# Pixels of the longest side of an embedded picture: sharp on paper at the size shown, small in bytes.
THUMB_PIXELS = 360
PICTURE_PIXELS = 160
JPEG_QUALITY = 72
# Charts are drawn this wide (pixels); the SVG scales to the page.
CHART_WIDTH = 620
# d3's number formats for the charts' axes: Basque writes numbers as Spanish does (1.234,5).
CHART_LOCALES: dict[str, Any] = {"en": "en-US", "es": "es-ES", "eu": "es-ES"}


def to_svg(chart: Any, lang: str) -> str | None:
    """The chart drawn as SVG by vl-convert, no resource fetched (its data is inline); None if
    the drawing holds anything but SVG shapes and text."""
    if isinstance(chart, alt.Chart | alt.LayerChart) and chart.width is alt.Undefined:
        chart = chart.properties(width=CHART_WIDTH)
    svg: str = vl_convert.vegalite_to_svg(
        chart.to_dict(), allowed_base_urls=[], format_locale=CHART_LOCALES.get(lang, "en-US")
    )
    lowered = svg.lower()
    # Vega writes labels as escaped SVG text; a script or foreign HTML would mean something slipped.
    if "<script" in lowered or "<foreignobject" in lowered:
        return None
    return svg


def embedded(media_dir: Path, relative: str | None, pixels: int) -> str | None:
    """The picture under the media root as a ``data:`` URI of a JPEG at most ``pixels`` wide and high;
    None without a readable file (never a file outside the root)."""
    if not relative:
        return None
    try:
        path = path_under(media_dir, relative)
        with Image.open(path) as picture:
            picture.draft("RGB", (pixels, pixels))  # JPEGs decode at a fraction of their size: fast
            image = ImageOps.exif_transpose(picture).convert("RGB")
    except (BadInput, OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        return None
    image.thumbnail((pixels, pixels))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
