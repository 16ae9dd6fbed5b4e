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
