"""Regenerate ``toolkit/lint/data/caniemail.json`` from the npm ``caniemail`` package.

ptk never fetches anything at run time: the email-client support rules (E007, E008) read
the dated snapshot this script writes. Run it after bumping ``caniemail`` in
``package.json``::

    cd tests/lint/caniemail && npm ci && python3 snapshot.py

For every caniemail feature the snapshot keeps its title, link, how ptk finds it in an
email's HTML (``match``, see ``toolkit/lint/email_clients.py``; features ptk cannot find
in HTML have none) and, for every client, the support of the latest version caniemail
tested when it is not full support (``n`` none, ``a`` partial, ``u`` unknown, with note
numbers), plus the notes. The data is "Can I email" (https://www.caniemail.com) by Rémi
Parmentier and contributors, under CC BY 4.0; the snapshot says so.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "node_modules" / "caniemail"
OUT = HERE.parents[2] / "toolkit" / "lint" / "data" / "caniemail.json"
ATTRIBUTION = ("Can I email (https://www.caniemail.com), by Rémi Parmentier and "
               "contributors, licensed under CC BY 4.0 "
               "(https://creativecommons.org/licenses/by/4.0/); converted by ptk from the "
               "npm package caniemail: latest tested version per client, with how to find "
               "each feature in HTML added")

# Features whose title does not say how to find them. Kinds (toolkit/lint/email_clients.py):
# elements, attributes (+ elements, pattern = a regex on the value), properties (+ values =
# a regex on the value), functions, units, keywords, at_rules, media_features, pseudo,
# selector, important, css_comments, html_comments, doctype, custom_properties, nesting,
# image_formats, data_images.
MATCH: dict[str, dict[str, Any] | None] = {
    "amp": {"attributes": ["amp4email", "\u26a14email"], "elements": ["html"]},
    "bimi": None,  # a DNS record, not HTML
    "html-address": {"elements": ["address"]},
    "html-anchor-links": {"attributes": ["href"], "elements": ["a"], "pattern": "^#."},
    "html-base": {"elements": ["base"]},
    "html-button-reset": {"elements": ["button"], "attributes": ["type"], "pattern": "^reset$"},
    "html-button-submit": {"elements": ["button"], "attributes": ["type"],
                           "pattern": "^submit$"},
    "html-comments": {"html_comments": True},
    "html-doctype": {"doctype": True},
    "html-form": {"elements": ["form"]},
    "html-h1-h6": {"elements": ["h1", "h2", "h3", "h4", "h5", "h6"]},
    "html-image-maps": {"elements": ["map", "area"]},
    "html-input-checkbox": {"elements": ["input"], "attributes": ["type"],
                            "pattern": "^checkbox$"},
    "html-input-hidden": {"elements": ["input"], "attributes": ["type"], "pattern": "^hidden$"},
    "html-input-radio": {"elements": ["input"], "attributes": ["type"], "pattern": "^radio$"},
    "html-input-reset": {"elements": ["input"], "attributes": ["type"], "pattern": "^reset$"},
    "html-input-submit": {"elements": ["input"], "attributes": ["type"], "pattern": "^submit$"},
    "html-input-text": {"elements": ["input"], "attributes": ["type"], "pattern": "^text$"},
    "html-lists": {"elements": ["ul", "ol", "dl"]},
    "html-mailto-links": {"attributes": ["href"], "elements": ["a"], "pattern": "^mailto:"},
    "html-meta-color-scheme": {"elements": ["meta"], "attributes": ["name"],
                               "pattern": "^color-scheme$"},
    "html-semantics": {"elements": ["article", "aside", "details", "figcaption", "figure",
                                    "footer", "header", "main", "mark", "nav", "section",
                                    "summary", "time"]},
    "html-srcset": {"attributes": ["srcset", "sizes"]},
    "html-svg": {"elements": ["svg"]},
    "css-at-media-device-pixel-ratio": {"media_features": [
        "-webkit-device-pixel-ratio", "-webkit-min-device-pixel-ratio",
        "-webkit-max-device-pixel-ratio"]},
    "css-at-media-hover": {"media_features": ["hover", "any-hover"]},
    "css-at-media-orientation": {"media_features": ["orientation"]},
    "css-at-media-prefers-color-scheme": {"media_features": ["prefers-color-scheme"]},
    "css-at-media-prefers-reduced-motion": {"media_features": ["prefers-reduced-motion"]},
    "css-block-inline-size": {"properties": ["block-size", "inline-size"]},
    "css-border-inline-block": {"properties": ["border-inline", "border-block"]},
    "css-border-inline-block-individual": {"properties": [
        "border-inline-color", "border-block-color", "border-inline-style",
        "border-block-style", "border-inline-width", "border-block-width",
        "border-inline-start", "border-inline-end", "border-block-start",
        "border-block-end"]},
    "css-border-inline-block-longhand": {"properties": [
        f"border-{axis}-{side}-{what}" for axis in ("inline", "block")
        for side in ("start", "end") for what in ("color", "style", "width")]},
    "css-border-radius-logical": {"properties": [
        "border-start-start-radius", "border-start-end-radius", "border-end-start-radius",
        "border-end-end-radius"]},
    "css-color-scheme": {"properties": ["color-scheme"]},
    "css-column-layout-properties": {"properties": [
        "columns", "column-fill", "column-gap", "column-rule", "column-rule-color",
        "column-rule-style", "column-rule-width", "column-span", "column-width"]},
    "css-comments": {"css_comments": True},
    "css-display-flex": {"properties": ["display"], "values": r"^(inline-)?flex\b"},
    "css-display-grid": {"properties": ["display"], "values": r"^(inline-)?grid\b"},
    "css-display-none": {"properties": ["display"], "values": r"^none\b"},
    "css-flex-direction": {"properties": ["flex-direction"], "values": r"^column"},
    "css-flex-wrap": {"properties": ["flex-wrap"], "values": r"^wrap"},
    "css-font": {"properties": ["font"]},
    "css-gap": {"properties": ["gap", "column-gap", "row-gap"]},
    "css-grid-template": {"properties": ["grid-template", "grid-template-areas",
                                         "grid-template-columns", "grid-template-rows"]},
    "css-height": {"properties": ["height"]},
    "css-important": {"important": True},
    "css-inline-size": {"properties": ["inline-size"]},
    "css-intrinsic-size": {"keywords": ["fit-content", "min-content", "max-content"]},
    "css-left-right-top-bottom": {"properties": ["left", "right", "top", "bottom"]},
    "css-margin-block-start-end": {"properties": ["margin-block-start", "margin-block-end"]},
    "css-margin-inline-block": {"properties": ["margin-inline", "margin-block"]},
    "css-margin-inline-start-end": {"properties": ["margin-inline-start",
                                                  "margin-inline-end"]},
    "css-max-height": {"properties": ["max-height"]},
    "css-min-height": {"properties": ["min-height"]},
    "css-min-width": {"properties": ["min-width"]},
    "css-modern-color": {"functions": ["lch", "oklch", "lab", "oklab"]},
    "css-nesting": {"nesting": True},
    "css-padding-block-start-end": {"properties": ["padding-block-start",
                                                  "padding-block-end"]},
    "css-padding-inline-block": {"properties": ["padding-inline", "padding-block"]},
    "css-padding-inline-start-end": {"properties": ["padding-inline-start",
                                                   "padding-inline-end"]},
    "css-pseudo-class-lang": {"pseudo": ["lang"]},
    "css-rgb": {"functions": ["rgb"]},
    "css-rgba": {"functions": ["rgba"]},
    "css-sytem-ui": {"keywords": ["system-ui", "ui-serif", "ui-sans-serif", "ui-rounded",
                                  "ui-monospace"]},
    "css-unit-calc": {"functions": ["calc"]},
    "css-unit-initial": {"keywords": ["initial"]},
    "css-unit-percent": {"units": ["%"]},
    "css-variables": {"custom_properties": True},
    "css-width": {"properties": ["width"]},
    "image-apng": None,  # an animated PNG looks like any .png
    "image-base64": {"data_images": True},
    "image-hdr": None,  # no file extension tells HDR images apart
    "image-heif": {"image_formats": ["heif", "heic"]},
    "image-jpg": {"image_formats": ["jpg", "jpeg"]},
    "image-mp4": {"image_formats": ["mp4"]},
    "image-tiff": {"image_formats": ["tif", "tiff"]},
}
SELECTORS = {"adjacent-sibling", "attribute", "chaining", "child", "class", "descendant",
             "general-sibling", "grouping", "id", "type", "universal"}
_PROPERTY = re.compile(r"^[a-z][a-z-]*$")


def match_of(feature: dict[str, Any]) -> dict[str, Any] | None:
    """How ptk finds a feature: the table above, else what the slug and title say."""
    slug, title = feature["slug"], feature["title"].strip()
    if slug in MATCH:
        return MATCH[slug]
    if slug.startswith("html-"):
        element = re.fullmatch(r"<([a-z0-9]+)> element", title)
        if element:
            return {"elements": [element.group(1)]}
        attribute = re.fullmatch(r"([a-z-]+) attribute", title)
        if attribute:
            return {"attributes": [attribute.group(1)]}
    elif slug.startswith("css-at-"):
        return {"at_rules": [slug.removeprefix("css-at-")]}
    elif slug.startswith("css-unit-"):
        return {"units": [slug.removeprefix("css-unit-")]}
    elif slug.startswith(("css-pseudo-class-", "css-pseudo-element-")):
        return {"pseudo": [title.strip(":").removesuffix("()")]}
    elif slug.startswith("css-selector-"):
        kind = slug.removeprefix("css-selector-")
        return {"selector": kind} if kind in SELECTORS else None
    elif slug.startswith("css-function-") or slug.endswith("-gradient"):
        return {"functions": [title.removesuffix("()")]}
    elif slug.startswith("css-") and _PROPERTY.match(title):
        keywords = [k.strip() for k in (feature.get("keywords") or "").split(",")]
        longhands = [k for k in keywords if k.startswith(title + "-") and _PROPERTY.match(k)]
        return {"properties": [title, *longhands]}
    elif slug.startswith("image-"):
        return {"image_formats": [slug.removeprefix("image-")]}
    return None


def version_key(version: str) -> tuple[int, ...]:
    """Versions compare by their numbers: ``10.3`` < ``12.2``, ``2019-10`` < ``2024-01``."""
    return tuple(int(n) for n in re.findall(r"\d+", version)) or (0,)


def latest(stats: dict[str, str]) -> str:
    best = max(stats, key=version_key)
    return stats[best].strip()


def convert(data: dict[str, Any], version: str) -> dict[str, Any]:
    clients: dict[str, str] = {}
    family_names, platform_names = data["nicenames"]["family"], data["nicenames"]["platform"]
    for feature in data["data"]:
        for family, platforms in feature["stats"].items():
            for platform in platforms:
                clients[f"{family}.{platform}"] = (f"{family_names.get(family, family)} "
                                                   f"({platform_names.get(platform, platform)})")
    features: dict[str, Any] = {}
    for feature in sorted(data["data"], key=lambda f: f["slug"]):
        support: dict[str, str] = {}
        for client in sorted(clients):
            family, platform = client.split(".", 1)
            stats = feature["stats"].get(family, {}).get(platform)
            status = latest(stats) if stats else "u"
            if not status.startswith("y") or "#" in status:
                support[client] = re.sub(r"\s+", " ", status)
        features[feature["slug"]] = {
            "title": feature["title"].strip(),
            "category": feature["category"],
            "url": feature["url"],
            "last_test_date": feature.get("last_test_date"),
            "match": match_of(feature),
            "support": support,
            "notes": {k: v.strip() for k, v in (feature.get("notes_by_num") or {}).items()},
        }
    return {
        "attribution": ATTRIBUTION,
        "license": "CC BY 4.0",
        "source": f"npm caniemail {version}",
        "date": data["last_update_date"][:10],
        "data_updated": data["last_update_date"],
        "clients": dict(sorted(clients.items())),
        "features": features,
    }


def main() -> int:
    if not PACKAGE.is_dir():
        print("run `npm ci` in tests/lint/caniemail first", file=sys.stderr)
        return 2
    version = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    data = json.loads((PACKAGE / "data" / "caniemail.json").read_text(encoding="utf-8"))
    snapshot = convert(data, version)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    unmatched = sorted(slug for slug, f in snapshot["features"].items() if f["match"] is None)
    print(f"wrote {OUT} ({len(snapshot['features'])} features, data of {snapshot['date']}; "
          f"not found in HTML: {', '.join(unmatched)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
