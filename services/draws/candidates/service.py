"""Who may be drawn, as the edges and the contexts above read it: the skips a draw recorded
and their words, and the places a relation declared since would release, held for the
administrator's decision."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.draws.candidates.kin_release import KinReleases
from services.draws.candidates.skip_reasons import SkipReasons
from services.draws.candidates.skips import Skips


@dataclass(frozen=True, kw_only=True)
class Candidates:
    kin_releases: KinReleases
    skips: Skips = field(default_factory=Skips)
    skip_reasons: SkipReasons = field(default_factory=SkipReasons)
