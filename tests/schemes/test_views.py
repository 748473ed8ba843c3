import io
import json

from openpyxl import load_workbook

from jifen.schemes.models import Scheme


def test_create_from_preset_page(world, client_for):
    client = client_for(world.users["org_admin"])
    response = client.post("/schemes/new/", {"org": world.school.pk, "year": 2025,
                                             "source": "preset", "preset": "chuxiong-2019"})
    scheme = Scheme.objects.get()
    assert response.status_code == 302 and scheme.preset == "chuxiong-2019"
    html = client.get(f"/schemes/{scheme.pk}/").content.decode()
    assert "国家级表彰" in html and "以最高一项计分，不累加" in html and "按月记分" in html


def test_derive_page_refuses_without_a_parent_and_keeps_the_form(world, client_for):
    client = client_for(world.users["secretary"])
    response = client.post("/schemes/new/", {"org": world.b1.pk, "year": 2025,
                                             "source": "derive"})
    html = response.content.decode()
    assert response.status_code == 200 and "上级组织还没有 2025 年的计分方案" in html
    assert 'value="2025"' in html


def test_item_edit_widening_shows_the_reason_and_keeps_input(reference, world, client_for):
    client = client_for(world.users["secretary"])
    client.post("/schemes/new/", {"org": world.b1.pk, "year": 2025, "source": "derive"})
    child = Scheme.objects.get(org=world.b1)
    response = client.post(f"/schemes/{child.pk}/items/A-J04/", {
        "code": "A-J04", "title": "志愿服务", "category": "bonus", "min": "1", "max": "7",
        "cap_per_period": "5", "applies_to": ["teacher", "student"]})
    html = response.content.decode()
    assert response.status_code == 200 and "不能超出" in html and 'value="7"' in html
    response = client.post(f"/schemes/{child.pk}/items/A-J04/", {
        "code": "A-J04", "title": "志愿服务", "category": "bonus", "min": "1", "max": "1.3",
        "cap_per_period": "5", "applies_to": ["teacher"]})
    assert "0.5 的整数倍" in response.content.decode()


def test_locked_scheme_page_says_why(reference, world, client_for):
    from jifen.schemes.services import lock_arithmetic
    lock_arithmetic(reference)
    client = client_for(world.users["org_admin"])
    assert "已有台账记录" in client.get(f"/schemes/{reference.pk}/").content.decode()
    response = client.post(f"/schemes/{reference.pk}/categories/bonus/",
                           {"title": "加分", "cap_per_period": "10"})
    assert "已有台账记录" in response.content.decode()


def test_json_export_import_round_trip(reference, world, client_for):
    client = client_for(world.users["org_admin"])
    exported = client.get(f"/schemes/{reference.pk}/export.json")
    assert "attachment" in exported["Content-Disposition"]
    upload = io.BytesIO(exported.content)
    upload.name = "scheme.json"
    client.post("/schemes/new/", {"org": world.far_school.pk, "year": 2025, "source": "import",
                                  "file": upload})
    # the org department of another school cannot: the form offers only its own subtree
    assert not Scheme.objects.filter(org=world.far_school).exists()
    upload = io.BytesIO(exported.content)
    upload.name = "scheme.json"
    client.post("/schemes/new/", {"org": world.school.pk, "year": 2026, "source": "import",
                                  "file": upload})
    imported = Scheme.objects.get(org=world.school, year=2026)
    assert imported.definition == json.loads(exported.content)


def test_bad_json_import_names_the_problem(world, client_for):
    from jifen import engine
    client = client_for(world.users["org_admin"])
    bad = engine.scheme_to_dict(engine.load_preset("jining-2017")) | {"period": "week"}
    upload = io.BytesIO(json.dumps(bad).encode())
    upload.name = "bad.json"
    html = client.post("/schemes/new/", {"org": world.school.pk, "year": 2025,
                                         "source": "import", "file": upload}).content.decode()
    assert "period" in html and not Scheme.objects.exists()


def test_excel_item_table_groups_by_category(reference, world, client_for):
    response = client_for(world.users["member"]).get(f"/schemes/{reference.pk}/export.xlsx")
    assert "%E8%AE%B0%E5%88%86%E6%A0%87%E5%87%86.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0].startswith("明德学院党委 2025年")
    assert any(r and r[0].startswith("加分（加分") for r in rows)
    volunteer = next(r for r in rows if "A-J04" in r)
    assert volunteer[2:5] == ["主动参与奉献社会（志愿服务等）", "1–5", "5"]


def test_member_reads_the_scheme_that_scores_them(world, client_for):
    from django.utils import timezone

    from jifen.schemes.services import create_from_preset
    reference = create_from_preset(actor=world.users["org_admin"], org=world.school,
                                   year=timezone.localdate().year, preset="jining-2017")
    client = client_for(world.users["member"])
    response = client.get("/schemes/mine/")
    assert response.status_code == 302 and response["Location"] == f"/schemes/{reference.pk}/"


def test_grades_can_be_adjusted(reference, world, client_for):
    client = client_for(world.users["org_admin"])
    data = {"excellent_candidate__title": "优秀", "excellent_candidate__threshold": "86",
            "qualified__title": "合格", "qualified__threshold": "75",
            "admonish__title": "诫勉谈话", "admonish__threshold": "60",
            "unqualified__title": "不合格"}
    client.post(f"/schemes/{reference.pk}/grades/", data)
    reference.refresh_from_db()
    assert reference.definition["grades"][0] == {"key": "excellent_candidate", "title": "优秀",
                                                 "min_total": "86"}


def test_broken_json_upload_says_where_in_chinese(world, client_for):
    upload = io.BytesIO(b'{"title": "x",\n "base": }')
    upload.name = "broken.json"
    html = client_for(world.users["org_admin"]).post("/schemes/new/", {
        "org": world.school.pk, "year": 2025, "source": "import", "file": upload,
    }).content.decode()
    assert "不是有效的 JSON：第 2 行第 10 列，此处应为一个值" in html
    assert not Scheme.objects.exists()
