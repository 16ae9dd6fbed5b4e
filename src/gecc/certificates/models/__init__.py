from .batch import CertificateBatch
from .certificate import Certificate, CertificateReminder, CertificateSequence

__all__ = ["Certificate", "CertificateBatch", "CertificateReminder", "CertificateSequence"]
