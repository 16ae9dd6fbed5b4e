from .answer import Answer
from .application import Application
from .review_comment import ReviewComment
from .submission import Submission

__all__ = ["Answer", "Application", "ReviewComment", "Submission"]
