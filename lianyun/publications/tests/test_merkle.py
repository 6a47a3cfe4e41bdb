"""S13: RFC 6962 reference roots, proofs that verify, forged proofs that do not."""

import os
import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianyun.core import merkle

# The test vectors used by Certificate Transparency implementations (RFC 6962 trees of 1–8).
LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
HASHED = [merkle.leaf_hash(leaf) for leaf in LEAVES]


@pytest.mark.parametrize("size", range(1, 9))
def test_reference_roots(size: int) -> None:
    assert merkle.root(HASHED[:size]).hex() == ROOTS[size - 1]


def test_the_empty_tree_is_the_hash_of_nothing() -> None:
    assert (
        merkle.root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_reference_audit_path_of_the_first_leaf() -> None:
    path = [p.hex()[:8] for p in merkle.inclusion_proof(HASHED, 0)]
    assert path == ["96a296d2", "5f083f0a", "6b47aaf2"]


def _tree(n: int) -> list[bytes]:
    return [merkle.leaf_hash(n.to_bytes(4, "big") + i.to_bytes(4, "big")) for i in range(n)]


@given(st.integers(min_value=1, max_value=70), st.data())
def test_every_inclusion_proof_verifies_and_no_forgery_does(n: int, data: st.DataObject) -> None:
    leaves = _tree(n)
    top = merkle.root(leaves)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = merkle.inclusion_proof(leaves, index)
    assert merkle.verify_inclusion(leaves[index], index, n, proof, top)
    other = (index + 1) % n
    if other != index:
        assert not merkle.verify_inclusion(leaves[other], index, n, proof, top)
    if proof:
        forged = list(proof)
        position = data.draw(st.integers(min_value=0, max_value=len(forged) - 1))
        forged[position] = bytes(32)
        assert not merkle.verify_inclusion(leaves[index], index, n, forged, top)
        assert not merkle.verify_inclusion(leaves[index], index, n, proof[:-1], top)


@given(st.integers(min_value=1, max_value=70), st.data())
def test_every_consistency_proof_verifies_and_no_forgery_does(n: int, data: st.DataObject) -> None:
    leaves = _tree(n)
    m = data.draw(st.integers(min_value=1, max_value=n))
    old_root, new_root = merkle.root(leaves[:m]), merkle.root(leaves)
    proof = merkle.consistency_proof(leaves, m)
    assert merkle.verify_consistency(m, n, old_root, new_root, proof)
    # A rewritten history: change one old leaf and the old root no longer fits.
    rewritten = list(leaves)
    rewritten[data.draw(st.integers(min_value=0, max_value=m - 1))] = merkle.leaf_hash(b"forged")
    assert not merkle.verify_consistency(m, n, merkle.root(rewritten[:m]), new_root, proof)
    if proof:
        forged = [bytes(32), *proof[1:]]
        assert not merkle.verify_consistency(m, n, old_root, new_root, forged)


# Pure functions: run once, on the SQLite leg of make test.
ONCE = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="pure functions, no database: the SQLite run covers them",
)


@ONCE
@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=10_000), st.randoms(use_true_random=False))
def test_stored_hash_proofs_are_the_recursive_ones(size: int, rng: random.Random) -> None:
    """Build the stored hashes as appends do, then compare the root, audit paths and
    consistency proofs they give with the recursive RFC 6962 functions, for random sizes."""
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    stored: dict[int, bytes] = {}
    for n, leaf in enumerate(leaves):
        siblings = [stored[i] for i in merkle.append_reads(n)]
        for i, h in merkle.append_hashes(n, leaf, siblings):
            assert i not in stored  # written once
            stored[i] = h
    assert len(stored) == merkle.stored_count(size)
    reads: list[int] = []

    def read(indexes: Sequence[int]) -> list[bytes]:
        reads.append(len(indexes))
        return [stored[i] for i in indexes]

    tree = merkle.Builder()
    for leaf in leaves:
        tree.append(leaf)
    assert merkle.tree_hash(size, read) == merkle.root(leaves) == tree.root()
    for _ in range(5):
        index = rng.randrange(size)
        assert merkle.prove_inclusion(index, size, read) == merkle.inclusion_proof(leaves, index)
        old = rng.randint(1, size)
        assert merkle.prove_consistency(old, size, read) == merkle.consistency_proof(leaves, old)
    # Each answer reads O(log n) stored hashes, in one batch.
    assert max(reads) <= 2 * size.bit_length() + 2


@ONCE
@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=3000), st.integers(min_value=1, max_value=9))
def test_blocks_store_and_root_as_appends_do(size: int, block_level: int) -> None:
    """The block-wise check (level by level) against the leaf-by-leaf appends."""
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    one_by_one = merkle.Builder()
    stored = b"".join(h for leaf in leaves for h in one_by_one.append(leaf))
    blocks = merkle.Builder(block_level)
    width = 1 << block_level
    got, roots = b"", []
    for start in range(0, size, width):
        block = leaves[start : start + width]
        out, at = blocks.extend(block, list(range(start + 1, start + len(block) + 1)))
        got, roots = got + out, roots + at
    assert got == stored
    assert blocks.root() == one_by_one.root() == merkle.root(leaves)
    sample = sorted({1, size, size // 2 + 1, (size * 7) // 10 + 1} & set(range(1, size + 1)))
    assert [roots[t - 1] for t in sample] == [merkle.root(leaves[:t]) for t in sample]
