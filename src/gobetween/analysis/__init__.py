"""Exact, vectorised decision support: frontier, bargaining solutions, ZOPA, improvements."""
