"""Cell notes (Excel comments) on the operator cells at fault, in parts sheetsync owns.

A note needs three things in an .xlsx: a comments part, a legacy VML drawing that
shows it, and a `<legacyDrawing>` in the sheet pointing at that drawing.  sheetsync
writes notes only into a comments part it created itself (author "sheetsync", every
note starting with NOTE_PREFIX).  When the operator already keeps comments on that
sheet, their parts are left exactly as they are and no note is added: the finding is
still in the row's Check cell.  A sheet may have two VML drawings (the notes' and a
header/footer picture's): the notes' is the one the sheet's `<legacyDrawing>` names.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import add, sub

from defusedxml import ElementTree

from sheetsync.backends.xlsx.deflate import Streamed
from sheetsync.backends.xlsx.furniture import insert_after, legacy_drawing_rid
from sheetsync.backends.xlsx.opc import CT, MAIN_NS, REL_NS, RT, local
from sheetsync.backends.xlsx.package import Package
from sheetsync.backends.xlsx.sheetxml import SheetXml
from sheetsync.backends.xlsx.xmltext import all_plain, text_xml
from sheetsync.workbook import NOTE_PREFIX, column_letter

AUTHOR = "sheetsync"
# Elements after <legacyDrawing> in CT_Worksheet: it goes before the first of these.
AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                "webPublishItems", "tableParts", "extLst")
NOTES_PER_CHUNK = 2000
# Every note starts with NOTE_PREFIX (plain text: nothing in it to escape).
_COMMENT = ('<comment ref="%s%d" authorId="0"><text><r><t xml:space="preserve">'
            + NOTE_PREFIX + "%s</t></r></text></comment>")
_SHAPE = ('<v:shape id="_x0000_s%d" type="#_x0000_t202" style="position:absolute;'
          "margin-left:59.25pt;margin-top:1.5pt;width:216pt;height:72pt;z-index:1;"
          'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
          '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
          '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
          '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
          "<x:Anchor>%d, 15, %d, 2, %d, 15, %d, 2</x:Anchor>"
          "<x:AutoFill>False</x:AutoFill><x:Row>%d</x:Row><x:Column>%d</x:Column>"
          "</x:ClientData></v:shape>")


def _is_ours(zf: zipfile.ZipFile, part: str) -> bool:
    """True when comments `part` was written by sheetsync: no author but AUTHOR.

    Read only as far as the end of its authors list (a part may hold 50,000 notes).
    """
    authors: list[str] = []
    try:
        with zf.open(part) as fh:
            for _event, el in ElementTree.iterparse(fh, events=("end",), forbid_dtd=True):
                name = local(el.tag)
                if name == "author":
                    authors.append(el.text or "")
                elif name in ("authors", "commentList"):
                    break
    except Exception:               # not readable XML: not ours to touch
        return False
    return authors in ([], [AUTHOR])


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
        if not all_plain(texts):
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


@dataclass
class SheetNotes:
    """The notes of one sheet on their way into the package.

    The comments part is known from the sheet's relationships; the drawing that shows
    the notes is the one the sheet's own `<legacyDrawing>` names, which only the sheet's
    tail tells (a header/footer picture has a VML drawing too, named by
    `<legacyDrawingHF>`: never ours).  So the drawing is rendered under a new part name
    and linked provisionally; once the sheet has been patched, `settle` keeps it, moves
    it onto the drawing the sheet already names, or takes the notes back.
    """

    sheet: str
    comments: str                       # the comments part written (ours, or new)
    comments_new: bool
    drawing: str                        # the drawing part rendered (new, provisional)
    drawing_rid: str                    # its provisional relationship from the sheet
    data: tuple[Streamed, Streamed]     # the comments part, the drawing part
    found_rid: str | None = None        # the <legacyDrawing> the sheet had, if any
    linked: bool = False                # the sheet's tail was read

    def link(self, sheet: SheetXml) -> None:
        """Have the sheet name the notes' drawing unless it names a legacy drawing."""
        def edit(tail: bytes) -> bytes:
            self.linked = True
            self.found_rid = legacy_drawing_rid(tail, sheet.prefix)
            if self.found_rid is not None:
                return tail
            tag = (f'<{sheet.prefix}legacyDrawing xmlns:r="{REL_NS}"'
                   f' r:id="{self.drawing_rid}"/>').encode()
            return insert_after(tail, sheet.prefix, tag, AFTER_LEGACY)
        sheet.add_tail_edit(edit)

    def settle(self, pkg: Package) -> tuple[str, str] | None:
        """Decide where the drawing goes once the sheet is patched: None when the notes
        are kept as rendered; (new name, existing part) to write the drawing over the
        one the sheet names; ("", "") when the notes are taken back."""
        assert self.linked, "settle() before the sheet was patched"
        if self.found_rid is None:
            return None
        pkg.drop_part(self.drawing)
        existing = pkg.rels(self.sheet).get(self.found_rid)
        if (self.comments_new or existing is None or existing.part not in pkg.parts
                or not existing.reltype.endswith("/vmlDrawing")):
            if self.comments_new:       # the operator's own legacy drawing (form controls)
                pkg.drop_part(self.comments)
            return ("", "")
        return (self.drawing, existing.part)


def plan_notes(zf: zipfile.ZipFile, pkg: Package, part: str,
               notes: dict[tuple[int, int], str]) -> SheetNotes | None:
    """The notes of sheet `part` made ready to write; None to leave its notes alone.

    Needs only the package model and the sheet's comments part, not the sheet's XML:
    the drawing is linked from the sheet as it is patched (`SheetNotes.link`).
    """
    found = pkg.rels(part).of_type(RT.COMMENTS)
    if found:
        comments = found[0].part
        if comments not in pkg.parts or not _is_ours(zf, comments):
            return None                      # the operator's comments: not ours to touch
        new = False
    elif not notes:
        return None
    else:
        root = posixpath.dirname(posixpath.dirname(part))      # e.g. "xl"
        comments = pkg.free_name(posixpath.join(root, "comments{}.xml"))
        pkg.add_part(comments, CT.COMMENTS)
        pkg.add_relationship(part, RT.COMMENTS, comments)
        new = True
    root = posixpath.dirname(posixpath.dirname(part))
    drawing = pkg.free_name(posixpath.join(root, "drawings", "vmlDrawing{}.vml"))
    pkg.add_part(drawing, CT.VML_DRAWING)
    rid = pkg.add_relationship(part, RT.VML_DRAWING, drawing)
    return SheetNotes(part, comments, new, drawing, rid, _parts(notes))
