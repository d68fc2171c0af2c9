"""/api/organizations/: the sources of the stories."""


def test_it_lists_every_organization_by_name(api_client, make_organization):
    make_organization(name="Zeta Agency", slug="zeta")
    make_organization(name="Alpha Office", slug="alpha", website="https://alpha.by/")

    response = api_client.get("/api/organizations/")

    assert response.status_code == 200
    assert [item["slug"] for item in response.json()] == ["alpha", "zeta"]
    assert response.json()[0]["website"] == "https://alpha.by/"
    assert response.json()[0]["url"] == "http://testserver/organizations/alpha/"


def test_an_organization_is_found_by_its_slug(api_client, make_organization):
    make_organization(
        name="Executive Committee of the SCO Regional Anti-Terrorist Structure",
        short_name="SCO RATS",
        slug="sco-rats",
        native_name="Исполнительный комитет РАТС ШОС",
    )

    response = api_client.get("/api/organizations/sco-rats/")

    assert response.status_code == 200
    assert response.json()["short_name"] == "SCO RATS"
    assert response.json()["source_name"] == "Исполнительный комитет РАТС ШОС"
    assert response.json()["logo"] is None


def test_an_unknown_slug_is_a_404_in_json(api_client, make_organization):
    make_organization()

    for slug in ("no-such-org", "a.b", "%00"):
        response = api_client.get(f"/api/organizations/{slug}/")

        assert response.status_code == 404, slug
        assert response["Content-Type"] == "application/json"


def test_it_refuses_writes(api_client, organization):
    assert api_client.post("/api/organizations/", {"slug": "x"}).status_code == 405
    assert api_client.delete("/api/organizations/belta/").status_code == 405
