"""A draw's randomness and its audit: the seed and the order (audit), the pools committed as
Merkle roots (commit, merkle), weighting by credit level, an expert's proofs."""
