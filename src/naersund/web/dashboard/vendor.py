"""Regenerate the browser's Vega bundle (``static/dashboard/vega-bundle.js``) from vl-convert,
so that the browser draws the charts with the very Vega-Lite version that renders the SVG for
print: ``python -m naersund.web.dashboard.vendor``."""

from __future__ import annotations

from pathlib import Path

from naersund.charts.base import VL_VERSION

TARGET = Path(__file__).parent / "static" / "dashboard" / "vega-bundle.js"


def write_bundle(target: Path = TARGET) -> Path:
    import vl_convert as vlc

    header = (
        f"/*! Vega {vlc.get_vega_version()}, Vega-Lite {VL_VERSION} and vega-embed "
        f"{vlc.get_vega_embed_version()}, bundled by vl-convert-python "
        f"(vl_convert.javascript_bundle(vl_version='{VL_VERSION}')), the same versions that "
        "render the SVG for print. Vega, Vega-Lite and vega-embed: BSD-3-Clause, Copyright (c) "
        "University of Washington Interactive Data Lab; see "
        "https://github.com/vega/vega/blob/main/LICENSE. Regenerate with: "
        "python -m naersund.web.dashboard.vendor */\n"
    )
    bundle: str = vlc.javascript_bundle(vl_version=VL_VERSION)  # type: ignore[call-arg]
    target.write_text(header + bundle, encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write_bundle())
