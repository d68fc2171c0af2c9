"""Full-text search of published stories: the `q` filter of /news/, the date
archives and the feeds.

PostgreSQL (production) uses its own full-text search. Each article row
carries `search_vector`, a tsvector that a trigger (migrations 0004 and 0008)
recomputes whenever the title, lead, body or language is written, by any
route: save(), the admin, bulk_create (seed_bench), update(), raw SQL.
Title words weigh A, the lead's B, the body's C (tags stripped), and the
text-search configuration follows the article's language: `english`,
`russian`, or `simple` for Belarusian, which PostgreSQL has no dictionary
for. A query is first reduced to its words (runs of letters and digits, at
most MAX_WORDS), as on SQLite, so nothing a reader types is query syntax:
websearch_to_tsquery's operators let a run of 33 hyphens overflow the
parser's stack (a 500 on every list). The words are parsed with
plainto_tsquery once per configuration; a story matches if it has every
word of the query as one of them parsed it, so English stems find English stories and
Russian stems Russian ones, and a query of stop words only matches nothing.

A GIN index on the vector finds the matches, for the page and for the
pagination count. Ranking reads `search_rank_vector`, the title and lead
alone (A and B): small enough to stay in the row, whereas the full vector is
stored out of line and reading it for each of 20,000 matches of a common
word tripled the query's time. A story matching in its title ranks above one
matching in its lead, which ranks above one matching only in its body; equal
ranks go newest first. Headlines are computed for the shown page only:
PostgreSQL evaluates costly output columns after ORDER BY ... LIMIT.
Known limit: for a word in more than about a third of all stories the
planner prefers a sequential scan, not counting the out-of-line reads of
every vector, and such a search takes about five times longer than the
index would (EXPLAIN figures in the commit that added this paragraph).

SQLite (development, `make run`) has no tsvector; it keeps an FTS5 index
instead, `articles_article_fts`, maintained by triggers in the same way.
FTS5's unicode61 tokenizer folds case in every script, which SQLite's LIKE
and lower() do only for ASCII, so "ГРАНИЦА" finds "граница"; and unlike a
LIKE or REGEXP scan (3 to 5 seconds at 100,000 articles) it uses an index.
Every word of the query must begin a word of the title, lead or body;
stories with all the words in the title come first, then the newest. Tags
are stripped from the body by a Python SQL function registered on each
Django connection, so writing articles needs Django's connection (a bare
sqlite3 shell cannot).

Highlighting is plain text with private-use sentinels around matched words
(ts_headline on PostgreSQL, a regular expression on SQLite), turned into
escaped HTML with <mark> by `highlighted()`; the query never reaches the
page unescaped.
"""

import html
import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
)
from django.db import connections, transaction
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

# The text-search configuration for each article language; any other
# language is indexed and searched with `simple` (no stemming, no stop words).
CONFIGS = {"en": "english", "ru": "russian"}
DEFAULT_CONFIG = "simple"
# ts_rank weights for D, C, B, A: the title (A) outweighs the lead (B). The
# ranking vector holds no body words, so a body-only match ranks 0, below
# both. They are PostgreSQL's defaults, spelled out.
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
# A longer query adds cost, not precision; the rest is ignored.
MAX_QUERY_LENGTH = 1000
MAX_WORDS = 64

FTS_TABLE = "articles_article_fts"
START, STOP = "\ue000", "\ue001"


# --- The index ----------------------------------------------------------------------


class PostgresGinIndex(GinIndex):
    """A GIN index on PostgreSQL and nothing elsewhere: SQLite cannot build
    one, and rebuilds the table (with its indexes) whenever a migration
    alters a column, so a plain GinIndex would break later SQLite migrations.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().remove_sql(model, schema_editor, **kwargs)


# As migration 0004 creates them; restore_sqlite_triggers puts them back.
# A contentless FTS5 table forgets what it indexed, so a row is removed by
# repeating exactly the text it was added with: newsroom_plain_text is
# deterministic, and changing it means reindexing (reindex_sqlite).
SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_insert": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert
        AFTER INSERT ON articles_article BEGIN
            INSERT INTO {FTS_TABLE} (rowid, title, lead, body)
            VALUES (new.id, new.title, new.lead, newsroom_plain_text(new.body));
        END
    """,
    f"{FTS_TABLE}_delete": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete
        AFTER DELETE ON articles_article BEGIN
            INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, lead, body)
            VALUES ('delete', old.id, old.title, old.lead,
                    newsroom_plain_text(old.body));
        END
    """,
    f"{FTS_TABLE}_update": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update
        AFTER UPDATE OF title, lead, body ON articles_article
        WHEN old.title IS NOT new.title OR old.lead IS NOT new.lead
            OR old.body IS NOT new.body
        BEGIN
            INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, lead, body)
            VALUES ('delete', old.id, old.title, old.lead,
                    newsroom_plain_text(old.body));
            INSERT INTO {FTS_TABLE} (rowid, title, lead, body)
            VALUES (new.id, new.title, new.lead, newsroom_plain_text(new.body));
        END
    """,
}

TAG = re.compile(r"<[^>]*>")


def plain_text(body):
    """The words of an HTML body: tags become spaces, entities characters."""
    if body is None:
        return None
    return html.unescape(TAG.sub(" ", body))


def register_sqlite_functions(sender=None, connection=None, **kwargs):
    """connection_created receiver: give SQLite the function the FTS5
    triggers call."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(
            "newsroom_plain_text", 1, plain_text, deterministic=True
        )


def reindex_sqlite(connection):
    connection.ensure_connection()
    register_sqlite_functions(connection=connection)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, lead, body) "
            "SELECT id, title, lead, newsroom_plain_text(body) FROM articles_article"
        )


def restore_sqlite_triggers(sender=None, using="default", **kwargs):
    """post_migrate receiver. SQLite alters a column by copying the table and
    dropping the old one, which drops its triggers too; recreate them after
    any migration that did so, and reindex what changed meanwhile."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') "
            "AND name LIKE %s",
            [f"{FTS_TABLE}%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE not in present or set(SQLITE_TRIGGERS) <= present:
            return
        for statement in SQLITE_TRIGGERS.values():
            cursor.execute(statement)
    reindex_sqlite(connection)


# --- Queries ------------------------------------------------------------------------


def search(queryset, text):
    """Return the articles of `queryset` matching the words in `text`, best
    first, each annotated for `highlighted()`."""
    text = _clean(text)
    if connections[queryset.db].vendor == "postgresql":
        return _search_postgres(queryset, text)
    return _search_sqlite(queryset, text)


def ranked_ids(queryset, *, limit):
    """Return the pks of the first `limit` articles of a search() queryset,
    best first, and how many it holds in all. Neither query reads the rows'
    text or computes headlines (articles.pagination caches the answer)."""
    alias = queryset.db
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return _ranked_ids(queryset, limit)
    # For a word in a fifth of all stories the planner prefers a parallel
    # sequential scan (320 ms at 100,000 stories, most of it reading every
    # row's out-of-line search_vector) to the GIN index (30 ms): it does not
    # count that reading. SET LOCAL lasts until the block's transaction ends.
    with transaction.atomic(using=alias):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        return _ranked_ids(queryset, limit)


def _ranked_ids(queryset, limit):
    ids = list(queryset.values_list("pk", flat=True)[:limit])
    # Counted apart: COUNT(*) OVER () in the ranking query made PostgreSQL
    # carry every match, ranking vector and all, through the sort.
    return ids, queryset.count()


def highlighted_by_id(queryset, ids, text):
    """The articles of `queryset` with these pks, in the order of `ids`, each
    annotated for `highlighted()` with the words in `text`: a lazy queryset,
    read only when the page shows it."""
    if not ids:
        return queryset.none()
    in_given_order = Case(
        *(When(pk=pk, then=Value(index)) for index, pk in enumerate(ids)),
        output_field=IntegerField(),
    )
    # By pk alone: the ids come from a search of published stories, kept
    # until the lists change, and a published() filter here leads SQLite
    # (no statistics) to walk the publication index instead.
    return highlight(queryset.filter(pk__in=ids), text).order_by(in_given_order)


def highlight(queryset, text):
    """Annotate the articles of `queryset` for `highlighted()`: the words in
    `text` marked in their titles and leads."""
    text = _clean(text)
    if connections[queryset.db].vendor == "postgresql":
        return _highlight_postgres(queryset, _postgres_queries(text))
    return queryset.annotate(search_words=Value(" ".join(query_words(text))))


# A hyphen before a word negates it in websearch_to_tsquery; other hyphens
# are read as negations of nothing, and some 32 of those in a row overflow
# PostgreSQL's parser ("tsquery stack too small", a 500 for `q=---…`).
STRAY_HYPHENS = re.compile(r"-+(?![^\W_])")
REPEATED_HYPHENS = re.compile(r"-{2,}")


def _clean(text):
    text = STRAY_HYPHENS.sub(" ", text.strip()[:MAX_QUERY_LENGTH])
    return REPEATED_HYPHENS.sub("-", text).strip()


def _by_language(make, **kwargs):
    """A CASE over the article's language: make(config) with the language's
    text-search configuration."""
    return Case(
        *(
            When(language=language, then=make(config))
            for language, config in CONFIGS.items()
        ),
        default=make(DEFAULT_CONFIG),
        **kwargs,
    )


def _postgres_queries(text):
    words = " ".join(query_words(text))
    return {
        config: SearchQuery(words, config=config, search_type="plain")
        for config in [*CONFIGS.values(), DEFAULT_CONFIG]
    }


def _search_postgres(queryset, text):
    if not query_words(text):
        return queryset.none()
    queries = _postgres_queries(text)
    # A row matches the query parsed with any of the configurations, and the
    # GIN index answers that alone: tying each configuration to its
    # language's rows made PostgreSQL recheck every match against its large,
    # out-of-line vector (four times slower for "border talks" at 100,000
    # articles). Parsed by another language's rules a query finds little:
    # stop words are gone from every indexed English and Russian story.
    # `russian` reads ASCII words as `english` does, so a query without
    # other letters is parsed once fewer.
    configs = [CONFIGS["en"], DEFAULT_CONFIG]
    if not text.isascii():
        configs.append(CONFIGS["ru"])
    matches = Q()
    for config in configs:
        matches |= Q(search_vector=queries[config])

    def rank(config):
        return SearchRank(
            F("search_rank_vector"), queries[config], weights=RANK_WEIGHTS
        )

    ranked = (
        queryset.filter(matches)
        .annotate(search_rank=_by_language(rank, output_field=FloatField()))
        .order_by("-search_rank", "-published_at", "-pk")
    )
    return _highlight_postgres(ranked, queries)


def _highlight_postgres(queryset, queries):
    def headline(field):
        return _by_language(
            lambda config: SearchHeadline(
                field,
                queries[config],
                config=config,
                start_sel=START,
                stop_sel=STOP,
                highlight_all=True,
            )
        )

    return queryset.annotate(
        search_title=headline("title"), search_lead=headline("lead")
    )


def query_words(text):
    """The words of a query, as FTS5's unicode61 tokenizer and PostgreSQL's
    parser both see them: runs of letters and digits. Punctuation, operators
    and emoji separate words and are dropped."""
    return re.findall(r"[^\W_]+", text)[:MAX_WORDS]


def _fts_matching(expression):
    return RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (expression,)
    )


def _search_sqlite(queryset, text):
    words = query_words(text)
    if not words:
        return queryset.none()
    # Each word a quoted prefix phrase ("word"*), so no input is FTS5 syntax.
    every_word = " ".join('"{}"*'.format(word.replace('"', '""')) for word in words)
    in_title = Case(
        When(pk__in=_fts_matching(f"title : ({every_word})"), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(pk__in=_fts_matching(every_word))
        .annotate(search_in_title=in_title, search_words=Value(" ".join(words)))
        .order_by("-search_in_title", "-published_at", "-pk")
    )


# --- Highlighting -------------------------------------------------------------------


def highlighted(article, field):
    """The article's `field` (title or lead) as HTML: escaped, with the words
    a search matched in <mark>."""
    marked = getattr(article, f"search_{field}", None)
    if marked is None:
        words = getattr(article, "search_words", None)
        text = getattr(article, field)
        if not words:
            return escape(text)
        marked = _mark_words(text, words.split())
    return _render_marked(marked)


def _mark_words(text, words):
    """Put the sentinels around each word of `text` that begins with one of
    `words`, in any case (as FTS5 matched them)."""
    clean = text.replace(START, "").replace(STOP, "")
    prefixes = "|".join(
        re.escape(word) for word in sorted(set(words), key=len, reverse=True)
    )
    pattern = re.compile(rf"(?<![^\W_])(?:{prefixes})[^\W_]*", re.IGNORECASE)
    return pattern.sub(lambda match: f"{START}{match.group()}{STOP}", clean)


def _render_marked(marked):
    """Escape everything, then turn well-paired sentinels into <mark> tags;
    a stray sentinel (one the text itself contained) is dropped."""
    parts = []
    open_mark = False
    for piece in re.split(f"([{START}{STOP}])", marked):
        if piece == START:
            if not open_mark:
                parts.append("<mark>")
                open_mark = True
        elif piece == STOP:
            if open_mark:
                parts.append("</mark>")
                open_mark = False
        else:
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))
