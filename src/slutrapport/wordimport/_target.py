"""Where an imported text goes (``--till AVSNITT[.FÄLT]``), and writing it into the data file.

A target names a section by its id (or its heading), then optionally a way into it: a field
(``text``, ``ingress``), an index (``omraden[1]``) or the name of an item of one of its lists —
the ``id``, ``namn`` or ``rubrik`` of a municipality, activity area or sub-section
(``kommuner.Robertsfors``, ``aktiviteter.foretagsbesok``). A target that ends at an item or a
section means its ``text``.

The data file is edited as text where the value stands (PyYAML's marks, as ``fill`` does with
:class:`slutrapport.fill.Nodes`): every comment, the order and every other byte stay. A text is
written as a literal block (``|-``), or double-quoted when it holds a character a block can't;
a missing key is added at the end of its mapping. The new file is read back and compared with
the data planned before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel

from slutrapport.errors import InputError, Problem
from slutrapport.fields import Loc, markdown_fields
from slutrapport.fill import Nodes, apply_edits
from slutrapport.loader import from_data, parse_yaml
from slutrapport.models import Slutrapport
from slutrapport.names import same_name
from slutrapport.paths import format_loc

__all__ = ["Target", "block_scalar", "edit_text", "plain_scalar", "resolve_target"]


@dataclass(frozen=True)
class Target:
    """A narrative field of the report: its place, the object that owns it, and the section."""

    loc: Loc
    owner: BaseModel
    owner_loc: Loc
    section_index: int
    shown: str
    """The place as the user names it (``kommuner.kommuner[0].text``)."""


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parts(text: str) -> list[str | int]:
    parts: list[str | int] = []
    for m in _PART.finditer(text.strip()):
        parts.append(m.group(1).strip() if m.group(1) is not None else int(m.group(2)))
    return [p for p in parts if p != ""]


def _fail(till: str, message: str, file: str | None) -> InputError:
    return InputError([Problem(f"--till {till}: {message}", file=file)])


def _item_name(item: Any) -> list[str]:
    return [str(getattr(item, k)) for k in ("id", "namn", "rubrik")
            if isinstance(getattr(item, k, None), str)]


def resolve_target(report: Slutrapport, till: str) -> Target:
    """The narrative field ``till`` names (see the module); an input error says what is there
    instead."""
    file = report.source
    parts = _parts(till)
    if not parts or not isinstance(parts[0], str):
        raise _fail(till, "ange ett avsnitt (dess id), t.ex. --till inledning", file)
    first = parts[0]
    index = next((i for i, s in enumerate(report.avsnitt) if s.id == first), None)
    if index is None:
        index = next((i for i, s in enumerate(report.avsnitt)
                      if same_name(str(getattr(s, "rubrik", "")), first)), None)
    if index is None:
        ids = ", ".join(s.name for s in report.avsnitt)
        raise _fail(till, f"rapporten har inget avsnitt '{first}'; avsnitten är {ids}", file)
    obj: Any = report.avsnitt[index]
    loc: Loc = ("avsnitt", index)
    owner: BaseModel = obj
    for part in parts[1:]:
        if isinstance(part, int):
            if not isinstance(obj, list) or not 0 <= part < len(obj):
                raise _fail(till, f"{format_loc(report.display_loc(loc))} har ingen plats "
                            f"[{part}]", file)
            obj, loc = obj[part], (*loc, part)
        elif isinstance(obj, BaseModel) and part in type(obj).model_fields:
            obj, loc = getattr(obj, part), (*loc, part)
        else:
            found = _by_name(obj, part)
            if found is None:
                raise _fail(till, f"{format_loc(report.display_loc(loc))} har inget fält eller "
                            f"namn '{part}'{_names_in(obj)}", file)
            step, obj = found
            loc = (*loc, *step)
        if isinstance(obj, BaseModel):
            owner = obj
    if isinstance(obj, BaseModel):
        model: Any = obj
        if "text" not in markdown_fields(type(obj)):
            raise _fail(till, f"{format_loc(report.display_loc(loc))} har ingen löptext att "
                        "skriva in i; ange fältet", file)
        owner, loc = obj, (*loc, "text")
        obj = model.text
    parent_loc = loc[:-1]
    name = loc[-1]
    if not isinstance(obj, str) or not isinstance(name, str) or \
            name not in markdown_fields(type(owner)) or _walk(report, parent_loc) is not owner:
        raise _fail(till, f"{format_loc(report.display_loc(loc))} är ingen löptext (Markdown); "
                    "texten kan skrivas in i ett avsnitts, en kommuns, ett aktivitetsområdes "
                    "eller ett delavsnitts text", file)
    return Target(loc, owner, parent_loc, index, format_loc(report.display_loc(loc)))


def _walk(report: Slutrapport, loc: Loc) -> Any:
    value: Any = report
    for part in loc:
        value = value[part] if isinstance(part, int) else getattr(value, part)
    return value


def _by_name(obj: Any, name: str) -> tuple[Loc, Any] | None:
    """An item named ``name`` in ``obj`` (a list, or a model's lists of models)."""
    lists: list[tuple[Loc, list[Any]]] = []
    if isinstance(obj, list):
        lists.append(((), obj))
    elif isinstance(obj, BaseModel):
        for field in type(obj).model_fields:
            value = getattr(obj, field)
            if isinstance(value, list) and value and isinstance(value[0], BaseModel):
                lists.append(((field,), value))
    for step, items in lists:
        for i, item in enumerate(items):
            if any(same_name(n, name) for n in _item_name(item)):
                return (*step, i), item
    return None


def _names_in(obj: Any) -> str:
    names: list[str] = []
    if isinstance(obj, BaseModel):
        for field in type(obj).model_fields:
            value = getattr(obj, field)
            if isinstance(value, list):
                names += [(_item_name(v) or ["?"])[0] for v in value if isinstance(v, BaseModel)]
    elif isinstance(obj, list):
        names += [(_item_name(v) or ["?"])[0] for v in obj if isinstance(v, BaseModel)]
    return f"; där finns {', '.join(names)}" if names else ""


# --- writing the data file ----------------------------------------------------------------------

_NOT_IN_BLOCK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\x85\u2028\u2029\ufeff"
                           "\ud800-\udfff\ufffe\uffff]")


def _quoted(text: str) -> str:
    out = ['"']
    for c in text:
        code = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif code < 0x20 or 0x7F <= code <= 0x9F or c in "\u2028\u2029\ufeff":
            out.append(f"\\u{code:04x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def plain_scalar(text: str, *, flow: bool = False) -> str:
    """A one-line string as YAML: plain where that reads back the same (in a flow collection,
    ``[a, b]``, also without ``,[]{}``), else double-quoted."""
    if "\n" not in text and text == text.strip() and text and \
            not (flow and any(c in text for c in ",[]{}")):
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text} and "#" not in text:
                return text
        except yaml.YAMLError:
            pass
    return _quoted(text)


def block_scalar(text: str, indent: int) -> str:
    """A text as a YAML value at ``indent``: a literal block (``|-`` and its lines, ending
    without a newline), or double-quoted."""
    if not text or _NOT_IN_BLOCK.search(text) or text.endswith("\n"):
        return _quoted(text)
    pad = " " * indent
    head = "|-" if not text.startswith((" ", "\t")) else f"|{2}-"
    lines = [pad + line if line else "" for line in text.split("\n")]
    return head + "\n" + "\n".join(lines)


def _value_text(value: Any, indent: int) -> str:
    """A value as YAML text after ``key:`` (for a block value, starting with a newline)."""
    if isinstance(value, str):
        return block_scalar(value, indent + 2)
    if isinstance(value, list):
        if not value:
            return "[]"
        lines = []
        for item in value:
            first = True
            for key, inner in item.items():
                lead = " " * (indent + 2) + ("- " if first else "  ")
                if isinstance(inner, str) and key != "text":
                    lines.append(f"{lead}{key}: {plain_scalar(inner)}")
                else:
                    lines.append(f"{lead}{key}: {_value_text(inner, indent + 4)}")
                first = False
        return "\n" + "\n".join(lines)
    raise TypeError(value)


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _content_end(text: str, at: int, floor: int, *, comments: bool = True) -> int:
    """The start of the line after the last content line before ``at`` (blank lines, and with
    ``comments`` comment lines, just before ``at`` stay where they are)."""
    end = _line_start(text, at) if at < len(text) else len(text)
    if end == len(text) and text and not text.endswith("\n"):
        return end
    while end > floor:
        start = _line_start(text, end - 1) if end > 0 else 0
        line = text[start:end].strip()
        if line and not (comments and line.startswith("#")):
            break
        end = start
    return end


def edit_text(text: str, source: str, planned: dict[Loc, Any],
              shown: Callable[[Loc], str] = format_loc) -> str:
    """The data file's text with each planned value written where it stands (or added to its
    mapping); read back and compared, or an input error. ``shown`` names a place for the user."""
    nodes = Nodes(text)
    edits: list[tuple[int, int, str]] = []
    for loc, value in planned.items():
        if loc in nodes.by_loc:
            edits.append(_replace(text, nodes, loc, value, source, shown))
        else:
            edits.append(_insert(text, nodes, loc, value, source, shown))
    if nodes.newline != "\n":  # the file's own line endings
        edits = [(a, b, t.replace("\n", nodes.newline)) for a, b, t in edits]
    new = apply_edits(text, edits)
    data, _ = parse_yaml(text, source)
    for loc, value in planned.items():
        target = data
        for part in loc[:-1]:
            target = target[part]
        target[loc[-1]] = value
    got, lines = parse_yaml(new, source)
    if got != data:
        raise InputError([Problem(
            "texten kunde inte skrivas in säkert (värdet står på ett sätt som import inte kan "
            "ändra); inget skrevs. Skriv in den för hand från 'slutrapport import … --dry-run'",
            file=source)])
    from_data(got, lines=lines, source=source)  # the new file must load
    return new


def _replace(text: str, nodes: Nodes, loc: Loc, value: Any, source: str,
             shown: Callable[[Loc], str]) -> tuple[int, int, str]:
    """Write ``value`` over the value at ``loc``: from after its key's colon to its end (a
    comment on the key's line is kept)."""
    key, node, parent = nodes.by_loc[loc]
    props = text[node.start_mark.index:nodes.value_start(node)].strip()
    item = key is None and isinstance(parent, yaml.SequenceNode)  # '- text' in a list
    if (key is None and not item) or len(nodes.sharing(loc)) > 1 or props:
        raise InputError([Problem(
            f"{shown(loc)} står med ett ankare eller alias (&namn, *namn) eller en tagg "
            "(!!…) i filen, och import skriver inte över det; skriv ut värdet och kör import "
            "igen", file=source)])
    if key is None:  # a list item: its value from where it begins, its lines under it
        indent = node.start_mark.column - 2
        colon = node.start_mark.index
    else:
        indent = key.start_mark.column
        colon = text.index(":", key.end_mark.index) + 1
    if getattr(parent, "flow_style", False) and isinstance(value, str):
        return colon, node.end_mark.index, " " + _quoted(value)  # within { }: one line
    new = _value_text(value, indent)
    head_end = text.find("\n", node.start_mark.index)
    head_end = len(text) if head_end < 0 else head_end
    flow = (isinstance(node, yaml.ScalarNode) and node.style not in ("|", ">")) or \
        bool(getattr(node, "flow_style", False))
    if flow and isinstance(node, yaml.ScalarNode) and isinstance(value, str) and \
            "\n" not in value:
        new = plain_scalar(value)  # a one-line text stays on its line
    if flow:
        end = node.end_mark.index
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        comment = text[end:line_end].strip()
        if comment.startswith("#"):
            end = line_end - 1 if text[line_end - 1:line_end] == "\r" else line_end
        else:
            comment = ""
    else:
        header = text[node.start_mark.index:head_end]
        comment = header[header.index("#"):].strip() if \
            isinstance(node, yaml.ScalarNode) and "#" in header else ""
        end = _content_end(text, node.end_mark.index, colon,
                           comments=not isinstance(node, yaml.ScalarNode))
        new += "\n" if end == 0 or text[end - 1] == "\n" else ""
    if comment:
        first, nl, rest = new.partition("\n")
        new = f"{first} {comment}{nl}{rest}" if first else f" {comment}{nl}{rest}"
    return colon, end, new if new.startswith("\n") or key is None else " " + new


def _insert(text: str, nodes: Nodes, loc: Loc, value: Any, source: str,
            shown: Callable[[Loc], str]) -> tuple[int, int, str]:
    parent = nodes.by_loc.get(loc[:-1])
    mapping = parent[1] if parent is not None else None
    if mapping is None and loc[:-1] == ():
        mapping = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(mapping, yaml.MappingNode) or mapping.flow_style or not mapping.value:
        raise InputError([Problem(
            f"{shown(loc)} kan inte läggas till i filen (det står i {{ }} på en rad); skriv "
            "ut det i blockform och kör import igen", file=source)])
    first_key = mapping.value[0][0]
    indent = first_key.start_mark.column
    last_value = mapping.value[-1][1]
    if isinstance(last_value, yaml.ScalarNode) and last_value.style not in ("|", ">"):
        at = text.find("\n", last_value.end_mark.index)
        at = len(text) if at < 0 else at + 1
    else:
        at = _content_end(text, mapping.end_mark.index, nodes.value_start(last_value))
    lead = "" if at == 0 or text[at - 1] == "\n" else "\n"
    body = _value_text(value, indent)
    sep = "" if body.startswith("\n") else " "
    return at, at, f"{lead}{' ' * indent}{loc[-1]}:{sep}{body}\n"
