"""Proposals for source ids no rule or alias maps: which known model each may be, with the evidence.

A proposal is never applied by itself (a wrong join is worse than a missed one): `modeltrail identity
suggest` lists them ranked, and `--accept` adds the aliases a user chose to keep. Evidence, each worth a
point: the id's product key (idgrammar) names the model's product, the same key without its vendor, the
same context window, the same release date. Pure functions: rows in, proposals out.
"""

from __future__ import annotations

from dataclasses import dataclass

from modeltrail.pipelines import idgrammar


@dataclass(frozen=True)
class Proposal:
    source: str
    source_model_id: str
    model_id: str
    score: int
    evidence: str


def propose(unmatched: list[tuple], models: list[tuple]) -> list[Proposal]:
    """unmatched: (source, source_model_id, name, provider, context_window, release_date);
    models: (model_id, context_window, release_date). The best proposal per id, best first."""
    by_key: dict[str, list[tuple]] = {}
    for m in sorted(models, key=lambda m: m[0]):  # (equal evidence: the first model id wins, on every backend)
        by_key.setdefault(m[0].split("/", 1)[-1], []).append(m)
    out = []
    for source, smid, name, provider, context, released in unmatched:
        offer = idgrammar.read(smid, provider)
        keys = {offer.key, offer.key.rsplit("/", 1)[-1]}
        best = None
        for key in sorted(keys):
            for model_id, m_context, m_released in by_key.get(key, []):
                evidence = ["same product key" if key == offer.key else "same product name after an org"]
                score = 2 if key == offer.key else 1
                if context and m_context and context == m_context:
                    score, evidence = score + 1, evidence + ["same context window"]
                if released and m_released and released == m_released:
                    score, evidence = score + 1, evidence + ["same release date"]
                if best is None or score > best.score:
                    best = Proposal(source, smid, model_id, score, " + ".join(evidence))
        if best is not None:
            out.append(best)
    return sorted(out, key=lambda p: (-p.score, p.source, p.source_model_id))
