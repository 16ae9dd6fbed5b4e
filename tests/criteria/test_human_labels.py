"""No developer text on the criteria screens: the version comparison names fields and values
in words ("ข้อบังคับ: ใช่ → ไม่ใช่", not "mandatory True→False"), and a bad upload says where
the problem is the way a person finds it: nodes by reference in a YAML file, sheet, row and
column in a workbook. The command line keeps the machine path."""

import io
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from gecc.criteria.domain.editions import load_edition
from gecc.criteria.domain.parse import Issue, parse_edition
from gecc.criteria.interfaces.excel import read_workbook, write_workbook
from gecc.criteria.interfaces.locations import describe_issues
from gecc.criteria.models import EditionVersion
from tests.criteria.factories import small_document

pytestmark = pytest.mark.django_db
UPLOAD = "/staff/criteria/upload/"


@pytest.fixture
def changed_versions():
    old = load_edition(small_document()).version
    document = small_document(revision=2)
    item = document["categories"][0]["criteria"][0]["items"][0]  # P1.1
    item["mandatory"] = False
    item["applies_to"] = ["province", "local"]
    document["levels"][0]["rule"]["min_overall"] = 55
    document["categories"][1]["name_th"] = "ด้านคุณภาพการบริการ"
    return old, load_edition(document).version


def diff_html(client, old, new):
    return client.get("/staff/criteria/diff/", {"a": old.pk, "b": new.pk}).content.decode()


def test_version_diff_names_fields_and_values_in_thai(client, login_as, changed_versions):
    login_as("secretariat")
    html = diff_html(client, *changed_versions)
    assert ('<td>ข้อบังคับ</td><td class="diff-removed">ใช่</td>'
            '<td class="diff-added">ไม่ใช่</td>') in html
    assert ('<td>ประเภทหน่วยบริการที่ใช้ข้อนี้</td><td class="diff-removed">—</td>'
            '<td class="diff-added">province, local</td>') in html
    assert ('<tr data-testid="rule-changed"><td>พื้นฐาน</td><td class="diff-removed">'
            '<ul class="plain-list"><li>ผ่านข้อบังคับครบทุกข้อ: ใช่</li>'
            '<li>ร้อยละขั้นต่ำของคะแนนรวม: 50%</li></ul></td>') in html
    assert '<li data-testid="other-changed">หมวด Q: ชื่อภาษาไทย</li>' in html
    for developer_text in (">mandatory<", "True", "False", "{&#x27;", "applies_to"):
        assert developer_text not in html, developer_text


def test_version_diff_is_english_in_the_english_interface(client, login_as, changed_versions):
    login_as("secretariat")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = diff_html(client, *changed_versions)
    assert ('<td>mandatory</td><td class="diff-removed">yes</td>'
            '<td class="diff-added">no</td>') in html
    assert '<td>Basic</td>' in html
    assert "<li>minimum overall percentage: 55%</li>" in html
    assert '<li data-testid="other-changed">Category Q: name in Thai</li>' in html


def upload_yaml(client, document):
    data = yaml.safe_dump(document, allow_unicode=True).encode()
    return client.post(UPLOAD, {"file": SimpleUploadedFile("bad.yaml", data)})


def test_upload_yaml_error_says_where_by_references(client, login_as):
    login_as("secretariat")
    document = small_document()
    document["categories"][0]["criteria"][0]["items"][0]["met_score"] = 9  # P1.1, off scale
    response = upload_yaml(client, document)
    assert [(i.path, i.where) for i in response.context["issues"]] == [
        ("categories[0].criteria[0].items[0].met_score",
         "หมวด P › เกณฑ์ P1 › ข้อ P1.1 › คะแนนที่ถือว่าผ่าน (met_score)")]
    html = response.content.decode()
    assert ("หมวด P › เกณฑ์ P1 › ข้อ P1.1 › คะแนนที่ถือว่าผ่าน (met_score)</span>: "
            "ไม่ใช่ระดับคะแนนในมาตรวัดของข้อนี้") in html
    assert "categories[0]" not in html
    assert EditionVersion.objects.count() == 0


def test_upload_yaml_error_in_english(client, login_as):
    login_as("secretariat")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    document = small_document()
    document["levels"][1]["rule"]["min_category"] = {"Z": 60}
    response = upload_yaml(client, document)
    assert [i.where for i in response.context["issues"]] == [
        "Level advanced › minimum percentage per category (min_category) › Z"]


def edited_workbook(edit):
    workbook = load_workbook(io.BytesIO(write_workbook(parse_edition(small_document()))))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_upload_xlsx_error_names_sheet_row_and_column(client, login_as):
    login_as("secretariat")

    def edit(workbook):
        workbook["tree"]["M5"] = 0  # the weight of P1.2, on row 5
        workbook["scales"]["B3"] = -1  # the second point of scale s4
        workbook["tree"]["E2"] = "Physical"  # category P's Thai name without Thai
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(
        "bad.xlsx", edited_workbook(edit))})
    assert sorted(i.where for i in response.context["issues"]) == [
        "แผ่นงาน scales แถว 3, คอลัมน์ value",
        "แผ่นงาน tree แถว 2, คอลัมน์ text_th",
        "แผ่นงาน tree แถว 5, คอลัมน์ weight",
    ]
    html = response.content.decode()
    assert "แผ่นงาน tree แถว 5, คอลัมน์ weight</span>: ต้องมากกว่าศูนย์" in html


def test_upload_xlsx_reader_problems_are_in_thai_with_sheet_and_row(client, login_as):
    login_as("secretariat")

    def edit(workbook):
        workbook["tree"]["A4"] = "leaf"
        del workbook["levels"]
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(
        "bad.xlsx", edited_workbook(edit))})
    assert [(i.where, i.message) for i in response.context["issues"]] == [
        ("แผ่นงาน levels", "ไม่มีแผ่นงานนี้"),
        ("แผ่นงาน tree แถว 4, คอลัมน์ kind", "ต้องเป็น category, criterion หรือ item")]


def test_upload_xlsx_of_a_loaded_revision_names_the_revision_cell(client, login_as):
    login_as("secretariat")
    load_edition(small_document(name_en="Other"))
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(
        "again.xlsx", edited_workbook(lambda workbook: None))})
    assert [(i.path, i.where) for i in response.context["issues"]] == [
        ("edition.revision", "แผ่นงาน edition แถว 4, คอลัมน์ value")]


@pytest.mark.parametrize(("path", "where"), [
    ("(document)", "ทั้งแฟ้ม"),
    ("line 2, column 1", "บรรทัด 2 ตำแหน่งที่ 1"),
    ("edition.name_th", "รายละเอียดฉบับเกณฑ์ › ชื่อภาษาไทย (name_th)"),
    ("scales[1].points[0].label_th", "มาตรวัด yn › คะแนน 0 › คำอธิบายภาษาไทย (label_th)"),
    ("categories[1].criteria[0].items[1].applies_to[0]",
     "หมวด Q › เกณฑ์ Q1 › ข้อ Q1.2 › ประเภทหน่วยบริการที่ใช้ข้อนี้ (applies_to) › ลำดับที่ 1"),
    ("categories[5].ref", "หมวดลำดับที่ 6 › รหัสอ้างอิง (ref)"),
])
def test_document_locations_in_thai(path, where):
    with translation.override("th"):
        located = describe_issues([Issue(path, "x", "m")], small_document())
    assert located[0].where == where


def test_load_criteria_command_prints_the_path_and_the_place(tmp_path):
    document = small_document()
    document["categories"][0]["criteria"][0]["items"][1]["weight"] = 0
    path = Path(tmp_path) / "criteria.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    err = io.StringIO()
    with translation.override("th"), pytest.raises(CommandError):
        call_command("load_criteria", str(path), stderr=err)
    assert err.getvalue().strip() == (
        "categories[0].criteria[0].items[1].weight: ต้องมากกว่าศูนย์ "
        "[หมวด P › เกณฑ์ P1 › ข้อ P1.2 › น้ำหนัก (weight)]")


def test_read_workbook_notes_the_row_of_every_node():
    rows = {}
    read_workbook(io.BytesIO(write_workbook(parse_edition(small_document()))), rows=rows)
    assert rows["categories[0]"] == ("tree", 2)
    assert rows["categories[0].criteria[0].items[1]"] == ("tree", 5)
    assert rows["categories[1].criteria[0].items[1]"] == ("tree", 9)
    assert rows["levels[2]"] == ("levels", 4)
    assert rows["scales[1].points[1]"] == ("scales", 8)
    assert rows["edition.revision"] == ("edition", 4)
