import html
import re
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from PIL import Image

from articles.models import Article, Organization
from contacts.models import ContactNumber, OfficeContact
from gallery.models import Photo
from masthead.models import Masthead

BELTA_SLUG = "belarus-discusses-border-security-cooperation-with-sco-countries"
RATS_SLUG = (
    "delegation-of-the-executive-committee-of-the-sco-rats-takes-part-"
    "in-the-meeting-of-heads-of-the-border-services"
)

# Seed 000, word for word: its curly quotes and the straight apostrophe that
# closes ‘forces of evil' are the page's own.
SEED_000_PARAGRAPHS = [
    "The ninth meeting of the heads of border services of the Shanghai Cooperation "
    "Organization member states took place in Almaty, Kazakhstan, representatives "
    "of the State Border Committee of Belarus told BelTA.",
    "Representatives of the Executive Committee of the SCO Regional Anti-Terrorist "
    "Structure and the Council of Commanders of Border Troops of the CIS member "
    "states also took part in the meeting. The delegation of the State Border "
    "Committee of Belarus took part in the meeting as an observer.",
    "Chairman of the State Border Committee of Belarus Konstantin Molostov remarked "
    "that Belarus views the Shanghai Cooperation Organization as an important "
    "international platform for advancing cooperation in counteracting various "
    "threats. In particular, the conversation touched upon the counteraction of "
    "terrorism, extremism, organized crime, and illegal drugs trade. He stressed "
    "that Belarus is in favor of bolstering practical cooperation of the Shanghai "
    "Cooperation Organization member states for the sake of ensuring stability in "
    "the Eurasian region.",
    "The Belarusian border service chief noted: “I am convinced that a lot of "
    "worthy ideas and proposals will be presented here today on further advancement "
    "of mutually beneficial cooperation in the sphere of ensuring the border "
    "security of our states. Only through joint efforts will we be able to "
    "counteract various ‘forces of evil' and foster the development of the "
    "multifaceted potential of the Shanghai Cooperation Organization.”",
    "Participants of the meeting exchanged information about the situation at the "
    "borders of the SCO member states, about results of the joint border operation "
    "Friendship Border 2022. Participants of the meeting also reviewed and approved "
    "a plan on preparing and carrying out the joint border operation Solidarity "
    "2023 this year.",
]

# Seed 001 has eleven paragraphs between its &nbsp; spacer lines.
SEED_001_OPENINGS = [
    "Delegation of the Executive Committee of the Regional Anti-Terrorist Structure",
    "Participants discussed the situation on the state borders",
    "In his address, the Director of the Executive Committee",
    "During his speech, Ruslan Mirzaev noted",
    "The relations of trust and mutual understanding",
    "In the SCO space, there are risks",
    "It is necessary to create a coordinated system",
    "RATS is seriously concerned about recurring border incidents",
    "Due to its location, Central Asia",
    "The escalation of the military and political situation",
    "In conclusion, Ruslan Mirzaev expressed conficence",
]


def paragraphs(body):
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", body, re.S)]


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    load_demo()


def test_it_creates_exactly_the_seeds_records(loaded):
    assert Article.objects.count() == 2
    assert Organization.objects.count() == 2
    assert OfficeContact.objects.count() == 1
    assert ContactNumber.objects.count() == 3
    assert Photo.objects.count() == 5
    assert Masthead.objects.count() == 1


def test_it_prints_a_short_summary(db):
    output = load_demo()
    assert "articles: 2 created, 0 already there" in output
    assert "photos: 5 created, 0 already there" in output
    assert "site name: 1 created, 0 already there" in output
    assert "Demo content loaded." in output


def test_it_names_the_two_sources(loaded):
    belta = Organization.objects.get(slug="belta")
    assert belta.name == "Belarusian Telegraph Agency"
    assert belta.short_name == "BelTA"
    assert belta.kind == Organization.Kind.NEWS_AGENCY
    assert belta.country == "Belarus"
    assert belta.native_name == "Белорусское телеграфное агентство"
    rats = Organization.objects.get(slug="sco-rats")
    assert rats.name == (
        "Executive Committee of the SCO Regional Anti-Terrorist Structure"
    )
    assert rats.short_name == "SCO RATS"
    assert rats.kind == Organization.Kind.INTERNATIONAL
    assert rats.source_name == "Исполнительный комитет РАТС ШОС"


def test_seed_000_becomes_a_published_belta_article_word_for_word(loaded):
    article = Article.objects.get(slug=BELTA_SLUG)
    assert article.title == (
        "Belarus discusses border security cooperation with SCO countries"
    )
    assert paragraphs(article.body) == SEED_000_PARAGRAPHS
    assert article.lead == SEED_000_PARAGRAPHS[0]
    assert article.organization.slug == "belta"
    assert article.status == Article.Status.PUBLISHED
    assert article.is_published()
    assert article.language == "en"
    assert article.dateline == "Almaty"
    assert article.byline == ""
    assert article.byline_display == "BelTA"


def test_seed_000_is_dated_6_july_2023_in_minsk(loaded):
    article = Article.objects.get(slug=BELTA_SLUG)
    local = timezone.localtime(article.published_at)
    assert str(local.tzinfo) == "Europe/Minsk"
    assert local.date() == date(2023, 7, 6)
    assert article.get_absolute_url().startswith("/news/2023/07/06/")


def test_seed_001_becomes_a_published_sco_rats_article_with_every_paragraph(loaded):
    article = Article.objects.get(slug=RATS_SLUG)
    assert article.title == (
        "Delegation of the Executive Committee of the SCO RATS takes part in the "
        "meeting of heads of the border services"
    )
    found = paragraphs(article.body)
    assert len(found) == 11
    for paragraph, opening in zip(found, SEED_001_OPENINGS, strict=True):
        assert paragraph.startswith(opening)
    assert found[5] == (
        "In the SCO space, there are risks of penetration and settling of “sleeping "
        "terrorist cells,” ready to carry out terrorist attacks at the instruction of "
        "their emissaries. The use by terrorists of border tension between the SCO "
        "member states to destabilize the situation is a predictable forecast and the "
        "main risk to stability in the Central Asian region."
    )
    assert found[-1] == (
        "In conclusion, Ruslan Mirzaev expressed conficence that the border security "
        "system created by joint efforts would become a reliable guarantee of the "
        "peaceful development of the Shanghai family region, serving as an example of "
        "a fair and effective response to emerging threats."
    )
    assert "\xa0" not in article.body
    assert "&nbsp;" not in article.body
    assert all(p == p.strip() and p for p in found)
    assert article.organization.slug == "sco-rats"
    assert article.status == Article.Status.PUBLISHED
    assert article.language == "en"
    assert article.dateline == "Almaty"


def test_seed_001_keeps_its_169_views_and_7_july_2023_in_minsk(loaded):
    article = Article.objects.get(slug=RATS_SLUG)
    assert article.view_count == 169
    assert timezone.localtime(article.published_at).date() == date(2023, 7, 7)


def test_the_office_is_primary_with_its_numbers_as_typed(loaded):
    office = OfficeContact.objects.primary()
    assert office.name == "Postavy District Executive Committee"
    assert office.slug == "postavy"
    assert (office.street_address, office.locality, office.postal_code) == (
        "25 Lenina Street",
        "Postavy",
        "211840",
    )
    assert office.country == "Belarus"
    assert [(n.kind, n.number, n.e164) for n in office.numbers.all()] == [
        ("phone", "8 (02155) 3-10-14", "+375215531014"),
        ("phone", "8 (02155) 2-66-07", "+375215526607"),
        ("fax", "(8-02155)-2-18-45", "+375215521845"),
    ]


def test_the_photos_are_honest_stand_ins_with_the_seed_captions_in_order(
    loaded, settings
):
    photos = list(Photo.objects.in_order())
    assert [p.caption for p in photos] == [
        "Embankment",
        "Tysenhaus Palace",
        "Postavy at Night",
        "Night Embankment",
        "Church",
    ]
    for photo in photos:
        assert "stand-in" in photo.alt_text.lower()
        assert photo.caption in photo.alt_text
        assert photo.credit == "Stand-in image generated by Newsroom's demo loader"
        assert (photo.width, photo.height) == (1200, 800)
        with Image.open(photo.image.path) as image:
            assert image.format == "JPEG"
            assert image.size == (1200, 800)
    uploads = [
        p
        for p in media_files(settings)
        if "renditions" not in p.parts and "gallery" in p.parts
    ]
    assert len(uploads) == 5
    for photo in photos:
        renditions = [
            (width, Path(settings.MEDIA_ROOT) / name)
            for kind in photo.renditions["files"].values()
            for width, name in kind
        ]
        # Four widths (320, 640, 960 and its own 1200), each as WebP and JPEG.
        assert sorted((width, path.suffix) for width, path in renditions) == [
            (width, suffix)
            for width in (320, 640, 960, 1200)
            for suffix in (".jpg", ".webp")
        ]
        assert all(path.is_file() for _, path in renditions)


def test_the_seed_stories_have_honest_stand_in_hero_images(loaded):
    for article in Article.objects.all():
        assert article.hero_image
        assert article.hero_renditions
        assert "stand-in" in article.hero_alt_text.lower()
        assert (
            article.hero_credit == "Stand-in image generated by Newsroom's demo loader"
        )


def test_the_demo_pages_show_the_loaded_content(loaded, client):
    contacts = client.get("/contacts/").content.decode()
    assert 'href="tel:+375215531014"' in contacts
    assert "8 (02155) 3-10-14" in contacts
    gallery = client.get("/gallery/").content.decode()
    assert gallery.count("<figure") == 5
    assert "Postavy at Night" in gallery


def test_running_it_twice_changes_nothing(db, settings):
    load_demo()
    models = (Article, Organization, OfficeContact, ContactNumber, Photo, Masthead)
    before = {m: list(m.objects.order_by("pk").values()) for m in models}
    files = media_files(settings)

    output = load_demo()

    assert {m: list(m.objects.order_by("pk").values()) for m in models} == before
    assert media_files(settings) == files
    assert "articles: 0 created, 2 already there" in output
    assert "nothing changed" in output


def test_it_keeps_what_editors_changed_since_the_first_load(db):
    load_demo()
    Article.objects.filter(slug=BELTA_SLUG).update(title="Corrected title")
    Photo.objects.filter(caption="Church").update(alt_text="The real church")
    OfficeContact.objects.filter(slug="postavy").update(email="new@example.org")
    ContactNumber.objects.filter(kind="fax").delete()
    Masthead.objects.update(name_en="Postavy Herald")

    load_demo()

    assert Article.objects.get(slug=BELTA_SLUG).title == "Corrected title"
    assert Photo.objects.get(caption="Church").alt_text == "The real church"
    assert OfficeContact.objects.get(slug="postavy").email == "new@example.org"
    assert not ContactNumber.objects.filter(kind="fax").exists()
    assert Masthead.objects.get().name_en == "Postavy Herald"


def test_it_puts_back_a_deleted_record_without_duplicating_the_rest(db):
    load_demo()
    Photo.objects.filter(caption="Church").delete()
    load_demo()
    assert Photo.objects.count() == 5
    assert Photo.objects.in_order().last().caption == "Church"


def test_it_leaves_another_primary_office_primary(make_contact):
    existing = make_contact(name="Town hall", is_primary=True)
    load_demo()
    assert OfficeContact.objects.primary() == existing
    assert not OfficeContact.objects.get(slug="postavy").is_primary


# --- Its translations (PRODUCT.md's table) ----------------------------------------

DEMO_TRANSLATIONS = {
    "ru": {
        "site": "Новости Поставского района",
        "belta": ("Белорусское телеграфное агентство", "БелТА"),
        "sco-rats": (
            "Исполнительный комитет Региональной антитеррористической структуры ШОС",
            "ИК РАТС ШОС",
        ),
        "office": (
            "Поставский районный исполнительный комитет",
            "ул. Ленина, 25",
            "Поставы",
        ),
        "captions": [
            "Набережная",
            "Дворец Тизенгауза",
            "Поставы ночью",
            "Ночная набережная",
            "Церковь",
        ],
    },
    "be": {
        "site": "Навіны Пастаўскага раёна",
        "belta": ("Беларускае тэлеграфнае агенцтва", "БелТА"),
        "sco-rats": (
            "Выканаўчы камітэт Рэгіянальнай антытэрарыстычнай структуры ШАС",
            "ВК РАТС ШАС",
        ),
        "office": ("Пастаўскі раённы выканаўчы камітэт", "вул. Леніна, 25", "Паставы"),
        "captions": [
            "Набярэжная",
            "Палац Тызенгаўза",
            "Паставы ўначы",
            "Начная набярэжная",
            "Царква",
        ],
    },
}


def demo_texts(language):
    with translation.override(language):
        office = OfficeContact.objects.get(slug="postavy")
        return {
            "site": Masthead.objects.get().name,
            **{
                slug: (organization.name, organization.short_name)
                for slug, organization in Organization.objects.in_bulk(
                    ["belta", "sco-rats"], field_name="slug"
                ).items()
            },
            "office": (office.name, office.street_address, office.locality),
            "captions": [photo.caption for photo in Photo.objects.in_order()],
        }


@pytest.mark.parametrize("language", ["ru", "be"])
def test_it_carries_the_demo_translations(loaded, language):
    assert demo_texts(language) == DEMO_TRANSLATIONS[language]


def test_the_own_language_name_and_english_texts_stay_as_they_were(loaded):
    with translation.override("be"):
        rats = Organization.objects.get(slug="sco-rats")
        assert rats.source_name == "Исполнительный комитет РАТС ШОС"
    assert demo_texts("en")["office"] == (
        "Postavy District Executive Committee",
        "25 Lenina Street",
        "Postavy",
    )


def test_running_it_on_an_older_database_fills_the_missing_translations(db):
    load_demo()
    # As a database loaded before the texts had languages: English only.
    Organization.objects.update(name_ru=None, short_name_ru=None, name_be=None)
    Masthead.objects.update(name_ru=None)
    OfficeContact.objects.update(street_address_ru=None, locality_be="")
    Photo.objects.update(caption_ru=None, caption_be=None, alt_text_ru=None)
    Organization.objects.filter(slug="belta").update(short_name_be="БЕЛТА")

    output = load_demo()

    assert demo_texts("ru") == DEMO_TRANSLATIONS["ru"]
    assert "organizations: 0 created, 2 already there (2 given" in output
    assert "Demo content loaded." in output
    # A text an editor gave stays theirs.
    with translation.override("be"):
        assert Organization.objects.get(slug="belta").short_name == "БЕЛТА"
        assert OfficeContact.objects.get().locality == "Паставы"
    assert Photo.objects.filter(alt_text_ru__contains="«Церковь»").exists()
