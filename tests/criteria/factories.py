"""A small, valid criteria document to build tests from (copy, then break one thing)."""

import copy

SMALL = {
    "edition": {"standard": "GECC", "label": "2599", "revision": 1, "locale": "th",
                "name_th": "เกณฑ์ทดสอบ", "name_en": "Test criteria", "status": "example"},
    "unit_types": [{"code": "province", "name_th": "ส่วนภูมิภาค", "name_en": "Provincial"},
                   {"code": "local", "name_th": "ส่วนท้องถิ่น", "name_en": "Local"}],
    "scales": [
        {"code": "s4", "points": [
            {"value": 0, "label_th": "ไม่มี", "label_en": "None"},
            {"value": 1, "label_th": "น้อย", "label_en": "Little"},
            {"value": 2, "label_th": "พอใช้", "label_en": "Fair"},
            {"value": 3, "label_th": "ดี", "label_en": "Good"},
            {"value": 4, "label_th": "ดีมาก", "label_en": "Very good"}]},
        {"code": "yn", "points": [
            {"value": 0, "label_th": "ไม่มี", "label_en": "No"},
            {"value": 1, "label_th": "มี", "label_en": "Yes"}]},
    ],
    "default_scale": "s4",
    "levels": [
        {"code": "basic", "name_th": "พื้นฐาน", "name_en": "Basic", "colour": "blue",
         "rule": {"all_mandatory": True, "min_overall": 50}},
        {"code": "advanced", "name_th": "ก้าวหน้า", "name_en": "Advanced", "colour": "silver",
         "rule": {"all_mandatory": True, "min_overall": 70, "min_category": {"P": 60}}},
        {"code": "excellence", "name_th": "เป็นเลิศ", "name_en": "Excellence",
         "colour": "gold",
         "rule": {"all_mandatory": True, "min_overall": 85, "min_category": {"P": 60},
                  "min_criterion": {"Q1": 80}}},
    ],
    "categories": [
        {"ref": "P", "kind": "physical", "name_th": "ด้านกายภาพ", "name_en": "Physical",
         "criteria": [
             {"ref": "P1", "name_th": "อาคารสถานที่", "name_en": "Premises", "items": [
                 {"ref": "P1.1", "text_th": "มีที่จอดรถเพียงพอ", "text_en": "Enough parking",
                  "guidance_th": "นับจำนวนช่องจอด", "evidence_th": "ภาพถ่ายลานจอดรถ",
                  "mandatory": True, "met_score": 2, "weight": 2},
                 {"ref": "P1.2", "text_th": "มีป้ายบอกทาง", "text_en": "Signage",
                  "weight": 1, "scale": "yn", "na_allowed": True},
             ]},
         ]},
        {"ref": "Q", "kind": "quality", "name_th": "ด้านคุณภาพ", "name_en": "Quality",
         "criteria": [
             {"ref": "Q1", "name_th": "การรับเรื่องร้องเรียน", "name_en": "Complaints",
              "items": [
                  {"ref": "Q1.1", "text_th": "มีช่องทางรับเรื่องร้องเรียน",
                   "text_en": "Complaint channels", "weight": 1},
                  {"ref": "Q1.2", "text_th": "ติดตามผลการร้องเรียน",
                   "text_en": "Complaint follow-up", "weight": 1, "na_allowed": True,
                   "applies_to": ["local"]},
              ]},
         ]},
    ],
}


def small_document(**edition_fields):
    document = copy.deepcopy(SMALL)
    document["edition"].update(edition_fields)
    return document
