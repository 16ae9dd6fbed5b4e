"""URL-walk expectations of calibration: the secretariat only (members and the steering
committee get 403: the page names individual assessors)."""

SECRETARIAT = ("LOGIN", "OK", "DENIED", "DENIED", "DENIED", "DENIED")

EXPECTED = {
    "scoring:calibration.round": SECRETARIAT,
    "scoring:calibration.export": SECRETARIAT,
}
