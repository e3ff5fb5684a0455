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
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

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


@dataclass
class NoteParts:
    """What writing the notes of one sheet changes in the package."""

    sheet_xml: bytes
    replace: dict[str, bytes] = field(default_factory=dict)
    add: dict[str, bytes] = field(default_factory=dict)
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


def comments_xml(notes: dict[tuple[int, int], str]) -> bytes:
    items = "".join(
        f'<comment ref="{column_letter(c)}{r}" authorId="0"><text><r><t xml:space="preserve">'
        f"{escape(text)}</t></r></text></comment>"
        for (r, c), text in sorted(notes.items()))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<comments xmlns="{MAIN_NS}"><authors><author>{AUTHOR}</author></authors>'
            f"<commentList>{items}</commentList></comments>").encode()


def vml_xml(notes: dict[tuple[int, int], str]) -> bytes:
    shapes = "".join(
        f'<v:shape id="_x0000_s{1025 + i}" type="#_x0000_t202" style="position:absolute;'
        "margin-left:59.25pt;margin-top:1.5pt;width:216pt;height:72pt;z-index:1;"
        'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
        '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
        '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:Anchor>{c}, 15, {max(r - 2, 0)}, 2, {c + 3}, 15, {r + 3}, 2</x:Anchor>"
        f"<x:AutoFill>False</x:AutoFill><x:Row>{r - 1}</x:Row><x:Column>{c - 1}</x:Column>"
        "</x:ClientData></v:shape>"
        for i, ((r, c), _) in enumerate(sorted(notes.items())))
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
            'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
            '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            f"{shapes}</xml>").encode()


def _free(names: set[str], pattern: str) -> str:
    n = 1
    while pattern.format(n) in names:
        n += 1
    return pattern.format(n)


def write_notes(zf: zipfile.ZipFile, names: set[str], part: str, sheet_xml: bytes,
                notes: dict[tuple[int, int], str]) -> NoteParts | None:
    """The package changes that put `notes` on sheet `part`; None to leave notes alone."""
    root_tag = re.search(rb"<(?:(\w+):)?worksheet\b", sheet_xml)
    prefix = (root_tag.group(1).decode() + ":") if root_tag and root_tag.group(1) else ""
    rels_part = rels_name(part)
    rels = zf.read(rels_part).decode("utf-8") if rels_part in names else ""
    folder = posixpath.dirname(part)
    found = _targets(rels, folder)
    out = NoteParts(sheet_xml)
    if "comments" in found:
        comments_part = found["comments"][1]
        if comments_part not in names or not _is_ours(zf.read(comments_part)):
            return None                      # the operator's comments: not ours to touch
        vml = found.get("vmlDrawing")
        if vml is None:
            return None
        out.replace[comments_part] = comments_xml(notes)
        out.replace[vml[1]] = vml_xml(notes)
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
    out.add[comments_part] = comments_xml(notes)
    out.add[vml_part] = vml_xml(notes)
    out.content_types = [f'<Override PartName="/{comments_part}" ContentType="{COMMENTS_CT}"/>',
                         f'<Default Extension="vml" ContentType="{VML_CT}"/>']
    tag = f'<{prefix}legacyDrawing xmlns:r="{REL_NS}" r:id="{v_id}"/>'.encode()
    out.sheet_xml = _insert_legacy(sheet_xml, tag, prefix)
    return out


def _insert_legacy(xml: bytes, tag: bytes, prefix: str) -> bytes:
    tail_start = xml.rfind(b"</%ssheetData>" % prefix.encode())
    tail_start = tail_start if tail_start >= 0 else 0
    for name in AFTER_LEGACY:
        m = re.compile(rb"<%s%s\b" % (re.escape(prefix.encode()), name.encode())).search(
            xml, tail_start)
        if m:
            return xml[: m.start()] + tag + xml[m.start():]
    end = xml.rindex(b"</%sworksheet>" % prefix.encode())
    return xml[:end] + tag + xml[end:]
