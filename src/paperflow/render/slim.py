"""Trims python-docx's default package down to what a template uses.

python-docx starts every document from Word 2010's blank template: 350 KB of styles.xml (some 270
styles and the latent-style table), a 440 KB stylesWithEffects.xml copy of it and a thumbnail.
LibreOffice imports all of it on every load — 60 % of the time it takes to convert a one-page
minutes — and docxtpl writes it again for every document. Word and LibreOffice add a built-in
style back on demand when a clerk applies one, so nothing is lost for editing.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

_STYLE_REFS = ("w:pStyle", "w:rStyle", "w:tblStyle", "w:numStyleLink", "w:styleLink")
_CHAIN = ("w:basedOn", "w:next", "w:link")
_DROP_PART_RELS = ("stylesWithEffects",)       # reltype suffixes of document-level parts


def _used_style_ids(doc: DocxDocument) -> set[str]:
    used: set[str] = set()
    for part in doc.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is None:
            continue
        for tag in _STYLE_REFS:
            used.update(e.get(qn("w:val")) for e in element.iter(qn(tag)))
    return used


def slim(doc: DocxDocument) -> DocxDocument:
    """Drops unused styles, the latent-style table, stylesWithEffects and the thumbnail."""
    styles = doc.styles.element
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    keep = _used_style_ids(doc) | {sid for sid, s in by_id.items() if s.get(qn("w:default")) == "1"}
    todo = list(keep)
    while todo:                                 # the styles they are based on, link to, lead to
        s = by_id.get(todo.pop())
        if s is None:
            continue
        for tag in _CHAIN:
            ref = s.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in keep:
                keep.add(ref.get(qn("w:val")))
                todo.append(ref.get(qn("w:val")))
    for sid, s in by_id.items():
        if sid not in keep:
            styles.remove(s)
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype == RT.THUMBNAIL or rel.reltype.rsplit("/", 1)[-1] in _DROP_PART_RELS:
                rels.pop(rid)
    return doc
