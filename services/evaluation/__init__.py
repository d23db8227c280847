"""The trading centres' e-evaluation systems (电子评标系统; 发改法规〔2026〕195号 items 9, 16
and 17): registered as signed clients, they read an activity's committee and post its score
table; the scores are analysed for deviation and leaning, and what stands out becomes a
proposal on the expert's performance record, decided by a person. Above draws (it reads
their committees and writes performance records through them) and standing.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.evaluation.committee import Committee, CommitteeReads, Listed, Member
from services.evaluation.corrections import Corrected, Corrections
from services.evaluation.events import EventDesk
from services.evaluation.flag_stats import FlagRow, FlagStatistics
from services.evaluation.intake import EVENT_KINDS
from services.evaluation.portrait import DIMENSIONS, Dimension, Portrait, Portraits
from services.evaluation.proposals import Proposals, ProposalShown
from services.evaluation.reviews import ScoreReviews
from services.evaluation.scores import Kept, ScoreDesk
from services.evaluation.systems import EvaluationSystems, SystemInput
from services.evaluation.trust import EVALUATION_PROTOCOL, LIBRARY_CODE, Caller, SystemTrust
from services.evaluation.watch import CommitteeWatches, SystemClient

__all__ = [
    "DIMENSIONS",
    "EVALUATION_PROTOCOL",
    "EVENT_KINDS",
    "LIBRARY_CODE",
    "Caller",
    "Committee",
    "CommitteeReads",
    "CommitteeWatches",
    "Corrected",
    "Corrections",
    "Dimension",
    "EvaluationSystems",
    "EventDesk",
    "FlagRow",
    "FlagStatistics",
    "Kept",
    "Listed",
    "Member",
    "Portrait",
    "Portraits",
    "ProposalShown",
    "Proposals",
    "ScoreDesk",
    "ScoreReviews",
    "SystemClient",
    "SystemInput",
    "SystemTrust",
]
