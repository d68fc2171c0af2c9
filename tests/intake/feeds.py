"""Fixture feeds in the four formats intake reads, built from item dicts:
{"id", "link", "title", "summary", "body", "published" (an aware datetime),
 optional "language" and, for ninjs, "pubstatus"}."""

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

SEED_TIME = datetime(2023, 7, 6, 9, 30, tzinfo=UTC)


def story(n, **overrides):
    fields = {
        "id": f"urn:belta:{n}",
        "link": f"https://belta.example/news/{n}/",
        "title": f"Border services meet in Almaty, part {n}",
        "summary": f"The heads of border services met for the {n}th time.",
        "body": (
            f"<p>Story {n}: the heads of the border services of the SCO member "
            "states met in Almaty to discuss cooperation on the borders.</p>"
            f"<p>They agreed on a plan of joint work for the next year ({n}).</p>"
        ),
        "published": SEED_TIME,
    }
    fields.update(overrides)
    return fields


def rss(items, *, language="en"):
    entries = "".join(
        f"""<item>
          <guid isPermaLink="false">{escape(item["id"])}</guid>
          <link>{escape(item["link"])}</link>
          <title>{escape(item["title"])}</title>
          <description>{escape(item["summary"])}</description>
          <content:encoded>{escape(item["body"])}</content:encoded>
          <pubDate>{format_datetime(item["published"])}</pubDate>
        </item>"""
        for item in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>BelTA</title><link>https://belta.example/</link>
    <description>News</description><language>{language}</language>
    {entries}
  </channel>
</rss>""".encode()


def atom(items, *, language="ru"):
    entries = "".join(
        f"""<entry>
          <id>{escape(item["id"])}</id>
          <link rel="alternate" href="{escape(item["link"])}"/>
          <title>{escape(item["title"])}</title>
          <summary type="html">{escape(item["summary"])}</summary>
          <content type="html">{escape(item["body"])}</content>
          <published>{item["published"].isoformat()}</published>
          <updated>{item["published"].isoformat()}</updated>
        </entry>"""
        for item in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">
  <title>SCO RATS</title><id>urn:sco-rats:feed</id>
  <updated>{SEED_TIME.isoformat()}</updated>
  {entries}
</feed>""".encode()


def json_feed(items, *, language="be"):
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Press office",
            "language": language,
            "items": [
                {
                    "id": item["id"],
                    "url": item["link"],
                    "title": item["title"],
                    "summary": item["summary"],
                    "content_html": item["body"],
                    "date_published": item["published"].isoformat(),
                    **({"language": item["language"]} if "language" in item else {}),
                }
                for item in items
            ],
        }
    ).encode()


def ninjs_item(item):
    return {
        "uri": item["link"],
        "type": "text",
        "pubstatus": item.get("pubstatus", "usable"),
        "firstcreated": item["published"].isoformat(),
        "versioncreated": item["published"].isoformat(),
        "language": item.get("language", "en"),
        "headlines": [{"value": item["title"], "contenttype": "text/plain"}],
        "descriptions": [{"value": item["summary"], "contenttype": "text/plain"}],
        "bodies": [{"value": item["body"], "contenttype": "text/html"}],
    }


def ninjs(items):
    return json.dumps([ninjs_item(item) for item in items]).encode()


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>bomb</title>
<item><guid>bomb</guid><title>&lol9;</title><description>&lol9;</description></item>
</channel></rss>"""

# One entity of 100 kB used 10,000 times: a gigabyte if expanded, and no
# entity refers to another (feedparser alone keeps such "safe" entities).
QUADRATIC_BLOWUP = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "'
    + b"a" * 100_000
    + b'">]>\n<rss version="2.0"><channel><title>blowup</title><item><guid>q</guid>'
    + b"<description>"
    + b"&a;" * 10_000
    + b"</description></item></channel></rss>"
)

HOSTILE_ITEM = story(
    666,
    title='Hostile <script>alert("title")</script>story',
    summary='<img src=x onerror="alert(1)">A lead <b>with</b> markup',
    body=(
        '<p onclick="steal()">Hello<script>alert("body")</script></p>'
        '<p><a href="javascript:alert(1)">a link</a> and '
        '<a href="https://example.org/ok">a good one</a></p>'
        "<iframe src='https://evil.example/'></iframe>"
        "<style>body{display:none}</style>"
    ),
)
