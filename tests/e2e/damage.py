#!/usr/bin/env python3
"""damage.py: damaged copies of an index's data.mdb, for tests/e2e/damage.sh.

    damage.py SRC_DATA_MDB DST_DATA_MDB TRIAL SEED

Writes one copy of the pages in use (a reader needs no more), damaged by trial number TRIAL in one of five ways (TRIAL % 5):
bits flipped at random offsets in the used pages, a used page zeroed, a used
page of random bytes, the file truncated, or a meta page corrupted; random
choices from Random(SEED * 1000 + TRIAL), so a seed and a trial number give
the same copy again. Prints one line saying what was done. The meta page
layout read here is LMDB 0.9's on a 64-bit host (store/metacheck.c)."""
import random
import struct
import sys

KINDS = ("flip", "zero", "random", "truncate", "meta")


def meta(data, i, psize):
    base = i * psize
    magic, = struct.unpack_from("<I", data, base + 16)
    last_pg, txnid = struct.unpack_from("<QQ", data, base + 136)
    return magic, last_pg, txnid


def main():
    src, dst, trial, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rnd = random.Random(seed * 1000 + trial)
    with open(src, "rb") as f:
        head = f.read(65536)
        psize, = struct.unpack_from("<I", head, 40)
        metas = [meta(head, i, psize) for i in (0, 1)]
        cur = 0 if metas[0][2] > metas[1][2] else 1    # the meta LMDB reads
        last_pg = metas[cur][1]
        used = (last_pg + 1) * psize
        # the pages in use: the rest of a writer's file is the map's sparse tail
        f.seek(0)
        data = bytearray(f.read(used))
    kind = KINDS[trial % len(KINDS)]
    page = rnd.randrange(2, last_pg + 1)                # a used page, not a meta page
    if kind == "flip":
        n = rnd.randint(1, 16)
        offsets = sorted(rnd.randrange(2 * psize, used) for _ in range(n))
        for off in offsets:
            data[off] ^= 1 << rnd.randrange(8)
        what = "%d bits flipped at offsets %s" % (n, ",".join(map(str, offsets)))
    elif kind == "zero":
        data[page * psize:(page + 1) * psize] = bytes(psize)
        what = "page %d zeroed" % page
    elif kind == "random":
        data[page * psize:(page + 1) * psize] = bytes(rnd.getrandbits(8) for _ in range(psize))
        what = "page %d random bytes" % page
    elif kind == "truncate":
        cuts = [1, psize // 2, psize + 7, 2 * psize, 3 * psize, used // 2, used - psize,
                used - 1]
        length = cuts[(trial // len(KINDS)) % len(cuts)]
        del data[length:]
        what = "truncated to %d of %d bytes in use" % (length, used)
    else:
        base = cur * psize
        how = (trial // len(KINDS)) % 5
        if how == 0:
            struct.pack_into("<Q", data, base + 136, last_pg + rnd.randint(1, 1 << 20))
            what = "meta page %d: last page raised" % cur
        elif how == 1:
            root = 88 + 40          # the main database's root page number
            struct.pack_into("<Q", data, base + root, rnd.randrange(2, last_pg + 1))
            what = "meta page %d: main root moved" % cur
        elif how == 2:
            for _ in range(4):
                off = base + rnd.randrange(16, 152)
                data[off] ^= 1 << rnd.randrange(8)
            what = "meta page %d: 4 bits flipped" % cur
        elif how == 3:
            data[base:base + psize] = bytes(psize)
            what = "meta page %d zeroed" % cur
        else:
            # the older meta page made the newer, pointing into today's pages
            old = 1 - cur
            struct.pack_into("<Q", data, old * psize + 144, metas[cur][2] + 1)
            struct.pack_into("<Q", data, old * psize + 128, rnd.randrange(2, last_pg + 1))
            what = "meta page %d made current with a wrong root" % old
    open(dst, "wb").write(data)
    print("trial %d (seed %d): %s: %s" % (trial, seed, kind, what))


if __name__ == "__main__":
    main()
