"""Character references in narrative are read the Markdown way, as docs/markdown.md says."""

from __future__ import annotations

import pytest

from slutrapport import narrative


@pytest.mark.parametrize(("written", "shown"), [
    ("&amp;", "&"),
    ("&lt;b&gt;", "<b>"),
    ("&#169; &#xA9;", "© ©"),
    ("&nbsp;x", "\u00a0x"),
    ("\\&amp;", "&amp;"),
    ("Smide & Industrimontage", "Smide & Industrimontage"),
    ("&okänd;", "&okänd;"),
])
def test_character_references_become_characters_unless_escaped(written: str, shown: str) -> None:
    """A reference becomes its character; a backslash keeps it as written; a lone & stays."""
    assert narrative.plain_text(written) == shown
