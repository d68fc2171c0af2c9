"""The database keeps each article's search index current on every write
(save, admin, bulk_create, update(), raw SQL): a trigger filling
search_vector on PostgreSQL, an FTS5 table kept by triggers on SQLite. See
articles/search.py. The SQL is written out here, not imported, so this
migration keeps doing what it did when later ones change the triggers."""

from django.db import migrations

POSTGRES_INSTALL = [
    # The configuration follows the article's language; PostgreSQL has no
    # Belarusian one. Tags become spaces so words either side of </p><p>
    # stay apart.
    """
    CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        config regconfig := CASE NEW.language
            WHEN 'en' THEN 'pg_catalog.english'
            WHEN 'ru' THEN 'pg_catalog.russian'
            ELSE 'pg_catalog.simple'
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
    # A save rewrites every column, the vector included: recompute only when
    # its sources change or the vector itself is written (it is derived,
    # never set by hand), so view counts and unchanged saves cost nothing.
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

SQLITE_INSTALL = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS articles_article_fts USING fts5(
        title, lead, body,
        content='',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS articles_article_fts_insert
    AFTER INSERT ON articles_article BEGIN
        INSERT INTO articles_article_fts (rowid, title, lead, body)
        VALUES (new.id, new.title, new.lead, newsroom_plain_text(new.body));
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS articles_article_fts_delete
    AFTER DELETE ON articles_article BEGIN
        INSERT INTO articles_article_fts
            (articles_article_fts, rowid, title, lead, body)
        VALUES ('delete', old.id, old.title, old.lead,
                newsroom_plain_text(old.body));
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS articles_article_fts_update
    AFTER UPDATE OF title, lead, body ON articles_article
    WHEN old.title IS NOT new.title OR old.lead IS NOT new.lead
        OR old.body IS NOT new.body
    BEGIN
        INSERT INTO articles_article_fts
            (articles_article_fts, rowid, title, lead, body)
        VALUES ('delete', old.id, old.title, old.lead,
                newsroom_plain_text(old.body));
        INSERT INTO articles_article_fts (rowid, title, lead, body)
        VALUES (new.id, new.title, new.lead, newsroom_plain_text(new.body));
    END
    """,
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TABLE IF EXISTS articles_article_fts",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRES_INSTALL
    elif vendor == "sqlite":
        require_fts5(schema_editor.connection)
        statements = SQLITE_INSTALL
    else:
        return
    for statement in statements:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    statements = {
        "postgresql": POSTGRES_UNINSTALL,
        "sqlite": SQLITE_UNINSTALL,
    }.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


def require_fts5(connection):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        options = {row[0] for row in cursor.fetchall()}
    if "ENABLE_FTS5" not in options:
        raise RuntimeError(
            "This Python's SQLite was built without FTS5, which Newsroom's "
            "search needs. Use a Python build with FTS5 (python.org, Debian, "
            "Ubuntu and Homebrew builds have it) or PostgreSQL (DATABASE_URL)."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_article_search_vector"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
