"""The numbers of the demo's on-site scores: each member's independent scores for a unit,
drawn so that the team's consensus reaches the level the unit aimed for, and the findings
the team writes. Pure functions of the compiled edition and the unit's code (no database),
so the same demo is built every time.

Each item gets one value for the unit; every member gives it, except that one member now
and then sees it a point higher or lower. With three or more members at least two middle
values agree, so the members' median is a point of the scale and is the consensus. One
item of one unit is the exception the demo shows: the members disagree widely and the
team settles below the median, with its reason.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# The item whose members' scores spread widely in the first unit, and what the team did.
WIDE_ITEM = "Q4.4"
WIDE_SCORES = (1, 3, 3, 4)
WIDE_CONSENSUS = 2
WIDE_REASON = ("คณะฯ ตรวจหลักฐานร่วมกันแล้ว พบว่าการประเมินความพึงพอใจทำเพียงไตรมาสเดียว "
               "และยังไม่ได้นำผลไปปรับปรุงงาน จึงให้คะแนน 2 ต่ำกว่าค่ามัธยฐานของกรรมการ")

STRENGTH = "{text} — ดำเนินการได้ดีและเป็นระบบ มีหลักฐานชัดเจน เป็นแบบอย่างให้หน่วยอื่นได้"
IMPROVEMENT = "{text} — ควรจัดทำให้ครบถ้วนและต่อเนื่อง พร้อมเก็บหลักฐานการดำเนินงานให้เป็นระบบ"


@dataclass
class DemoScores:
    """Scores of one unit: ``members[i][ref]`` per member, the team's ``consensus``, the
    reasons where it differs from the median, the findings, and the level it reaches."""

    members: list[dict[str, float]]
    consensus: dict[str, float]
    reasons: dict[str, str] = field(default_factory=dict)
    strengths: dict[str, str] = field(default_factory=dict)
    improvements: dict[str, str] = field(default_factory=dict)
    level: str | None = None


def _draw(compiled, unit_code, quality, members):
    rng = random.Random(f"{unit_code}-{quality:.2f}")
    per_member = [{} for _ in range(members)]
    consensus = {}
    for index, ref in enumerate(compiled.refs):
        points = sorted(compiled.allowed[index])
        top = points[-1]
        if top == 1:
            value = 1 if rng.random() < 0.5 + quality / 2 else 0
        else:
            value = round(quality * top + rng.gauss(0, 0.6))
        value = min(top, max(points[0], value))
        for _index, met, mandatory_ref in compiled.mandatory:
            if mandatory_ref == ref:
                value = max(value, met)
        consensus[ref] = value
        for scores in per_member:
            scores[ref] = value
        if top > 1 and rng.random() < 0.3:
            other = min(top, max(points[0], value + rng.choice((-1, 1))))
            per_member[rng.randrange(members)][ref] = other
    return per_member, consensus


def demo_scores(compiled, unit_code, target_level, members=4, *, wide=False) -> DemoScores:
    """Members' scores for one unit reaching ``target_level`` through the team's consensus
    (the lowest quality that reaches it); ``wide`` adds the wide-spread item."""
    fallback = None
    for step in range(40, 100):
        quality = step / 100
        per_member, consensus = _draw(compiled, unit_code, quality, members)
        reasons = {}
        if wide and WIDE_ITEM in compiled.index:
            for scores, value in zip(per_member, WIDE_SCORES, strict=False):
                scores[WIDE_ITEM] = value
            consensus[WIDE_ITEM] = WIDE_CONSENSUS
            reasons[WIDE_ITEM] = WIDE_REASON
        level = compiled.score(consensus, team=True).level
        fallback = fallback or DemoScores(per_member, consensus, reasons, level=level)
        if level == target_level:
            result = DemoScores(per_member, consensus, reasons, level=level)
            _findings(compiled, result)
            return result
    _findings(compiled, fallback)
    return fallback


def _findings(compiled, scores: DemoScores, count=3):
    """Strengths on the best items and improvements on the weakest, three of each."""
    ranked = sorted(((value / max(compiled.allowed[compiled.index[ref]]), ref)
                     for ref, value in scores.consensus.items()), key=lambda pair: pair)
    texts = {item.ref: item.text_th for item in compiled.items}
    for _, ref in ranked[-count:]:
        scores.strengths[ref] = STRENGTH.format(text=texts[ref])
    for _, ref in ranked[:count]:
        scores.improvements[ref] = IMPROVEMENT.format(text=texts[ref])
