from .appeal import Appeal, AppealAttachment
from .complaint import Complaint
from .decision import Decision
from .meeting import Meeting

__all__ = ["Appeal", "AppealAttachment", "Complaint", "Decision", "Meeting"]
