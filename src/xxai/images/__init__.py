"""Find, translate and redraw the text in images (memes, notes, screenshots), offline.

A library: it knows the translation pipeline and nothing of the front ends.
"""

from __future__ import annotations

from xxai.images.fonts import FontSet, find_font
from xxai.images.layout import Block, Line, group_blocks
from xxai.images.load import FORMATS, LoadedImage, load_image, to_jpeg, to_png
from xxai.images.ocr import OcrBox, OcrEngine, get_ocr
from xxai.images.render import Placement, RenderItem, render
from xxai.images.translate import ImageBlock, ImageOptions, ImageTranslation, translate_image

__all__ = [
    "FORMATS",
    "Block",
    "FontSet",
    "ImageBlock",
    "ImageOptions",
    "ImageTranslation",
    "Line",
    "LoadedImage",
    "OcrBox",
    "OcrEngine",
    "Placement",
    "RenderItem",
    "find_font",
    "get_ocr",
    "group_blocks",
    "load_image",
    "render",
    "to_jpeg",
    "to_png",
    "translate_image",
]
