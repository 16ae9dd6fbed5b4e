import csv
import io

import openpyxl

from gecc.registry.interfaces.formats import ORGANIZATION_COLUMNS, UNIT_COLUMNS

GOOD_UNIT = {
    "unit_code": "LPN-BAAC-01", "name_th": "ธ.ก.ส. สาขาบ้านโฮ่ง",
    "name_en": "BAAC Ban Hong branch", "organization_code": "BAAC", "unit_type": "branch",
    "subdistrict_code": "510301", "postcode": "51130", "latitude": "18.330860",
    "longitude": "98.819250", "phone": "053 980 123", "email": "banhong@baac.example.th",
}


def unit_row(**changes):
    return {**GOOD_UNIT, **changes}


def xlsx_bytes(rows, columns=UNIT_COLUMNS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows, columns=UNIT_COLUMNS):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue()


def org_csv(rows):
    return csv_text(rows, ORGANIZATION_COLUMNS).encode("utf-8")
