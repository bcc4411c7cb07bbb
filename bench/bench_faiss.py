#!/usr/bin/env python3
"""bench_faiss.py — FAISS baselines for bench_match (Debian's python3-faiss, one thread).

usage: bench_faiss.py DB.u8 QUERIES.u8 NQ VIGIL_AUTO_S_PER_10K

DB.u8 and QUERIES.u8 hold 32-byte codes back to back. Radius 31 inclusive is FAISS radius 32
(its binary range_search is strict). Times are process CPU time; query times are scaled to
10 000 queries from the NQ run. Debian's FAISS is a generic x86-64 build (no POPCNT/AVX),
which is what a council machine would get from apt.
"""
import sys
import time

import faiss
import numpy as np


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def run(name, make, db, q, exact_hits):
    r0 = rss_mb()
    t0 = time.process_time()
    index = make()
    index.add(db)
    build = time.process_time() - t0
    mem = rss_mb() - r0
    t0 = time.process_time()
    lims, _, _ = index.range_search(q, 32)
    sec = time.process_time() - t0
    hits = int(lims[-1])
    per10k = sec * 10000.0 / len(q)
    recall = "" if exact_hits is None else " recall %.3f" % (hits / max(exact_hits, 1))
    print("  FAISS %-24s %6d q  %9.3f ms/q  %9.2f s/10k  build %.1f s  mem +%.0f MB  hits %d%s"
          % (name, len(q), sec * 1e3 / len(q), per10k, build, mem, hits, recall))
    del index
    return hits, per10k


def main():
    dbp, qp, nq, vigil10k = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    faiss.omp_set_num_threads(1)
    db = np.fromfile(dbp, dtype=np.uint8).reshape(-1, 32)
    q = np.fromfile(qp, dtype=np.uint8).reshape(-1, 32)[:nq]

    def multihash():
        ix = faiss.IndexBinaryMultiHash(256, 16, 16)
        ix.nflip = 1
        return ix

    def binhash():
        ix = faiss.IndexBinaryHash(256, 16)
        ix.nflip = 2
        return ix

    hits, mh10k = run("MultiHash 16x16 nflip=1", multihash, db, q, None)
    run("BinaryHash b=16 nflip=2", binhash, db, q, hits)
    print("  vigil auto vs FAISS MultiHash: %.1fx faster (per query, CPU; FAISS on %d queries)"
          % (mh10k / vigil10k if vigil10k > 0 else 0, len(q)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
