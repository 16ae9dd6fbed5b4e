"""Who may open which account page: anonymous visitors are sent to sign in."""

import pytest

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = ("/accounts/security/", "/accounts/password/change/", "/accounts/otp/enrol/")
PUBLIC_PAGES = ("/accounts/login/", "/accounts/password/reset/", "/accounts/password/reset/done/",
                "/accounts/password/reset/complete/")
ROLES = ("secretariat", "assessor", "coordinator", "steering")


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_signed_in_page_sends_anonymous_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_account_page_opens_for_anonymous(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/accounts/security/", "/accounts/password/change/"])
def test_signed_in_page_opens_for_every_role(client, login_as, role, url):
    login_as(role)
    assert client.get(url).status_code == 200
