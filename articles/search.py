"""Full-text search of published stories: the `q` filter of /news/, the date
archives and the feeds.

PostgreSQL (production) uses its own full-text search. Each article row
carries `search_vector`, a tsvector that a trigger (installed by migration
0004) recomputes whenever the title, lead, body or language is written, by
any route: save(), the admin, bulk_create (seed_bench), update(), raw SQL.
Title words weigh A, the lead's B, the body's C, and the text-search
configuration follows the article's language: `english`, `russian`, or
`simple` for Belarusian, which PostgreSQL has no dictionary for. A query is
parsed with websearch_to_tsquery, which accepts anything a reader types
(quotes, `-`, `or`, stray operators) without a syntax error, once per
configuration, and each row is matched against the query parsed with its
own configuration, so English stems find English stories and Russian stems
Russian ones. A GIN index on the vector answers the match (and so the
pagination count), and only the shown page gets headlines: PostgreSQL
evaluates costly output columns after ORDER BY ... LIMIT.

SQLite (development, `make run`) has no tsvector; it keeps an FTS5 index
instead, `articles_article_fts`, maintained by triggers in the same way.
FTS5's unicode61 tokenizer folds case in every script, which SQLite's LIKE
and lower() do only for ASCII, so "ГРАНИЦА" finds "граница". Every word of
the query must begin a word of the title, lead or body; stories with all the
words in the title come first, then the newest. Tags are stripped from the
body by a Python SQL function registered on each Django connection, so
writing articles needs Django's connection (a bare sqlite3 shell cannot).

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
from django.db import connections
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

# The text-search configuration for each article language; any other
# language is indexed and searched with `simple` (no stemming, no stop words).
CONFIGS = {"en": "english", "ru": "russian"}
DEFAULT_CONFIG = "simple"
# ts_rank weights for D, C, B, A: the title (A) outweighs the lead (B),
# which outweighs the body (C). They are PostgreSQL's defaults, spelled out.
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
# A longer query adds cost, not precision; the rest is ignored.
MAX_QUERY_LENGTH = 1000
MAX_SQLITE_WORDS = 64

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


POSTGRES_INSTALL = [
    # Tags become spaces so words either side of </p><p> stay apart.
    f"""
    CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        config regconfig := CASE NEW.language
            WHEN 'en' THEN 'pg_catalog.{CONFIGS["en"]}'
            WHEN 'ru' THEN 'pg_catalog.{CONFIGS["ru"]}'
            ELSE 'pg_catalog.{DEFAULT_CONFIG}'
        END;
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector(config, coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector(config, coalesce(NEW.lead, '')), 'B')
            || setweight(to_tsvector(config, regexp_replace(
                coalesce(NEW.body, ''), '<[^>]*>', ' ', 'g')), 'C');
        RETURN NEW;
    END;
    $$
    """,
    """
    CREATE TRIGGER articles_article_search_vector_insert
    BEFORE INSERT ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector()
    """,
    # Saving an article rewrites every column, the vector included; the
    # vector is recomputed only when its sources change or someone writes
    # the vector itself (it is derived, never set by hand), so view counts
    # and unchanged saves cost nothing extra.
    """
    CREATE TRIGGER articles_article_search_vector_update
    BEFORE UPDATE ON articles_article
    FOR EACH ROW
    WHEN (
        (OLD.title, OLD.lead, OLD.body, OLD.language)
            IS DISTINCT FROM (NEW.title, NEW.lead, NEW.body, NEW.language)
        OR NEW.search_vector IS NULL
        OR NEW.search_vector IS DISTINCT FROM OLD.search_vector
    )
    EXECUTE FUNCTION articles_article_search_vector()
    """,
]
POSTGRES_UNINSTALL = [
    "DROP TRIGGER IF EXISTS articles_article_search_vector_update ON articles_article",
    "DROP TRIGGER IF EXISTS articles_article_search_vector_insert ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_vector()",
]
# The update trigger recomputes a vector set to NULL.
POSTGRES_REINDEX = "UPDATE articles_article SET search_vector = NULL"

SQLITE_TABLE = f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        title, lead, body,
        content='',
        tokenize='unicode61 remove_diacritics 0'
    )
"""
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


def install(schema_editor):
    """Create the trigger (PostgreSQL) or the FTS5 table and its triggers
    (SQLite). Migration 0004 runs this; reindex() fills them."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for statement in POSTGRES_INSTALL:
            schema_editor.execute(statement, params=None)
    elif connection.vendor == "sqlite":
        _require_fts5(connection)
        schema_editor.execute(SQLITE_TABLE, params=None)
        for statement in SQLITE_TRIGGERS.values():
            schema_editor.execute(statement, params=None)


def uninstall(schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for statement in POSTGRES_UNINSTALL:
            schema_editor.execute(statement, params=None)
    elif connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}", params=None)


def reindex(connection):
    """Recompute every article's search index entry from its text."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(POSTGRES_REINDEX)
    elif connection.vendor == "sqlite":
        reindex_sqlite(connection)


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


def _require_fts5(connection):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        options = {row[0] for row in cursor.fetchall()}
    if "ENABLE_FTS5" not in options:
        raise RuntimeError(
            "This Python's SQLite was built without FTS5, which Newsroom's "
            "search needs. Use a Python build with FTS5 (python.org, Debian, "
            "Ubuntu and Homebrew builds have it) or PostgreSQL (DATABASE_URL)."
        )


# --- Queries ------------------------------------------------------------------------


def search(queryset, text):
    """Return the articles of `queryset` matching the words in `text`, best
    first, each annotated for `highlighted()`."""
    text = text.strip()[:MAX_QUERY_LENGTH]
    if connections[queryset.db].vendor == "postgresql":
        return _search_postgres(queryset, text)
    return _search_sqlite(queryset, text)


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


def _search_postgres(queryset, text):
    queries = {
        config: SearchQuery(text, config=config, search_type="websearch")
        for config in [*CONFIGS.values(), DEFAULT_CONFIG]
    }
    # One arm per language, each matched with the query parsed as that
    # language's rows were indexed; each arm can use the GIN index.
    matches = Q(~Q(language__in=list(CONFIGS)), search_vector=queries[DEFAULT_CONFIG])
    for language, config in CONFIGS.items():
        matches |= Q(language=language, search_vector=queries[config])

    def rank(config):
        return SearchRank(F("search_vector"), queries[config], weights=RANK_WEIGHTS)

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

    return (
        queryset.filter(matches)
        .annotate(
            search_rank=_by_language(rank, output_field=FloatField()),
            search_title=headline("title"),
            search_lead=headline("lead"),
        )
        .order_by("-search_rank", "-published_at", "-pk")
    )


def sqlite_words(text):
    """The words FTS5's unicode61 tokenizer would see: runs of letters and
    digits. Punctuation, operators and emoji separate words and are dropped."""
    return re.findall(r"[^\W_]+", text)[:MAX_SQLITE_WORDS]


def _fts_matching(expression):
    return RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (expression,)
    )


def _search_sqlite(queryset, text):
    words = sqlite_words(text)
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
