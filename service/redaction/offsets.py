"""The offset map from a rewritten text back to its source, and the one way edits are applied: shared by the
folded view (normalize.py) and the derived views (views.py), so every view maps back the same way.

Invariant: `OffsetMap.span(s, e)` returns a source span for every 0 <= s < e <= len(rewritten text).
"""

from __future__ import annotations

from bisect import bisect_right


class OffsetMap:
    """Piecewise map from a rewritten text back to its source, one segment per copied run or rewrite.

    Segment i covers rewritten positions [vstart[i], vstart[i+1]); a copied segment maps one to one
    from ostart[i], a rewritten one maps every character to the whole source span [ostart[i], oend[i]).
    Built in O(number of rewrites); each lookup is a binary search.
    """

    __slots__ = ("vstart", "ostart", "oend", "copy")

    def __init__(self) -> None:
        self.vstart: list[int] = []
        self.ostart: list[int] = []
        self.oend: list[int] = []
        self.copy: list[bool] = []

    def add(self, vstart: int, ostart: int, oend: int, copy: bool) -> None:
        self.vstart.append(vstart)
        self.ostart.append(ostart)
        self.oend.append(oend)
        self.copy.append(copy)

    def span(self, s: int, e: int) -> tuple[int, int]:
        i = bisect_right(self.vstart, s) - 1
        os_ = self.ostart[i] + (s - self.vstart[i]) if self.copy[i] else self.ostart[i]
        j = bisect_right(self.vstart, e - 1) - 1
        oe = self.ostart[j] + (e - self.vstart[j]) if self.copy[j] else self.oend[j]
        return os_, oe


def apply_edits(text: str, edits: list[tuple[int, int, str]],
                same_length_copies: bool = False) -> tuple[str, OffsetMap, list[int]]:
    """Apply sorted, non-overlapping edits (start, end, replacement; an empty replacement deletes): the
    rewritten text, its map back to `text`, and each edit's position in the rewritten text.
    `same_length_copies`: a replacement as long as what it replaces maps character by character (a fold
    of look-alikes), so a finding inside it maps to exactly its own characters."""
    out: list[str] = []
    omap = OffsetMap()
    anchors: list[int] = []
    # the map's lists appended to directly: a table view makes two segments a cell
    vstarts, ostarts, oends, copies = omap.vstart, omap.ostart, omap.oend, omap.copy
    pos = vpos = 0
    for ms, me, r in edits:
        if ms > pos:
            out.append(text[pos:ms])
            vstarts.append(vpos)
            ostarts.append(pos)
            oends.append(ms)
            copies.append(True)
            vpos += ms - pos
        anchors.append(vpos)
        if r:
            out.append(r)
            vstarts.append(vpos)
            ostarts.append(ms)
            oends.append(me)
            copies.append(same_length_copies and len(r) == me - ms)
            vpos += len(r)
        if me > pos:
            pos = me
    if pos < len(text) or not vstarts:
        out.append(text[pos:])
        omap.add(vpos, pos, len(text), True)
    return "".join(out), omap, anchors
