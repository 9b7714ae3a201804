"""Showing text that came from a person (file names, class names) as plain text."""

import html
import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """Escape ``text`` so that Streamlit's Markdown shows it literally.

    >>> plain("*bold* [link](x)")
    '\\\\*bold\\\\* \\\\[link\\\\]\\\\(x\\\\)'
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def plotly_text(text: str) -> str:
    """Escape ``text`` so that a Plotly chart shows it literally (Plotly reads tags such as ``<b>`` in its labels).

    >>> plotly_text("<b>cats</b> & dogs")
    '&lt;b&gt;cats&lt;/b&gt; &amp; dogs'
    """
    return html.escape(text, quote=False)
