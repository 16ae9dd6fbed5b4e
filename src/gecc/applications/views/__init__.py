from .review_detail import (
    ApplicationAcceptView,
    ApplicationRejectView,
    ApplicationReturnView,
    ApplicationReviewDetailView,
    ApplicationScreeningView,
    ReviewCommentCreateView,
    ReviewCommentResolveView,
)
from .review_list import (
    ApplicationBulkAcceptView,
    ApplicationReviewExportView,
    ApplicationReviewListView,
)

__all__ = [
    "ApplicationAcceptView", "ApplicationBulkAcceptView", "ApplicationRejectView",
    "ApplicationReturnView", "ApplicationReviewDetailView", "ApplicationReviewExportView",
    "ApplicationReviewListView", "ApplicationScreeningView", "ReviewCommentCreateView",
    "ReviewCommentResolveView",
]
