from .photo import ItemPhoto, PhotoBlob, PhotoUpload
from .sheet import ItemScore, ItemScoreHistory, ScoreSheet
from .sync import SyncBatch, SyncChange
from .team import ConsensusScore, TeamSheet

__all__ = ["ConsensusScore", "ItemPhoto", "ItemScore", "ItemScoreHistory", "PhotoBlob",
           "PhotoUpload", "ScoreSheet", "SyncBatch", "SyncChange", "TeamSheet"]
