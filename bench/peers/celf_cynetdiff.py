#!/usr/bin/env python3
"""CELF greedy (Leskovec et al. 2007) on Monte-Carlo estimates from cynetdiff's
independent cascade: the baseline `bench/influence_quality.sh` compares wom's
`choose = "influence"` (IMM) with.

Usage: celf_cynetdiff.py EDGES.gz P K R OUT  (undirected edge list of integer labels;
R cascades per estimate; OUT gets the K chosen labels, one a line, in order of choice)
"""
import collections
import gzip
import heapq
import sys
import time

import numpy as np
from cynetdiff.models import IndependentCascadeModel


def main():
    path, p, k, trials, out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    adj = collections.defaultdict(set)
    with gzip.open(path, "rt") as f:
        for line in f:
            if not line.strip() or line[0] in "#%":
                continue
            u, v = map(int, line.split()[:2])
            if u != v:
                adj[u].add(v)
                adj[v].add(u)
    n = max(adj) + 1
    starts, dst = [], []
    for u in range(n):
        starts.append(len(dst))
        dst.extend(sorted(adj[u]))
    model = IndependentCascadeModel(
        np.array(starts, dtype=np.uint32), np.array(dst, dtype=np.uint32),
        activation_prob=p, rng=1)
    t = time.time()
    # CELF: a max-heap of (stale) marginal gains; re-evaluate the top until it is fresh.
    heap = [(-model.compute_marginal_gains([], [v], trials)[1], v, 0) for v in range(n)]
    heapq.heapify(heap)
    seeds, spread = [], 0.0
    while len(seeds) < k:
        gain, v, round_ = heapq.heappop(heap)
        if round_ == len(seeds):
            seeds.append(v)
            spread += -gain
            continue
        g = model.compute_marginal_gains(seeds, [v], trials)[1]
        heapq.heappush(heap, (-g, v, len(seeds)))
    with open(out, "w") as f:
        f.write(f"# CELF on cynetdiff IC p={p}, {trials} cascades per estimate, "
                f"{time.time() - t:.1f} s, estimated spread {spread:.1f}\n")
        f.write("".join(f"{v}\n" for v in seeds))


if __name__ == "__main__":
    main()
