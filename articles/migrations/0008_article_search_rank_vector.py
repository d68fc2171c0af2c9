"""Rank search results by a small title-and-lead vector: ranking every match
of a common word by the full vector read each one's large, out-of-line
(TOASTed) value and made such searches three times slower at 100,000
articles. PostgreSQL only; SQLite ranks differently (articles/search.py)."""

import django.contrib.postgres.search
from django.db import migrations

POSTGRES_INSTALL = [
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
        NEW.search_rank_vector :=
            setweight(to_tsvector(config, coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector(config, coalesce(NEW.lead, '')), 'B');
        NEW.search_vector :=
            NEW.search_rank_vector
            || setweight(to_tsvector(config, regexp_replace(
                coalesce(NEW.body, ''), '<[^>]*>', ' ', 'g')), 'C');
        RETURN NEW;
    END;
    $$
    """,
    "DROP TRIGGER articles_article_search_vector_update ON articles_article",
    """
    CREATE TRIGGER articles_article_search_vector_update
    BEFORE UPDATE ON articles_article
    FOR EACH ROW
    WHEN (
        (OLD.title, OLD.lead, OLD.body, OLD.language)
            IS DISTINCT FROM (NEW.title, NEW.lead, NEW.body, NEW.language)
        OR NEW.search_vector IS NULL
        OR NEW.search_rank_vector IS NULL
        OR NEW.search_vector IS DISTINCT FROM OLD.search_vector
        OR NEW.search_rank_vector IS DISTINCT FROM OLD.search_rank_vector
    )
    EXECUTE FUNCTION articles_article_search_vector()
    """,
]
# As migration 0004 left them.
POSTGRES_UNINSTALL = [
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
    "DROP TRIGGER articles_article_search_vector_update ON articles_article",
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


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_INSTALL:
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_UNINSTALL:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_hero_image_and_logo_renditions"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
