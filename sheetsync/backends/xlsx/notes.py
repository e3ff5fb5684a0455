"""Cell notes (Excel comments) on the operator cells at fault, in parts sheetsync owns.

A note needs three things in an .xlsx: a comments part, a legacy VML drawing that
shows it, and a `<legacyDrawing>` in the sheet pointing at that drawing.  sheetsync
writes notes only into a comments part it created itself (author "sheetsync", every
note starting with NOTE_PREFIX).  When the operator already keeps comments on that
sheet, their parts are left exactly as they are and no note is added: the finding is
still in the row's Check cell.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import add, sub

from sheetsync.backends.xlsx.deflate import Streamed
from sheetsync.backends.xlsx.sheetxml import SheetXml
from sheetsync.backends.xlsx.xmltext import plain, text_xml
from sheetsync.workbook import column_letter

AUTHOR = "sheetsync"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
COMMENTS_TYPE = REL_NS + "/comments"
VML_TYPE = REL_NS + "/vmlDrawing"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
# Elements after <legacyDrawing> in CT_Worksheet: it goes before the first of these.
AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                "webPublishItems", "tableParts", "extLst")
NOTES_PER_CHUNK = 2000
_COMMENT = ('<comment ref="%s%d" authorId="0"><text><r><t xml:space="preserve">%s</t></r>'
            "</text></comment>")
_SHAPE = ('<v:shape id="_x0000_s%d" type="#_x0000_t202" style="position:absolute;'
          "margin-left:59.25pt;margin-top:1.5pt;width:216pt;height:72pt;z-index:1;"
          'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
          '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
          '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
          '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
          "<x:Anchor>%d, 15, %d, 2, %d, 15, %d, 2</x:Anchor>"
          "<x:AutoFill>False</x:AutoFill><x:Row>%d</x:Row><x:Column>%d</x:Column>"
          "</x:ClientData></v:shape>")


@dataclass
class NoteParts:
    """What writing the notes of one sheet changes in the package.

    `drawing_rid`, when set, is the relationship of a new drawing the sheet itself
    must name (see `link_drawing`).
    """

    replace: dict[str, bytes | Streamed] = field(default_factory=dict)
    add: dict[str, bytes | Streamed] = field(default_factory=dict)
    drawing_rid: str | None = None
    content_types: list[str] = field(default_factory=list)    # elements for [Content_Types]


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _targets(rels: str, folder: str) -> dict[str, tuple[str, str]]:
    """Relationship type suffix -> (Id, part name) for one sheet's rels."""
    out = {}
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = m.group(0)
        rid = re.search(r'\bId="([^"]+)"', tag)
        kind = re.search(r'\bType="([^"]+)"', tag)
        target = re.search(r'\bTarget="([^"]+)"', tag)
        if rid and kind and target:
            t = target.group(1)
            name = t.lstrip("/") if t.startswith("/") else posixpath.normpath(
                posixpath.join(folder, t))
            out[kind.group(1).rsplit("/", 1)[-1]] = (rid.group(1), name)
    return out


def _is_ours(comments: bytes) -> bool:
    authors = re.findall(rb"<author>([^<]*)</author>", comments)
    return authors in ([], [AUTHOR.encode()])


@dataclass
class NoteColumns:
    """The notes of one sheet in cell order, as columns: rows, columns, XML-ready texts.

    Both parts a note needs (its comment, its shape) are rendered from these a few
    thousand at a time by %-formatting over zipped columns, the loop over notes
    running in C.
    """

    rows: Sequence[int]
    cols: Sequence[int]
    texts: Sequence[str]

    @classmethod
    def of(cls, notes: dict[tuple[int, int], str]) -> NoteColumns:
        cells = sorted(notes)
        rows, cols = (tuple(zip(*cells, strict=True)) or ((), ()))
        texts = list(map(notes.__getitem__, cells))
        if not plain("".join(texts)):
            texts = [text_xml(t) for t in texts]
        return cls(rows, cols, texts)


def _chunks(head: str, rendered: Callable[[int, int], Iterable[str]], n: int,
            tail: str) -> Iterator[bytes]:
    yield head.encode()
    for k in range(0, n, NOTES_PER_CHUNK):
        yield "".join(rendered(k, min(n, k + NOTES_PER_CHUNK))).encode()
    yield tail.encode()


def comments_xml(notes: NoteColumns) -> Iterator[bytes]:
    """The comments part holding `notes`, in chunks."""
    letters = list(map(column_letter, notes.cols))
    return _chunks(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<comments xmlns="{MAIN_NS}"><authors><author>{AUTHOR}</author></authors>'
        "<commentList>",
        lambda a, b: map(_COMMENT.__mod__, zip(letters[a:b], notes.rows[a:b], notes.texts[a:b],
                                               strict=True)),
        len(letters), "</commentList></comments>")


def vml_xml(notes: NoteColumns) -> Iterator[bytes]:
    """The legacy drawing that shows `notes` (one hidden shape per note), in chunks."""
    rows, cols = notes.rows, notes.cols

    def shapes(a: int, b: int) -> Iterable[str]:
        r, c = rows[a:b], cols[a:b]
        anchor_top = [x - 2 if x > 2 else 0 for x in r]
        return map(_SHAPE.__mod__, zip(range(1025 + a, 1025 + b), c, anchor_top,
                                       map(add, c, repeat(3)), map(add, r, repeat(3)),
                                       map(sub, r, repeat(1)), map(sub, c, repeat(1)),
                                       strict=True))

    return _chunks(
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>',
        shapes, len(rows), "</xml>")


def _parts(notes: dict[tuple[int, int], str]) -> tuple[Streamed, Streamed]:
    """The comments part and the drawing part of `notes`, rendered as they are deflated."""
    columns = NoteColumns.of(notes)
    return (Streamed(comments_xml(columns), size_hint=len(notes) * 220),
            Streamed(vml_xml(columns), size_hint=len(notes) * 620))


def _free(names: set[str], pattern: str) -> str:
    n = 1
    while pattern.format(n) in names:
        n += 1
    return pattern.format(n)


def write_notes(zf: zipfile.ZipFile, names: set[str], part: str,
                notes: dict[tuple[int, int], str]) -> NoteParts | None:
    """The package changes that put `notes` on sheet `part`; None to leave notes alone.

    Needs only the sheet's relationships, not its XML: a new drawing is linked from
    the sheet later, by `link_drawing`.
    """
    rels_part = rels_name(part)
    rels = zf.read(rels_part).decode("utf-8") if rels_part in names else ""
    folder = posixpath.dirname(part)
    found = _targets(rels, folder)
    out = NoteParts()
    if "comments" in found:
        comments_part = found["comments"][1]
        if comments_part not in names or not _is_ours(zf.read(comments_part)):
            return None                      # the operator's comments: not ours to touch
        vml = found.get("vmlDrawing")
        if vml is None:
            return None
        out.replace[comments_part], out.replace[vml[1]] = _parts(notes)
        return out
    if not notes or "vmlDrawing" in found:
        return None                          # nothing to say, or a drawing we did not make
    root = posixpath.dirname(folder)         # e.g. "xl"
    comments_part = _free(names, posixpath.join(root, "comments{}.xml"))
    vml_part = _free(names, posixpath.join(root, "drawings", "vmlDrawing{}.vml"))
    ids = [int(x) for x in re.findall(r'\bId="rId(\d+)"', rels)]
    c_id, v_id = f"rId{max(ids, default=0) + 1}", f"rId{max(ids, default=0) + 2}"
    new = (f'<Relationship Id="{c_id}" Type="{COMMENTS_TYPE}" Target="/{comments_part}"/>'
           f'<Relationship Id="{v_id}" Type="{VML_TYPE}" Target="/{vml_part}"/>')
    if rels:
        end = rels.rindex("</Relationships>")
        out.replace[rels_part] = (rels[:end] + new + rels[end:]).encode("utf-8")
    else:
        out.add[rels_part] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                              '<Relationships xmlns="http://schemas.openxmlformats.org/package'
                              f'/2006/relationships">{new}</Relationships>').encode()
    out.add[comments_part], out.add[vml_part] = _parts(notes)
    out.content_types = [f'<Override PartName="/{comments_part}" ContentType="{COMMENTS_CT}"/>',
                         f'<Default Extension="vml" ContentType="{VML_CT}"/>']
    out.drawing_rid = v_id
    return out


def link_drawing(sheet: SheetXml, rid: str) -> None:
    """Name the notes' drawing (relationship `rid`) in the sheet: <legacyDrawing>."""
    tag = f'<{sheet.prefix}legacyDrawing xmlns:r="{REL_NS}" r:id="{rid}"/>'.encode()
    sheet.insert_after_data(tag, AFTER_LEGACY)
