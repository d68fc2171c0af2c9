"""What API answers tell shared caches: the surrogate keys of what they
show (caching.keys), and an ETag that a current copy is answered 304 on."""

from caching import keys


def test_a_list_names_the_lists_and_each_story_and_source_shown(
    api_client, make_article, make_organization
):
    other = make_organization()
    first = make_article()
    second = make_article(organization=other)

    for path in ("/api/articles/", "/api/ninjs/"):
        response = api_client.get(path)

        assert response.surrogate_keys == {
            keys.SITE,
            keys.ARTICLE_LISTS,
            keys.article(first.pk),
            keys.article(second.pk),
            keys.organization(first.organization_id),
            keys.organization(other.pk),
        }


def test_a_search_also_names_the_searches(api_client, make_article):
    article = make_article(title="Forum opens")

    response = api_client.get("/api/articles/?q=forum")

    assert response.surrogate_keys == {
        keys.SITE,
        keys.ARTICLE_LISTS,
        keys.ARTICLE_SEARCHES,
        keys.article(article.pk),
        keys.organization(article.organization_id),
    }


def test_an_empty_list_still_names_the_lists(api_client, db):
    assert api_client.get("/api/ninjs/").surrogate_keys == {
        keys.SITE,
        keys.ARTICLE_LISTS,
    }


def test_one_story_names_itself_and_its_source(api_client, make_article):
    article = make_article()

    for path in (f"/api/articles/{article.pk}/", f"/api/ninjs/{article.pk}/"):
        assert api_client.get(path).surrogate_keys == {
            keys.SITE,
            keys.article(article.pk),
            keys.organization(article.organization_id),
        }


def test_organizations_name_the_list_and_each_source(api_client, organization):
    assert api_client.get("/api/organizations/").surrogate_keys == {
        keys.SITE,
        keys.ORGANIZATIONS,
        keys.organization(organization.pk),
    }
    assert api_client.get("/api/organizations/belta/").surrogate_keys == {
        keys.SITE,
        keys.organization(organization.pk),
    }


def test_errors_name_nothing_to_keep(api_client, make_article):
    make_article()

    assert not hasattr(api_client.get("/api/articles/?language=de"), "surrogate_keys")
    assert not hasattr(api_client.get("/api/articles/0/"), "surrogate_keys")


def test_a_current_copy_is_answered_304(api_client, make_article):
    article = make_article()

    for path in ("/api/articles/", f"/api/ninjs/{article.pk}/", "/api/organizations/"):
        etag = api_client.get(path)["ETag"]
        again = api_client.get(path, HTTP_IF_NONE_MATCH=etag)

        assert etag
        assert again.status_code == 304, path
        assert again.content == b""


def test_a_changed_story_gets_a_new_etag(api_client, make_article):
    article = make_article()
    etag = api_client.get(f"/api/ninjs/{article.pk}/")["ETag"]

    article.title = "A corrected title"
    article.save()
    response = api_client.get(f"/api/ninjs/{article.pk}/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response.json()["headlines"][0]["value"] == "A corrected title"
