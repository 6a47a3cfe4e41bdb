"""RFC 6962 Merkle tree hashing, audit (inclusion) and consistency proofs, and their checks.

Leaves are hashed SHA-256(0x00 || data), nodes SHA-256(0x01 || left || right); a tree of n
leaves splits at the largest power of two smaller than n (RFC 6962 §2.1). The verification
algorithms are those of RFC 9162 §2.1.3.2 and §2.1.4.2. Pure functions over lists of bytes:
the publication chain feeds them leaves from the database.
"""

import hashlib
from collections.abc import Callable, Sequence
from functools import cache
from operator import itemgetter

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n ≥ 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes (already hashed with leaf_hash)."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]): the audit path for leaf `index` in the tree of these leaves."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError("leaf index outside the tree")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(leaves[:k], index), root(leaves[k:])]
    return [*inclusion_proof(leaves[k:], index - k), root(leaves[:k])]


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(m, D[n]): shows the tree of the first old_size leaves is a prefix of this one."""
    n = len(leaves)
    if not 0 < old_size <= n:
        raise ValueError("old size must be between 1 and the tree size")
    return _subproof(leaves, old_size, True)


def _subproof(leaves: Sequence[bytes], m: int, whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(leaves[:k], m, whole), root(leaves[k:])]
    return [*_subproof(leaves[k:], m - k, False), root(leaves[:k])]


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if old_size < 1 or old_size > new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root starts the path
        path = [old_root, *path]
    if not path:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# --- stored hashes ---------------------------------------------------------------------------
#
# The same tree kept the way Go's checksum database keeps it (golang.org/x/mod/sumdb/tlog):
# every leaf hash, and every hash of a complete subtree, is written once, when the leaf that
# completes it is appended, at a fixed position in one sequence ("stored index"). A tree of n
# leaves stores fewer than 2n hashes; nothing is ever rewritten. The root of any size, an audit
# path and a consistency proof are then built from O(log n) stored hashes, read in one batch.
# The proofs are the same bytes as the recursive functions above produce (a property test holds
# them together).

Reader = Callable[[Sequence[int]], Sequence[bytes]]  # stored indexes -> their hashes, in order


def stored_index(level: int, n: int) -> int:
    """Where the hash of the n-th complete subtree of height `level` is stored."""
    for _ in range(level):
        n = 2 * n + 1
    i = 0
    while n > 0:
        i += n
        n >>= 1
    return i + level


def stored_count(size: int) -> int:
    """How many hashes a tree of `size` leaves has stored."""
    if size == 0:
        return 0
    count = stored_index(0, size - 1) + 1
    last = size - 1
    while last & 1:
        count += 1
        last >>= 1
    return count


def _trailing_ones(n: int) -> int:
    count = 0
    while n & 1:
        count += 1
        n >>= 1
    return count


def append_reads(n: int) -> list[int]:
    """The stored hashes appending leaf n needs: the left siblings of the subtrees it completes,
    highest first."""
    m = _trailing_ones(n)
    return [stored_index(i, (n >> i) - 1) for i in reversed(range(m))]


def append_hashes(n: int, leaf: bytes, siblings: Sequence[bytes]) -> list[tuple[int, bytes]]:
    """(stored index, hash) of everything leaf n stores: itself, then each subtree it completes.
    `siblings` are the hashes at append_reads(n)."""
    start = stored_index(0, n)
    out = [(start, leaf)]
    h = leaf
    for i, sibling in enumerate(reversed(siblings)):
        h = node_hash(sibling, h)
        out.append((start + 1 + i, h))
    return out


def _pieces(lo: int, hi: int) -> list[tuple[int, int]]:
    """[lo, hi) as complete subtrees (level, n), largest first: the right edge of a proof."""
    out = []
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        while lo & ((1 << level) - 1):  # never taken for ranges a proof asks for
            level -= 1
        out.append((level, lo >> level))
        lo += 1 << level
    return out


def _range_hash(lo: int, hi: int, stored: dict[int, bytes]) -> bytes:
    return _fold([stored[stored_index(level, n)] for level, n in _pieces(lo, hi)])


def _resolve(ranges: list[tuple[int, int]], read: Reader) -> list[bytes]:
    """The hash of each range, from one batched read of the stored hashes they need."""
    need = sorted({stored_index(lv, n) for lo, hi in ranges for lv, n in _pieces(lo, hi)})
    stored = dict(zip(need, read(need), strict=True))
    return [_range_hash(lo, hi, stored) for lo, hi in ranges]


def tree_hash(size: int, read: Reader) -> bytes:
    """The root of the first `size` leaves."""
    if size == 0:
        return EMPTY_ROOT
    return _resolve([(0, size)], read)[0]


def _path_ranges(index: int, lo: int, hi: int) -> list[tuple[int, int]]:
    if hi - lo == 1:
        return []
    k = _split(hi - lo)
    if index < lo + k:
        return [*_path_ranges(index, lo, lo + k), (lo + k, hi)]
    return [*_path_ranges(index, lo + k, hi), (lo, lo + k)]


def _consistency_ranges(m: int, lo: int, hi: int, whole: bool) -> list[tuple[int, int]]:
    if m == hi - lo:
        return [] if whole else [(lo, hi)]
    k = _split(hi - lo)
    if m <= k:
        return [*_consistency_ranges(m, lo, lo + k, whole), (lo + k, hi)]
    return [*_consistency_ranges(m - k, lo + k, hi, False), (lo, lo + k)]


def prove_inclusion(index: int, size: int, read: Reader) -> list[bytes]:
    """inclusion_proof() from stored hashes."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    return _resolve(_path_ranges(index, 0, size), read)


def prove_inclusion_and_root(index: int, size: int, read: Reader) -> tuple[list[bytes], bytes]:
    """prove_inclusion() and tree_hash() together, from one batched read."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    *proof, root = _resolve([*_path_ranges(index, 0, size), (0, size)], read)
    return proof, root


def prove_consistency(old_size: int, size: int, read: Reader) -> list[bytes]:
    """consistency_proof() from stored hashes."""
    if not 0 < old_size <= size:
        raise ValueError("old size must be between 1 and the tree size")
    return _resolve(_consistency_ranges(old_size, 0, size, True), read)


class Builder:
    """A tree grown in memory, keeping only the O(log n) complete subtrees on its right edge:
    what a complete check uses to recompute every stored hash and every root in one pass over
    the leaves. Leaves come one at a time (append) or a block at a time (extend), level by
    level, which is several times faster in Python."""

    def __init__(self, block_level: int = 14) -> None:
        self.size = 0
        self._edge: list[tuple[int, bytes]] = []  # (level, hash) on the right edge, largest first
        self.block_level = block_level
        self.block = 1 << block_level

    def append(self, leaf: bytes) -> list[bytes]:
        """Add a leaf; return what it stores (as append_hashes would), in stored order."""
        out = [leaf]
        h, level = leaf, 0
        for _ in range(_trailing_ones(self.size)):
            h = node_hash(self._edge.pop()[1], h)
            level += 1
            out.append(h)
        self._edge.append((level, h))
        self.size += 1
        return out

    def root(self) -> bytes:
        return _fold([h for _level, h in self._edge])

    def extend(
        self, leaves: Sequence[bytes], roots_at: Sequence[int] = ()
    ) -> tuple[bytes, list[bytes]]:
        """Add a block of leaves. The tree's size must be a multiple of the block size and the
        block at most that long (every block but the last is full). Returns everything the block stores,
        end to end in stored order (as the appends would have), and the root at each size in
        roots_at (sizes within the block, ascending)."""
        start, m, sha256 = self.size, len(leaves), hashlib.sha256
        if start % self.block or m > self.block:
            raise ValueError("blocks start on a multiple of the block size and fit in one")
        levels = [list(leaves)]
        while len(levels[-1]) > 1:
            below = levels[-1]
            # node_hash, written out: a million calls cost more than their hashing here
            levels.append(
                [
                    sha256(b"\x01" + below[k] + below[k + 1]).digest()
                    for k in range(0, len(below) - 1, 2)
                ]
            )
        flat = [h for level in levels for h in level]
        inside = itemgetter(*_block_order(m))(flat) if m > 1 else tuple(flat)
        roots = [self._root_within(levels, t - start) for t in roots_at]
        above: list[bytes] = []
        if m == self.block:  # a full block is one complete subtree: merge it into the edge
            h, level = levels[-1][0], self.block_level
            while self._edge and self._edge[-1][0] == level:
                h = node_hash(self._edge.pop()[1], h)
                level += 1
                above.append(h)
            self._edge.append((level, h))
        else:  # the last block: its complete subtrees, largest first, end the edge
            offset = 0
            for level in reversed(range(m.bit_length())):
                if m >> level & 1:
                    self._edge.append((level, levels[level][offset >> level]))
                    offset += 1 << level
        self.size += m
        return b"".join(inside) + b"".join(above), roots

    def _root_within(self, levels: list[list[bytes]], within: int) -> bytes:
        """The root when the block holds its first `within` leaves."""
        hashes = [h for _level, h in self._edge]
        offset = 0
        for level in reversed(range(within.bit_length())):
            if within >> level & 1:
                hashes.append(levels[level][offset >> level])
                offset += 1 << level
        return _fold(hashes)


BLOCK = 1 << 14  # leaves a complete check takes at a time (Builder's default block)


def _fold(hashes: Sequence[bytes]) -> bytes:
    """The root over complete subtrees, largest first."""
    if not hashes:
        return EMPTY_ROOT
    h = hashes[-1]
    for left in reversed(hashes[:-1]):
        h = node_hash(left, h)
    return h


@cache
def _block_order(m: int) -> list[int]:
    """Where each hash a block of m leaves stores inside itself comes from, in stored order:
    indexes into its levels laid end to end (leaves, then level 1, ...). The same for every
    block that starts on a multiple of the block size, since popcount(s + x) = popcount(s) + popcount(x)
    there."""
    order: list[tuple[int, int]] = []
    first, width = 0, m
    for level in range(m.bit_length()):
        for j in range(width):
            last = ((j + 1) << level) - 1  # the leaf that completes this subtree
            order.append((2 * last - last.bit_count() + level, first + j))
        first, width = first + width, width >> 1
    return [k for _position, k in sorted(order)]
