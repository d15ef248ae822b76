"""Fuzzy look-up of a name among many (a province's thousands of agencies).

An index may be laid over another (`NameIndex(register_names, under=data_index)`): it answers as
one index over the first names followed by the other's, without building the other again. The
versioned data's 6,000 names are indexed once per process (`data_index`), and each plan lays its
register's few names over them (docs/DESIGN.md, the flow: `nameindex`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from functools import lru_cache

from .text import best_match, key, nfc, ranked


class NameIndex:
    """Only the `shortlist` candidates sharing the most distinctive words with the name (weighted
    by rarity; the name's four rarest indexed words) are compared with difflib; a name with no
    word in the index at all (heavy OCR damage) is compared with every name.

    Names are numbered in order (the first given wins a tie); a name also given `under` keeps its
    place among the first names only."""

    def __init__(self, names: Iterable[str], *, shortlist: int = 40,
                 under: NameIndex | None = None) -> None:
        own = list(dict.fromkeys(n for n in names if key(n)))
        self.shortlist = shortlist
        self._under = under
        self._exact: dict[str, str] = {}
        self._spelled = {nfc(n) for n in own}
        self._postings: dict[str, list[int]] = {}
        self._same_key: dict[str, list[str]] = {}
        for i, n in enumerate(own):
            k = key(n)
            self._exact.setdefault(k, n)
            self._same_key.setdefault(k, []).append(n)
            for w in set(k.split()):
                self._postings.setdefault(w, []).append(i)
        self._offset = len(own)
        self._own = set(own)
        self._hidden: set[int] = set()         # numbers (here) of the lower names given above
        self._hidden_per_word: dict[str, int] = {}
        if under is not None:
            below = under.position()
            for n in own:
                j = below.get(n)
                if j is not None:
                    self._hidden.add(self._offset + j)
                    for w in set(key(n).split()):
                        self._hidden_per_word[w] = self._hidden_per_word.get(w, 0) + 1
            own += under.names
        self.names = own     # numbered as the postings number them (hidden ones included)
        self._position: dict[str, int] | None = None

    def position(self) -> dict[str, int]:
        """Each visible name's number."""
        if self._position is None:
            self._position = {}
            for i, n in enumerate(self.names):
                if i not in self._hidden:
                    self._position.setdefault(n, i)
        return self._position

    def _count(self, w: str) -> int:
        n = len(self._postings.get(w, ()))
        if self._under is not None:
            n += self._under._count(w) - self._hidden_per_word.get(w, 0)
        return n

    def _ids(self, w: str) -> list[int]:
        ids = list(self._postings.get(w, ()))
        if self._under is not None:
            off, hidden = self._offset, self._hidden
            ids += [i + off for i in self._under._ids(w) if i + off not in hidden]
        return ids

    def _visible(self) -> list[str]:
        own = self.names[:self._offset]
        if self._under is None:
            return own
        return own + [n for n in self._under._visible() if n not in self._own]

    def __contains__(self, name: str) -> bool:
        k = key(name)
        return k in self._exact or (self._under is not None and k in self._under)

    def exact(self, name: str) -> str | None:
        """The indexed name with the same key (spelling, case, diacritics aside), if any — the
        name itself when it is indexed as written ('xã Hà Quý' and 'xã Hạ Quý' share a key)."""
        spelled = nfc(name)
        if self._is_spelled(spelled):
            return spelled
        return self._first_of_key(key(name))

    def _is_spelled(self, spelled: str) -> bool:
        return spelled in self._spelled or (
            self._under is not None and self._under._is_spelled(spelled))

    def _first_of_key(self, k: str) -> str | None:
        got = self._exact.get(k)
        if got is None and self._under is not None:
            got = self._under._first_of_key(k)
        return got

    def best(self, name: str, *, threshold: float = 0.85,
             score_below: bool = True) -> tuple[str | None, float]:
        """Like best_match(name, names), over the shortlist."""
        k = key(name)
        if k in self:
            return self.exact(name), 1.0
        counts = {w: c for w in set(k.split()) if (c := self._count(w))}
        words = sorted(counts, key=lambda w: (counts[w], w))[:4]
        if not words:
            if not score_below:
                # sharing no word with any name, it cannot reach a match threshold (≥ 0.85):
                # comparing it with every name only finds that out slowly
                return None, 0.0
            return best_match(name, self._visible(), threshold=threshold,
                              score_below=score_below)
        weights: dict[int, float] = {}
        for w in words:
            for i in self._ids(w):
                weights[i] = weights.get(i, 0.0) + 1.0 / counts[w]
        # the `shortlist` heaviest (ties: first indexed), without sorting every candidate
        ranked_ids = [i for _w, i in heapq.nsmallest(self.shortlist,
                                                     ((-w, i) for i, w in weights.items()))]
        return best_match(name, [self.names[i] for i in ranked_ids], threshold=threshold,
                          score_below=score_below)

    def top(self, name: str, n: int = 2) -> list[tuple[str, float]]:
        """The `n` indexed names closest to `name` with their scores, best first: to tell a
        clear winner from two close candidates ('xã Hà Quý' / 'xã Hạ Quý')."""
        # words carried by a tenth of the names ('uy', 'ban', 'xa') single nothing out
        common = max(50, (len(self.names) - len(self._hidden)) // 10)
        counts = {w: c for w in set(key(name).split()) if 0 < (c := self._count(w)) <= common}
        words = sorted(counts, key=lambda w: (counts[w], w))[:4]
        if not words:
            return []
        weights: dict[int, float] = {}
        for w in words:
            for i in self._ids(w):
                weights[i] = weights.get(i, 0.0) + 1.0 / counts[w]
        short = [i for _w, i in heapq.nsmallest(min(self.shortlist, 20),
                                                ((-w, i) for i, w in weights.items()))]
        return ranked(name, [self.names[i] for i in sorted(short)], n)

    def spelled_like(self, name: str) -> list[str]:
        """Every indexed name with the key of `name` (several when they differ by tone marks)."""
        k = key(name)
        out = list(self._same_key.get(k, ()))
        if self._under is not None:
            out += [n for n in self._under.spelled_like(name) if n not in self._own]
        return out


@lru_cache(maxsize=4)
def data_index(names: tuple[str, ...], shortlist: int = 20) -> NameIndex:
    """The versioned data's names indexed once per process (the same tuple, the same index)."""
    return NameIndex(names, shortlist=shortlist)
