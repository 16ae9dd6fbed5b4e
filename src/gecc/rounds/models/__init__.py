from .round import Round

__all__ = ["Round"]
