"""The public registry of certified centres and certificate verification: no sign-in, public
fields only (``gecc.certificates.domain.public``), content cached (``gecc.public.caching``),
throttled per client address (``gecc.public.throttle``)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from gecc.certificates.domain import public
from gecc.public import caching
from gecc.public.forms import RegistrySearchForm, VerifyForm
from gecc.public.throttle import page_allowed

PAGE_SIZE = 20
PAGE_TEMPLATE = "public/page.html"


def throttled(request, wait_seconds):
    response = render(request, "public/throttled.html",
                      {"page_title": _("Too many requests"), "wait_seconds": wait_seconds},
                      status=429)
    response["Retry-After"] = str(wait_seconds)
    return response


# Stands for the visitor's CSRF token in a whole page kept in the cache.
CSRF_PLACEHOLDER = "gecc-public-csrf-placeholder-7f3a9c"


def _whole_page_key(request, key):
    """The key of the whole page for an anonymous visitor with no message waiting, else
    None (a signed-in person's page carries their name and menu)."""
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return None
    return caching.page_key("page", key, request.get_full_path(), by_question=False)


def _with_token(request, html):
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def cached_page(request, key):
    """The whole page kept under ``key`` for this visitor, or None."""
    whole = _whole_page_key(request, key)
    html = caching.get(whole) if whole else None
    return None if html is None else _with_token(request, html)


def page(request, title, key, build):
    """The public page around the content ``build()`` renders, kept in the cache under
    ``key`` (the content's key: ``caching.page_key``).

    For an anonymous visitor with no message waiting, the whole page is kept in the cache
    too (under ``key`` and the address, for the language switch's "next"), with a
    placeholder where the visitor's CSRF token goes; each request puts its own token in.
    A signed-in person gets the page rendered around the cached content. ``title`` may be
    a callable, called only when rendering."""

    def render_page(csrf_token=None):
        context = {"page_title": title() if callable(title) else title,
                   "content": caching.cached(key, build)}
        if csrf_token:
            context["csrf_token"] = csrf_token
        return render_to_string(PAGE_TEMPLATE, context, request=request)

    whole = _whole_page_key(request, key)
    if whole is None:
        return HttpResponse(render_page())
    return _with_token(request, caching.cached(whole, lambda: render_page(CSRF_PLACEHOLDER)))


class PublicView(View):
    """A public page: GET and HEAD only, throttled per client address."""

    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        allowed, wait = page_allowed(request)
        if not allowed:
            return throttled(request, wait)
        return super().dispatch(request, *args, **kwargs)


def _page_number(request) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) <= 6 and int(raw) > 0 else 1


class RegistrySearchView(PublicView):
    """Certified centres: Thai-normalised search and filters, 20 a page."""

    template_name = "public/registry/search.html"

    def get(self, request):
        choices = caching.cached(caching.page_key("choices"), public.filter_choices)
        province = request.GET.get("province", "")
        province_codes = {code for code, _name in choices["provinces"]}
        districts = caching.cached(
            caching.page_key("districts", province),
            lambda: public.district_choices(province)) if province in province_codes else []
        form = RegistrySearchForm(request.GET or None, choices=choices, districts=districts)
        values = form.cleaned()
        number = _page_number(request)
        key = caching.page_key("search", tuple(sorted(values.items())), number)
        return page(request, _("Certified centres"), key,
                    lambda: self.render_content(request, form, number))

    def render_content(self, request, form, number):
        query = form.query()
        # The matching pks in order in one query (a few thousand integers at most: every
        # certified centre of the country), then the page's rows: cheaper than a COUNT and
        # a sorted page, which would each join and filter the units again.
        paginator = Paginator(list(public.search_centres(query)), PAGE_SIZE)
        page_obj = paginator.get_page(number)
        similar = False
        if query.text and not paginator.count:
            pks = list(public.search_centres(query, similar=True)[:PAGE_SIZE])
            paginator = Paginator(pks, PAGE_SIZE)
            page_obj = paginator.page(1)
            similar = bool(pks)
        centres = public.centres_for(page_obj.object_list)
        return render_to_string(self.template_name, {
            "form": form, "centres": centres, "paginator": paginator, "page_obj": page_obj,
            "is_paginated": paginator.num_pages > 1 and not similar, "similar": similar,
            "query": query, "show_district": bool(form.fields["district"].choices[1:]),
        }, request=request)


class RegistryProvinceSummaryView(PublicView):
    """How many centres hold a valid certificate, per province and level."""

    template_name = "public/registry/provinces.html"

    def get(self, request):
        return page(request, _("Certified centres by province"), caching.page_key("provinces"),
                    lambda: render_to_string(self.template_name, self.context(),
                                             request=request))

    def context(self):
        levels, provinces, totals, total = public.province_counts()
        return {"levels": levels, "provinces": provinces, "totals": totals, "total": total,
                "rows": [(p, [p.counts.get(code, 0) for code, _n, _c in levels])
                         for p in provinces]}


class RegistryCentreView(PublicView):
    """One certified centre: its level, validity, address and map point."""

    template_name = "public/registry/centre.html"

    def get(self, request, code):
        centre = public.centre(code)
        if centre is None:
            return not_found(request, _("This service unit is not in the registry of "
                                        "certified centres."), kind="centre")
        key = caching.page_key("centre", centre.fingerprint(), by_question=False)
        return page(request, centre.name, key, lambda: render_to_string(
            self.template_name, {"centre": centre}, request=request))


def not_found(request, message, *, kind, number=""):
    form = VerifyForm(initial={"number": number}) if kind == "verify" else None
    return render(request, "public/verify/not_found.html",
                  {"page_title": _("Not found"), "message": message, "form": form,
                   "number": number, "kind": kind}, status=404)


class VerifyFormView(PublicView):
    """A box to type a certificate number; sends the visitor to its verification page."""

    template_name = "public/verify/form.html"

    def get(self, request):
        if "number" not in request.GET:
            return render(request, self.template_name,
                          {"page_title": _("Verify a certificate"), "form": VerifyForm()})
        form = VerifyForm(request.GET)
        if not form.is_valid():
            return render(request, self.template_name,
                          {"page_title": _("Verify a certificate"), "form": form})
        typed = form.cleaned_data["number"]
        number = public.normalize_number(typed)
        if number is None:
            return not_found_number(request, typed)
        return HttpResponseRedirect(reverse("public:verify", args=[number]))


def not_found_number(request, typed):
    return not_found(request, _("No certificate has the number “%(number)s”. Check the "
                                "number on the certificate (it looks like "
                                "GECC-2563-000123) and try again.") % {"number": typed},
                     kind="verify", number=typed)


class VerifyView(PublicView):
    """Whether certificate ``number`` is valid, expired, suspended or withdrawn today."""

    template_name = "public/verify/detail.html"

    def get(self, request, number):
        canonical = public.normalize_number(number)
        if canonical is None:
            return not_found_number(request, number[:public.MAX_TYPED_LENGTH])
        if canonical != number:
            return HttpResponseRedirect(reverse("public:verify", args=[canonical]))
        key = caching.page_key("verify", canonical, caching.certificate_version(canonical))
        response = cached_page(request, key)
        if response is not None:
            return response
        verification = public.verify(canonical)
        if verification is None:
            return not_found_number(request, canonical)
        return page(
            request, lambda: _("Certificate %(number)s") % {"number": canonical}, key,
            lambda: render_to_string(self.template_name, {
                "verification": verification, "centre": verification.centre,
                "certificate": verification.certificate}, request=request))
