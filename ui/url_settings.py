"""A page's settings in its URL, so that a link opens exactly that configuration.

The first time a session opens a page, the page's query parameters give its
widgets their starting values. After that the widgets lead: every run writes the
settings that differ from the defaults back into the URL, so the address bar
always holds a link to what is on screen. A parameter that is missing gives the
default. One that is invalid, unknown or hostile (script, huge, not a number)
also gives the default, and the page shows a short note naming it, as text.

Usage in a page, once per run::

    link = url_settings.UrlSettings("playground", ("stride", "kernel", ...))  # every setting the page has
    stride = st.slider("Stride", 1, 8, **link.whole_number("stride", "stride", 1, 8, default=1).as_value())
    ...
    link.publish()      # after the page's linked widgets, before any st.stop()
    link.show_notes()
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import streamlit as st

from ui.text import plain

#: A longer value is refused unread; no setting needs more.
MAX_VALUE_LENGTH = 64
#: At most this many parameters are read from a link.
MAX_PARAMETERS = 40
#: Characters of a refused value quoted in the note.
QUOTED_LENGTH = 24
# ASCII digits only: "１２" (full-width) is refused as a number, as it is refused as a choice.
_NUMBER = re.compile(r"-?\d{1,12}(\.\d+)?([eE]-?\d{1,3})?", re.ASCII)
_WHOLE = re.compile(r"-?\d{1,12}", re.ASCII)
_TRUE, _FALSE = ("true", "1", "on", "yes"), ("false", "0", "off", "no")


@dataclass
class _Link:
    """What a session's first visit of a page brought in its URL, and what was refused."""

    parameters: dict[str, str]
    refused: dict[str, str] = field(default_factory=dict)  # name -> note
    changed: bool = False  # the person has changed a setting since


@dataclass(frozen=True)
class Start:
    """A linked widget's starting value and its key, which the settings own: pass them on with ``**``.

    ``st.slider("Stride", 1, 8, **link.whole_number("stride", "stride", 1, 8, 1).as_value())``
    """

    value: object
    key: str

    def as_value(self) -> dict:
        """For widgets that start from ``value=`` (slider, select_slider, checkbox, number_input)."""
        return {"value": self.value, "key": self.key}

    def as_index(self, options: Sequence) -> dict:
        """For widgets that start from the option's ``index=`` (selectbox, radio)."""
        return {"index": list(options).index(self.value), "key": self.key}

    def as_default(self) -> dict:
        """For widgets that start from ``default=`` (segmented_control)."""
        return {"default": self.value, "key": self.key}


@dataclass(frozen=True)
class _Linked:
    key: str
    default: object
    token: Callable[[object], str]


class UrlSettings:
    """The query parameters of one page for the current session.

    Parameters
    ----------
    page : str
        A name for the page, unique in the app; the session remembers its link under it.
    settings : collection of str
        The name of every setting the page can link, including those that only some choices show
        (a link naming one of those while it is hidden gets a note that says so).
    """

    def __init__(self, page: str, settings: Collection[str]) -> None:
        state_key = f"url_settings_{page}"
        if state_key not in st.session_state:
            st.session_state[state_key] = _read_link()
        self._link: _Link = st.session_state[state_key]
        self._settings = frozenset(settings)
        self._private: set[str] = set()
        self._linked: dict[str, _Linked] = {}
        self._from_link: dict[str, str] = {}  # name -> token of a usable value from the link

    # ----- starting values for widgets -----

    def choice(self, name: str, key: str, options: Sequence, default, tokens: Mapping | None = None) -> Start:
        """One of ``options``; in the URL as its token (``tokens[option]``, or ``str(option)``)."""
        token_of = (lambda option: str(tokens[option])) if tokens else str
        by_token = {token_of(option): option for option in options}

        def parse(text: str):
            if text not in by_token:
                shown = ", ".join(list(by_token)[:8]) + (", …" if len(by_token) > 8 else "")
                raise ValueError(f"one of {shown} is needed")
            return by_token[text]

        return self._start(name, key, default, parse, token_of)

    def whole_number(self, name: str, key: str, low: int, high: int, default: int) -> Start:
        """A whole number from ``low`` to ``high``."""
        def parse(text: str) -> int:
            if not _WHOLE.fullmatch(text) or not low <= int(text) <= high:
                raise ValueError(f"a whole number from {low} to {high} is needed")
            return int(text)

        return self._start(name, key, default, parse, str)

    def number(self, name: str, key: str, low: float, high: float, step: float, default: float) -> Start:
        """A number from ``low`` to ``high``, rounded to the slider's ``step``."""
        def parse(text: str) -> float:
            value = float(text) if _NUMBER.fullmatch(text) else math.nan
            if not low <= value <= high:  # also refuses NaN
                raise ValueError(f"a number from {low:g} to {high:g} is needed")
            return round(low + round((value - low) / step) * step, 10)

        return self._start(name, key, default, parse, lambda value: f"{value:g}")

    def flag(self, name: str, key: str, default: bool) -> Start:
        """On or off; in the URL as true or false."""
        def parse(text: str) -> bool:
            if text.lower() not in _TRUE + _FALSE:
                raise ValueError("true or false is needed")
            return text.lower() in _TRUE

        return self._start(name, key, default, parse, lambda value: "true" if value else "false")

    def _start(self, name: str, key: str, default, parse: Callable[[str], object],
               token: Callable[[object], str]) -> Start:
        if name not in self._settings:
            raise ValueError(f"{name!r} is not among this page's settings: {', '.join(sorted(self._settings))}")
        self._linked[name] = _Linked(key, default, token)
        text = self._link.parameters.get(name)
        if text is None or name in self._link.refused:
            return Start(default, key)
        try:
            value = parse(text)
        except ValueError as error:
            self._link.refused[name] = f"{name}={_quote(text)} ({error})"
            return Start(default, key)
        self._from_link[name] = token(value)
        return Start(value, key)

    def private(self, name: str) -> str | None:
        """A parameter of this tab's own, not a setting to share (the Trainer's training token).

        Its value in the link the session arrived with, or None; it gets no note.
        """
        self._private.add(name)
        return self._link.parameters.get(name)

    # ----- after the widgets -----

    def publish(self, private: Mapping[str, str] | None = None) -> None:
        """Write the linked settings that differ from their defaults, and ``private``, into the page URL."""
        wanted = {}
        for name, linked in self._linked.items():
            value = st.session_state.get(linked.key, linked.default)
            if value != linked.default:
                wanted[name] = linked.token(value)
        linked_settings = {name: text for name, text in self._from_link.items()
                           if text != self._linked[name].token(self._linked[name].default)}
        if wanted != linked_settings:
            self._link.changed = True
        wanted.update(private or {})
        if wanted != st.query_params.to_dict():
            st.query_params.from_dict(wanted)

    def show_notes(self) -> None:
        """Say which parts of the link were not used, until the person changes a setting."""
        if self._link.changed:
            return
        notes = list(self._link.refused.values())
        for name in self._link.parameters:
            if name not in self._linked and name not in self._link.refused and name not in self._private:
                why = "not used with these settings" if name in self._settings else "not a setting of this page"
                notes.append(f"{_quote(name)} ({why})")
        if notes:
            st.info("Some of this link's settings could not be used, so the defaults apply instead: "
                    + "; ".join(plain(note) for note in notes[:6]) + ("; …" if len(notes) > 6 else "") + ".",
                    icon=":material/link_off:")


def _read_link() -> _Link:
    parameters, refused = {}, {}
    for name in list(st.query_params)[:MAX_PARAMETERS]:
        text = st.query_params.get(name, "")
        if len(name) > MAX_VALUE_LENGTH:
            continue  # not a setting of any page; quoting it would only fill the note
        if len(text) > MAX_VALUE_LENGTH:
            refused[name] = f"{name}={_quote(text)} (longer than any setting)"
            continue  # the note says so; the session need not keep the whole value
        parameters[name] = text.strip()
    return _Link(parameters, refused)


def _quote(text: str) -> str:
    return repr(text if len(text) <= QUOTED_LENGTH else text[:QUOTED_LENGTH] + "…")
