"""Revisions (django-simple-history): every save of an article, organization,
photo or office record is kept with who and when; an editor sees what each
save changed and can restore an old version, which is saved like any edit."""

import pytest
from django.urls import reverse

from articles.models import Article, Organization
from contacts.models import ContactNumber, OfficeContact
from gallery.models import Photo
from tests.articles.test_admin import article_data, change_url
from tests.contacts.test_admin import office_data


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def revision_url(obj, record):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, record.history_id],
    )


# --- Who and when -----------------------------------------------------------------


def test_each_admin_save_of_an_article_is_a_revision_by_its_editor(
    editor_client, editor, make_article
):
    article = make_article(title="Council meets")

    editor_client.post(
        change_url(article),
        article_data(article.organization, article, title="The Council meets"),
    )

    newest, first = article.history.all()[:2]
    assert (first.title, first.history_type, first.history_user) == (
        "Council meets",
        "+",
        None,
    )
    assert (newest.title, newest.history_type, newest.history_user) == (
        "The Council meets",
        "~",
        editor,
    )
    assert newest.history_date > first.history_date


def test_organizations_and_photos_keep_revisions_by_their_editor(
    editor_client, editor, organization, make_photo
):
    photo = make_photo(caption="Church")

    editor_client.post(
        reverse("admin:articles_organization_change", args=[organization.pk]),
        {
            "name_en": organization.name,
            "short_name_en": "BelTA",
            "slug": organization.slug,
            "kind": organization.kind,
            "native_name": "Белорусское телеграфное агентство",
        },
    )
    editor_client.post(
        reverse("admin:gallery_photo_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": photo.pk,
            "form-0-order": "9",
            "_save": "Save",
        },
    )

    organization_revision = Organization.history.latest("history_date")
    assert organization_revision.native_name == "Белорусское телеграфное агентство"
    assert organization_revision.history_user == editor
    photo_revision = Photo.history.latest("history_date")
    assert (photo_revision.order, photo_revision.history_user) == (9, editor)


def test_office_records_and_their_numbers_keep_revisions_by_the_staff(
    client, contact_staff, make_contact
):
    office = make_contact(numbers=[("phone", "8 (02155) 3-10-14")])
    number = office.numbers.get()
    client.force_login(contact_staff)

    response = client.post(
        reverse("admin:contacts_officecontact_change", args=[office.pk]),
        office_data(
            office,
            [
                (number.pk, "phone", "", "8 (02155) 3-10-15"),
                (None, "fax", "", "8 (02155) 3-10-16"),
            ],
            opening_hours_en="Mon–Fri 8:00–17:00",
        ),
    )

    assert response.status_code == 302
    office_revision = OfficeContact.history.latest("history_date")
    assert office_revision.opening_hours == "Mon–Fri 8:00–17:00"
    assert office_revision.history_user == contact_staff
    changed = ContactNumber.history.filter(history_user=contact_staff)
    assert sorted((r.history_type, r.number) for r in changed) == [
        ("+", "8 (02155) 3-10-16"),
        ("~", "8 (02155) 3-10-15"),
    ]

    page = client.get(history_url(office)).content.decode()
    assert "Mon–Fri 8:00–17:00" in page
    assert "Fax: 8 (02155) 3-10-16" in page
    assert "Phone: 8 (02155) 3-10-15" in page


# --- What changed -----------------------------------------------------------------


def test_the_history_page_lists_each_version_and_what_it_changed(
    editor_client, make_article
):
    article = make_article(title="Council meets", lead="Old lead.")
    editor_client.post(
        change_url(article),
        article_data(article.organization, article, lead="New lead."),
    )

    response = editor_client.get(history_url(article))

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 versions" in html
    assert "<strong>Lead:</strong> Old lead. &rarr; New lead.</li>" in html
    assert "First version" in html
    assert "<td>editor</td>" in html
    # The view counter and the version number are bookkeeping, not changes.
    assert "<strong>Version:" not in html and "<strong>Views:" not in html


def test_the_history_page_has_no_inline_style(editor_client, make_article):
    article = make_article()

    html = editor_client.get(history_url(article)).content.decode()

    assert "style=" not in html


# --- Restoring --------------------------------------------------------------------


def restore_form(client, article, record):
    """The revision page's form as the browser posts it."""
    response = client.get(revision_url(article, record))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = article_data(
        article.organization,
        None,
        **{
            name: form.initial.get(name, "") or ""
            for name in ("title", "slug", "lead", "body", "dateline", "byline")
        },
        opened_version=form["opened_version"].value(),
    )
    return data


def test_an_editor_restores_an_old_version(editor_client, editor, make_article):
    article = make_article(title="Council meets", lead="The right lead.", view_count=40)
    first = article.history.get()
    editor_client.post(
        change_url(article),
        article_data(article.organization, article, lead="A wrong lead."),
    )
    Article.objects.filter(pk=article.pk).update(view_count=45)

    form = restore_form(editor_client, article, first)
    response = editor_client.post(revision_url(article, first), form)

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.lead, article.version, article.view_count) == (
        "The right lead.",
        3,
        45,
    )
    assert article.updated_by == editor
    assert article.history.latest("history_date").lead == "The right lead."


def test_the_revision_page_shows_the_old_text_in_the_editor(
    editor_client, make_article
):
    article = make_article(lead="The right lead.")
    first = article.history.get()
    article.lead = "A wrong lead."
    article.save()

    response = editor_client.get(revision_url(article, first))

    html = response.content.decode()
    assert "The right lead." in html
    assert "data-django-prose-editor-newsroom" in html
    assert "'nonce-" in response["Content-Security-Policy"]


def test_a_restored_version_is_sanitised_again(editor_client, make_article):
    article = make_article(body="<p>Safe.</p>")
    first = article.history.get()
    # A revision row written around the model (say, a hand-edited import).
    Article.history.filter(history_id=first.history_id).update(
        body='<p>Old.</p><script>alert(1)</script><img src=x onerror="alert(2)">'
    )

    form = restore_form(editor_client, article, Article.history.get())
    response = editor_client.post(revision_url(article, first), form)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == '<p>Old.</p><img src="x">'


def test_restoring_over_a_newer_save_is_refused(client, editor, make_article):
    article = make_article(lead="The right lead.")
    first = article.history.get()
    client.force_login(editor)
    form = restore_form(client, article, first)
    # Someone saves while the revision page is open.
    article.lead = "Someone else's lead."
    article.save()

    response = client.post(revision_url(article, first), form)

    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    article.refresh_from_db()
    assert article.lead == "Someone else's lead."


def test_contact_staff_see_no_article_history(client, contact_staff, make_article):
    article = make_article()
    client.force_login(contact_staff)

    assert client.get(history_url(article)).status_code == 403


def test_a_save_that_leaves_the_publication_time_alone_records_no_change_of_it(
    editor_client, make_article, now
):
    # Stored to the microsecond, shown and sent back to the second.
    article = make_article(published_at=now.replace(microsecond=123456))
    editor_client.post(
        change_url(article),
        article_data(article.organization, article, lead="New lead."),
    )

    html = editor_client.get(history_url(article)).content.decode()

    assert "<strong>Lead:</strong>" in html
    assert "Publication time" not in html
    article.refresh_from_db()
    assert article.published_at.microsecond == 123456


def test_the_history_page_shows_times_in_minsk(editor_client, make_article):
    from datetime import UTC, datetime

    article = make_article(published_at=datetime(2023, 7, 7, 7, 0, tzinfo=UTC))
    editor_client.post(
        change_url(article),
        article_data(
            article.organization,
            article,
            published_at_0="2023-07-07",
            published_at_1="12:30:00",
        ),
    )

    html = editor_client.get(history_url(article)).content.decode()

    # 07:00 UTC is 10:00 in Minsk; the editor typed 12:30 Minsk time.
    assert "<strong>Publication time:</strong> July 7, 2023, 10 a.m. &rarr; " in html
    assert "July 7, 2023, 12:30 p.m.</li>" in html
