"""Write ``nonlinear2014/``: an ANAC 2014-like non-linear Genius scenario (run from the repo root:
``python tests/data/genius/make_nonlinear2014.py``).

Written by gobetween's authors from the public description of Genius's non-linear utility spaces
(ANAC 2014: integer issues, profiles of hyperrectangle constraints with INCLUDES/EXCLUDES bounds
and a utility, summed and divided by ``maxutility``); no Genius file was copied. Ten integer
issues of values 1..10; party A has 40 constraints and declares ``maxutility``; party B has 40
constraints (one with an EXCLUDES bound, one negative) and leaves ``maxutility`` unknown (-1).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

ISSUES = 10
FOLDER = Path(__file__).with_name("nonlinear2014")


def issue_lines() -> list[str]:
    return [
        f'<issue index="{k}" etype="integer" type="integer" vtype="integer" name="issue{k}" '
        f'lowerbound="1" upperbound="10"/>'
        for k in range(1, ISSUES + 1)
    ]


def rectangles(rng: np.random.Generator, count: int, *, special: bool) -> list[str]:
    lines = []
    for c in range(count):
        chosen = sorted(
            int(i) + 1 for i in rng.choice(ISSUES, size=int(rng.integers(2, 5)), replace=False)
        )
        utility = int(rng.integers(1, 101))
        if special and c == 0:
            utility = -25
        lines.append(f'<hyperRectangle utility_function="{utility}.0">')
        for n, k in enumerate(chosen):
            low = int(rng.integers(1, 11))
            high = int(rng.integers(low, 11))
            tag = "EXCLUDES" if special and c == 1 and n == 0 else "INCLUDES"
            lines.append(f'<{tag} index="{k}" min="{low}" max="{high}"/>')
        lines.append("</hyperRectangle>")
    return lines


def profile(rng: np.random.Generator, maxutility: str, *, special: bool) -> str:
    lines = [
        '<utility_space type="nonlinear">',
        '<objective index="0" etype="objective" type="objective" description="" '
        'name="nonlinear2014">',
        *issue_lines(),
        "</objective>",
        f'<utility_function maxutility="{maxutility}">',
        '<ufun type="PlainUfun" weight="1" aggregation="sum">',
        *rectangles(rng, 40, special=special),
        "</ufun>",
        "</utility_function>",
        '<reservation value="0.2"/>',
        '<discount_factor value="1.0"/>',
        "</utility_space>",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    rng = np.random.default_rng(2014)
    FOLDER.mkdir(exist_ok=True)
    domain = [
        "<negotiation_template>",
        f'<utility_space number_of_issues="{ISSUES}">',
        '<objective index="0" etype="objective" type="objective" description="" '
        'name="nonlinear2014">',
        *issue_lines(),
        "</objective>",
        "</utility_space>",
        "</negotiation_template>",
        "",
    ]
    (FOLDER / "domain.xml").write_text("\n".join(domain), encoding="utf-8")
    (FOLDER / "A.xml").write_text(profile(rng, "1500.0", special=False), encoding="utf-8")
    (FOLDER / "B.xml").write_text(profile(rng, "-1.0", special=True), encoding="utf-8")


if __name__ == "__main__":
    main()
