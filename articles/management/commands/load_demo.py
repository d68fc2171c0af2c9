import io
from html import escape

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from articles import demo_content
from articles.models import Article, Organization
from articles.services import articles_link_as_same_event
from contacts.models import ContactNumber, OfficeContact
from gallery.models import Photo
from gallery.services import renditions_make
from masthead.models import Masthead

STAND_IN_SIZE = (1200, 800)


def stand_in_jpeg(caption, colours):
    """Return JPEG bytes of a calm vertical gradient with the caption and the
    words "Stand-in image" on it: honest about not being the real photo."""
    top, bottom = colours
    mask = Image.linear_gradient("L").resize(STAND_IN_SIZE)
    image = Image.composite(
        Image.new("RGB", STAND_IN_SIZE, bottom),
        Image.new("RGB", STAND_IN_SIZE, top),
        mask,
    )
    draw = ImageDraw.Draw(image)
    centre = (STAND_IN_SIZE[0] // 2, STAND_IN_SIZE[1] // 2)
    draw.text(
        centre,
        caption,
        font=ImageFont.load_default(size=84),
        fill="white",
        anchor="mm",
        stroke_width=3,
        stroke_fill=(0, 0, 0),
    )
    draw.text(
        (centre[0], centre[1] + 110),
        "Stand-in image",
        font=ImageFont.load_default(size=40),
        fill="white",
        anchor="mm",
        stroke_width=2,
        stroke_fill=(0, 0, 0),
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def stand_in_alt_text(caption):
    return (
        f"Stand-in image for the photo “{caption}”: a plain colour gradient "
        "with the caption written on it."
    )


def paragraphs_html(paragraphs):
    return "\n".join(f"<p>{escape(text, quote=False)}</p>" for text in paragraphs)


def translated_fields(texts):
    """{"name": {"en": "…", "ru": "…"}} as model fields: {"name_en": "…", …}."""
    return {
        f"{field}_{language}": text
        for field, by_language in texts.items()
        for language, text in by_language.items()
    }


def fill_translations(record, texts):
    """Give `record` the demo's text in each language it has none in (a
    database loaded before the texts had languages); an editor's text is
    never replaced. Return 1 if anything was filled, else 0."""
    missing = {
        name: text
        for name, text in translated_fields(texts).items()
        if not getattr(record, name)
    }
    if not missing:
        return 0
    for name, text in missing.items():
        setattr(record, name, text)
    record.save(update_fields=list(missing))
    return 1


class Command(BaseCommand):
    help = (
        "Load the demo content read from the seeds: the site's name, two "
        "articles, their two organizations, the Postavy office record and five "
        "gallery photos. "
        "Safe to run again: records that already exist are left as they are, "
        "except that texts missing in a language are filled in."
    )

    def handle(self, *args, **options):
        # Existing rows keep what they have: an editor may have corrected them
        # since the first load, and their changes win. Only a text with no
        # value in some language gets the demo's.
        self.stored_images = []
        with transaction.atomic():
            counts = {
                "site name": self.load_site_name(),
                "organizations": self.load_organizations(),
                "articles": (*self.load_articles(), 0),
                "office records": self.load_office(),
                "photos": self.load_photos(),
            }
        self.make_renditions()
        for label, (created, kept, filled) in counts.items():
            line = f"{label}: {created} created, {kept} already there"
            if filled:
                line += f" ({filled} given their missing translations)"
            self.stdout.write(line)
        total = sum(created + filled for created, _, filled in counts.values())
        if total:
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        else:
            self.stdout.write("Demo content was already loaded; nothing changed.")

    def load_site_name(self):
        texts = {"name": demo_content.SITE_NAME}
        masthead = Masthead.objects.current()
        if masthead is not None:
            return 0, 1, fill_translations(masthead, texts)
        Masthead.objects.create(**translated_fields(texts))
        return 1, 0, 0

    def load_organizations(self):
        created = filled = 0
        for data in demo_content.ORGANIZATIONS:
            fields = dict(data)
            texts = {
                field: fields.pop(field) for field in ("name", "short_name", "country")
            }
            organization = Organization.objects.filter(slug=fields["slug"]).first()
            if organization is None:
                Organization.objects.create(**fields, **translated_fields(texts))
                created += 1
            else:
                filled += fill_translations(organization, texts)
        return created, len(demo_content.ORGANIZATIONS) - created, filled

    def load_articles(self):
        created = 0
        for data in demo_content.ARTICLES:
            if Article.objects.filter(slug=data["slug"]).exists():
                continue
            article = Article(
                slug=data["slug"],
                title=data["title"],
                lead=data["lead"],
                body=paragraphs_html(data["paragraphs"]),
                status=Article.Status.PUBLISHED,
                published_at=data["published_at"],
                language=data["language"],
                dateline=data["dateline"],
                byline=data["byline"],
                organization=Organization.objects.get(slug=data["organization"]),
                view_count=data["view_count"],
                hero_caption=data["hero"]["caption"],
                # The story is English, as its credit.
                hero_credit=demo_content.PHOTO_CREDIT["en"],
                hero_alt_text=stand_in_alt_text(data["hero"]["caption"]),
            )
            article.hero_image.save(
                f"{slugify(data['hero']['caption'])}-stand-in.jpg",
                ContentFile(
                    stand_in_jpeg(data["hero"]["caption"], data["hero"]["colours"])
                ),
                save=False,
            )
            article.save()
            self.stored_images.append((article, "hero_image"))
            created += 1
        if created:
            self.link_same_event()
        return created, len(demo_content.ARTICLES) - created

    def link_same_event(self):
        # The two seeds are one event told by two sources. Linked only when a
        # seed story is (re)created, so an editor's unlinking is left alone.
        stories = Article.objects.filter(
            slug__in=[data["slug"] for data in demo_content.ARTICLES]
        )
        if len(stories) > 1:
            articles_link_as_same_event(articles=stories)

    def load_office(self):
        fields = dict(demo_content.OFFICE)
        numbers = fields.pop("numbers")
        texts = {
            field: fields.pop(field)
            for field in ("name", "street_address", "locality", "country")
        }
        office = OfficeContact.objects.filter(slug=fields["slug"]).first()
        if office is not None:
            return 0, 1, fill_translations(office, texts)
        # Only one office may be primary; one chosen by staff keeps its place.
        fields["is_primary"] = not OfficeContact.objects.filter(
            is_primary=True
        ).exists()
        office = OfficeContact.objects.create(**fields, **translated_fields(texts))
        for order, (kind, number) in enumerate(numbers):
            ContactNumber.objects.create(
                contact=office, kind=kind, number=number, order=order
            )
        return 1, 0, 0

    def load_photos(self):
        created = filled = 0
        for order, data in enumerate(demo_content.PHOTOS, start=1):
            texts = demo_content.photo_texts(data["caption"])
            caption = data["caption"]["en"]
            photo = Photo.objects.filter(caption_en=caption).first()
            if photo is not None:
                filled += fill_translations(photo, texts)
                continue
            photo = Photo(order=order, in_gallery=True, **translated_fields(texts))
            photo.image.save(
                f"{slugify(caption)}-stand-in.jpg",
                ContentFile(stand_in_jpeg(caption, data["colours"])),
                save=False,
            )
            photo.save()
            self.stored_images.append((photo, "image"))
            created += 1
        return created, len(demo_content.PHOTOS) - created, filled

    def make_renditions(self):
        # Here rather than by the job worker, which `make run` starts only
        # after this: the first pages already show srcsets. The jobs the
        # saves enqueued then find them made.
        for row, field_name in self.stored_images:
            renditions_make(
                model=type(row),
                pk=row.pk,
                field_name=field_name,
                master_name=getattr(row, field_name).name,
            )
