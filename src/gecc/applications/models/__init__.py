from .answer import Answer
from .application import Application
from .review_comment import ReviewComment

__all__ = ["Answer", "Application", "ReviewComment"]
