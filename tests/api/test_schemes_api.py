from jifen import engine
from jifen.schemes.models import Scheme


def test_create_derive_import_and_read(world, api_client):
    admin = api_client(world.users["org_admin"])
    status, ref = admin("post", "/schemes", {"org_id": world.school.pk, "year": 2025,
                                             "preset": "jining-2017"})
    assert status == 201 and ref["scheme"]["base"] == "80"

    secretary = api_client(world.users["secretary"])
    status, child = secretary("post", "/schemes", {"org_id": world.b1.pk, "year": 2025,
                                                   "parent_id": ref["id"]})
    assert (status, child["parent_id"]) == (201, ref["id"])

    status, body = secretary("get", f"/schemes/{child['id']}")
    assert status == 200 and engine.scheme_from_dict(body["scheme"]).base == 80

    status, body = admin("post", "/schemes", {"org_id": world.b3.pk, "year": 2025,
                                              "scheme": ref["scheme"]})
    assert status == 201 and body["parent_id"] == ref["id"]


def test_exactly_one_source_and_conflicts(world, api_client):
    admin = api_client(world.users["org_admin"])
    status, body = admin("post", "/schemes", {"org_id": world.school.pk, "year": 2025})
    assert status == 400 and body["errors"][0]["field"] == "preset"
    admin("post", "/schemes", {"org_id": world.school.pk, "year": 2025, "preset": "jining-2017"})
    status, body = admin("post", "/schemes", {"org_id": world.school.pk, "year": 2025,
                                              "preset": "jining-2017"})
    assert status == 409


def test_wrong_parent_is_refused_and_nothing_is_written(world, api_client):
    admin = api_client(world.users["org_admin"])
    _, ref = admin("post", "/schemes", {"org_id": world.school.pk, "year": 2025,
                                        "preset": "jining-2017"})
    _, other_year = admin("post", "/schemes", {"org_id": world.school.pk, "year": 2026,
                                               "preset": "jining-2017"})
    status, body = api_client(world.users["secretary"])(
        "post", "/schemes", {"org_id": world.b1.pk, "year": 2025, "parent_id": other_year["id"]})
    assert status == 400 and not Scheme.objects.filter(org=world.b1).exists()


def test_bad_scheme_lists_every_problem(world, api_client):
    bad = engine.scheme_to_dict(engine.load_preset("jining-2017"))
    bad["items"][0]["min"] = "3"
    bad["base"] = "-1"
    status, body = api_client(world.users["org_admin"])(
        "post", "/schemes", {"org_id": world.school.pk, "year": 2025, "scheme": bad})
    assert status == 400 and len(body["errors"]) >= 2
    assert all(e["field"] == "definition" for e in body["errors"])


def test_schemes_list_is_scoped(world, api_client):
    api_client(world.users["outsider"])("post", "/schemes", {
        "org_id": world.far.pk, "year": 2025, "preset": "chuxiong-2019"})
    api_client(world.users["org_admin"])("post", "/schemes", {
        "org_id": world.school.pk, "year": 2025, "preset": "jining-2017"})
    status, body = api_client(world.users["member"])("get", "/schemes")
    assert status == 200 and [s["org_id"] for s in body["items"]] == [world.school.pk]
