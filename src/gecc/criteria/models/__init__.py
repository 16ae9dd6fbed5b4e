from .edition import Edition
from .edition_version import EditionLockedError, EditionVersion
from .node import Node

__all__ = ["Edition", "EditionLockedError", "EditionVersion", "Node"]
