import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from gecc.criteria.domain.editions import load_edition
from gecc.criteria.models import EditionVersion
from tests.criteria.factories import small_document

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "secretariat", "assessor", "coordinator", "steering")
OK, DENIED, LOGIN = 200, 403, 302


@pytest.fixture
def version():
    return load_edition(small_document()).version


@pytest.fixture
def two_versions(version):
    document = small_document(revision=2)
    items = document["categories"][0]["criteria"][0]["items"]
    items[1]["weight"] = 3
    items.append({"ref": "P1.3", "text_th": "มีห้องน้ำสะอาด", "weight": 1})
    del document["categories"][1]["criteria"][0]["items"][1]
    document["levels"][0]["rule"]["min_overall"] = 55
    return version, load_edition(document).version


def _urls(version):
    return {
        "/staff/criteria/": (LOGIN, OK, OK, DENIED, OK),
        f"/staff/criteria/{version.pk}/": (LOGIN, OK, OK, DENIED, OK),
        f"/staff/criteria/{version.pk}/export.xlsx": (LOGIN, OK, OK, DENIED, OK),
        f"/staff/criteria/diff/?a={version.pk}&b={version.pk}": (LOGIN, OK, OK, DENIED, OK),
        "/staff/criteria/upload/": (LOGIN, OK, DENIED, DENIED, DENIED),
    }


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_criteria_pages_permission(client, login_as, version, role_index):
    role = ROLES[role_index]
    if role != "anonymous":
        login_as(role)
    for url, expected in _urls(version).items():
        assert (url, client.get(url).status_code) == (url, expected[role_index])


def test_version_list_shows_example_badge(client, login_as, version):
    login_as("assessor")
    html = client.get("/staff/criteria/").content.decode()
    assert 'data-testid="example-badge"' in html
    assert "ตัวอย่าง / example" in html


def test_version_list_query_count_is_constant(client, login_as, django_assert_max_num_queries,
                                              version):
    login_as("assessor")
    client.get("/staff/criteria/")
    for revision in (2, 3):
        load_edition(small_document(revision=revision))
    with django_assert_max_num_queries(8):
        response = client.get("/staff/criteria/")
    assert len(response.context["versions"]) == 3


@pytest.mark.parametrize(("query", "refs"), [
    ("ป้ายบอกทาง", ["P1.2"]),
    ("ปายบอกทาง", ["P1.2"]),  # tone marks are ignored (ป้าย vs ปาย)
    ("COMPLAINT", ["Q1.1", "Q1.2"]),
    ("q1.2", ["Q1.2"]),
    ("นับจำนวนช่องจอด", ["P1.1"]),  # guidance is searched too
    ("nothing-like-this", []),
])
def test_version_detail_search(client, login_as, version, query, refs):
    login_as("steering")
    response = client.get(f"/staff/criteria/{version.pk}/", {"q": query})
    found = [item.ref for category in response.context["tree"]
             for criterion in category["criteria"] for item in criterion["items"]]
    assert found == refs
    assert response.context["match_count"] == len(refs)


def test_version_detail_shows_guidance(client, login_as, version):
    login_as("assessor")
    html = client.get(f"/staff/criteria/{version.pk}/").content.decode()
    assert "นับจำนวนช่องจอด" in html
    assert "ภาพถ่ายลานจอดรถ" in html


def test_version_diff_lists_added_removed_changed_and_rules(client, login_as, two_versions):
    old, new = two_versions
    login_as("secretariat")
    response = client.get("/staff/criteria/diff/", {"a": old.pk, "b": new.pk})
    diff = response.context["diff"]
    assert [i["ref"] for i in diff.added] == ["P1.3"]
    assert [i["ref"] for i in diff.removed] == ["Q1.2"]
    assert diff.changed == [("P1.2", [("weight", 1, 3)])]
    assert diff.rules_changed == [("basic", {"all_mandatory": True, "min_overall": 50},
                                   {"all_mandatory": True, "min_overall": 55})]
    html = response.content.decode()
    assert html.count('data-testid="added"') == 1
    assert html.count('data-testid="rule-changed"') == 1
    assert html.count('data-testid="example-badge"') == 2  # both versions are examples


def test_upload_valid_file_loads_version(client, login_as):
    login_as("secretariat")
    upload = SimpleUploadedFile("small.yaml", yaml.safe_dump(small_document(),
                                allow_unicode=True).encode())
    response = client.post("/staff/criteria/upload/", {"file": upload})
    version = EditionVersion.objects.get()
    assert response.status_code == 302
    assert response.url == f"/staff/criteria/{version.pk}/"
    assert version.loaded_by is not None


def test_upload_invalid_file_shows_paths(client, login_as):
    login_as("secretariat")
    document = small_document()
    document["categories"][0]["criteria"][0]["items"][1]["weight"] = -1
    upload = SimpleUploadedFile("bad.yaml", yaml.safe_dump(document, allow_unicode=True).encode())
    response = client.post("/staff/criteria/upload/", {"file": upload})
    assert response.status_code == 200
    assert [(i.path, i.code) for i in response.context["issues"]] == [
        ("categories[0].criteria[0].items[1].weight", "not_positive")]
    # The place in words, not the machine path (tests/criteria/test_human_labels.py)
    assert "หมวด P › เกณฑ์ P1 › ข้อ P1.2 › น้ำหนัก (weight)" in response.content.decode()
    assert EditionVersion.objects.count() == 0


def test_upload_changed_content_same_revision_shows_reason(client, login_as, version):
    login_as("secretariat")
    upload = SimpleUploadedFile("again.yaml", yaml.safe_dump(
        small_document(name_en="Other"), allow_unicode=True).encode())
    response = client.post("/staff/criteria/upload/", {"file": upload})
    assert [(i.path, i.code) for i in response.context["issues"]] == [
        ("edition.revision", "revision_changed")]


def test_upload_xlsx_and_export_round_trip(client, login_as, version):
    login_as("secretariat")
    data = client.get(f"/staff/criteria/{version.pk}/export.xlsx").content
    assert data[:2] == b"PK"
    upload = SimpleUploadedFile("small.xlsx", data)
    response = client.post("/staff/criteria/upload/", {"file": upload})
    assert response.status_code == 302  # same revision, same content: nothing changed
    assert response.url == f"/staff/criteria/{version.pk}/"
    assert EditionVersion.objects.count() == 1


def test_upload_rejects_other_file_types(client, login_as):
    login_as("secretariat")
    with translation.override("en"):
        response = client.post("/staff/criteria/upload/",
                               {"file": SimpleUploadedFile("a.txt", b"x")},
                               HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert EditionVersion.objects.count() == 0
