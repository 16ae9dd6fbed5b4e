"""URL-walk expectations of the field app's pages (``scoring/urls_field_app.py``): the shell
and the visit pack for sub-committee members only (a member with a conflict of interest still
opens them: the pack then leaves the application out); the service worker and the manifest,
which hold nothing private, for anyone."""

OK, LOGIN, DENIED = "OK", "LOGIN", "DENIED"

#           anonymous secretariat assessor conflicted coordinator steering
MEMBERS = (LOGIN, DENIED, OK, OK, DENIED, DENIED)
PUBLIC = (OK,) * 6

EXPECTED = {
    "field:app": MEMBERS,
    "field:sw": PUBLIC,
    "field:manifest": PUBLIC,
    "field:api.pack": MEMBERS,
}
