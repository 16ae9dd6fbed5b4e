"""URL-walk expectations of the steering-committee report of proposed results: the
secretariat and the steering committee read the page and download the PDF and the XLSX;
assessors (with or without a conflict of interest) and coordinators get 403; anonymous
visitors go to the sign-in page. ``round_pk`` is the round of ``assigned``."""

LOGIN, OK, DENIED = "LOGIN", "OK", "DENIED"

SECRETARIAT_AND_STEERING = (LOGIN, OK, DENIED, DENIED, DENIED, OK)

EXPECTED = {
    "decisions:report.detail": SECRETARIAT_AND_STEERING,
    "decisions:report.pdf": SECRETARIAT_AND_STEERING,
    "decisions:report.xlsx": SECRETARIAT_AND_STEERING,
}
