"""URL-walk expectations of the public registry, verification and complaint pages: every
page is public (no sign-in), the same for every role. The walk's certificate is made on
``assigned``'s application (unit A), valid on the walk's frozen day."""

OK = "OK"
PUBLIC = (OK,) * 6

EXPECTED = {
    "public:registry.search": PUBLIC,
    "public:registry.provinces": PUBLIC,
    "public:registry.centre": PUBLIC,
    "public:verify.form": PUBLIC,
    "public:verify": PUBLIC,
    "public:complaint.create": PUBLIC,
    "public:complaint.done": PUBLIC,
}


def _certificate(world):
    from tests.public.factories_public import make_certificate

    return make_certificate(world.application("assigned"))


def _centre(world, target):
    return {"code": _certificate(world).unit.code}


def _verify(world, target):
    return {"number": _certificate(world).number}


def _complaint_done(world, target):
    from gecc.public.views_complaints import thanks_token

    return {"token": thanks_token("CMP-2569-000001")}


URL_PARAMETERS = {
    "public:registry.centre": _centre,
    "public:complaint.create": _centre,
    "public:verify": _verify,
    "public:complaint.done": _complaint_done,
}
