"""Background work of the certificates app: the bulk generation of a round's PDFs
(``domain/batch.py``)."""

from celery import shared_task


@shared_task(name="gecc.certificates.generate_batch")
def generate_batch_task(batch_id):
    """Print every certificate of a queued ``CertificateBatch`` into one ZIP."""
    from gecc.certificates.domain.batch import run_batch

    return str(run_batch(batch_id))
