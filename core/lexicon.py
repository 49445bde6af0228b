"""Load the crisis phrase lists shipped as data (flows/data/safety/*.toml)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from flows.safety import Lexicon, merge, parse_lexicon

LANGUAGES = ("nl", "en")


@cache
def load_lexicon() -> Lexicon:
    folder = files("flows.data.safety")
    return merge(
        *(
            parse_lexicon(folder.joinpath(f"{lang}.toml").read_text("utf-8"), lang)
            for lang in LANGUAGES
        )
    )
