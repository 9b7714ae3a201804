"""Showing text that came from a person (file names) as plain text."""

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """Escape ``text`` so that Streamlit's Markdown shows it literally.

    >>> plain("*bold* [link](x)")
    '\\\\*bold\\\\* \\\\[link\\\\]\\\\(x\\\\)'
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)
