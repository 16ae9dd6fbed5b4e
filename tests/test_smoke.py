import pytest


@pytest.mark.django_db
def test_public_home_is_thai_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="th"' in response.content.decode()


def test_api_status(client):
    assert client.get("/api/status/").json() == {"status": "ok", "service": "gecc-certify"}


@pytest.mark.parametrize(
    ("role", "url"),
    [("assessor", "/staff/assessment/"), ("steering", "/staff/steering/"),
     ("coordinator", "/portal/")],
)
def test_home_redirect_sends_each_role_to_its_home(client, make_user, role, url):
    client.force_login(make_user(role))
    response = client.get("/home/")
    assert response.status_code == 302
    assert response.url == url


@pytest.mark.django_db
def test_interface_stays_thai_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="th"' in response.content.decode()
    assert response["Content-Language"] == "th"


@pytest.mark.django_db
def test_language_switch_to_english_sticks(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Sign in" in page
