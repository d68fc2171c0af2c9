"""Readers' real pages through Varnish, with the job worker running: the
view count by edge-side include, an edit fresh within a second while other
stories stay cached, a scheduled story out within two seconds of its time."""

import re
import subprocess
import sys

import pytest

from .harness import ROOT, app_environment, until

pytestmark = pytest.mark.timeout(180)


def manage(app_folder, edge, code):
    """Run `code` in the app's shell (its database), as an editor's save or a
    schedule would be made, committed when the command ends."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=app_environment(app_folder, edge.port),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


@pytest.fixture(scope="module")
def worker(edge):
    log = edge.app_folder / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker"],
            cwd=ROOT,
            env=app_environment(edge.app_folder, edge.port),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    yield process
    process.terminate()
    process.wait(timeout=30)


def article_url(app_folder, edge, title_start):
    return manage(
        app_folder,
        edge,
        "from articles.models import Article; print(Article.objects.get("
        f"title__startswith={title_start!r}).get_absolute_url())",
    )


def views_shown(answer):
    return int(re.search(r'class="article-views">(\d+) view', answer.text).group(1))


def test_an_article_is_kept_at_the_edge_and_still_counts_each_reader(edge, worker):
    url = article_url(edge.app_folder, edge, "Delegation")
    edge.request(url)
    first = edge.request(url, headers={"User-Agent": "reader-one"})
    again = edge.request(url, headers={"User-Agent": "reader-one"})
    other = edge.request(url, headers={"User-Agent": "reader-two"})

    assert again.cache == "HIT"
    assert "<esi:include" not in again.text
    assert views_shown(again) == views_shown(first)
    assert views_shown(other) == views_shown(first) + 1


def test_an_edit_is_fresh_at_the_edge_within_a_second_and_others_stay_kept(
    edge, worker
):
    edited = article_url(edge.app_folder, edge, "Delegation")
    # Not the seed from BelTA: it lists the edited story under "Also reported
    # by", so its page rightly changes too.
    other = manage(
        edge.app_folder,
        edge,
        "from articles.models import Article, Organization; print(Article.objects"
        ".create(title='Unrelated story', body='<p>Else.</p>', status='published',"
        " organization=Organization.objects.get(slug='belta')).get_absolute_url())",
    )
    for url in (edited, other, "/news/"):
        edge.request(url)
    # A page rendered right after its story changed is sent but not kept.
    assert until(lambda: edge.request(other).cache == "HIT", 3) is not None

    manage(
        edge.app_folder,
        edge,
        "from articles.models import Article; a = Article.objects.get("
        "title__startswith='Delegation'); a.lead = 'Edited at the edge test.'; "
        "a.save()",
    )
    took = until(lambda: "Edited at the edge test." in edge.request(edited).text, 1.0)

    assert took is not None, "the edit was not shown within a second"
    assert edge.request(other).cache == "HIT"


def test_a_scheduled_story_appears_within_two_seconds_of_its_time(edge, worker):
    edge.request("/news/")
    manage(
        edge.app_folder,
        edge,
        "from datetime import timedelta; from django.utils import timezone; "
        "from articles.models import Article, Organization; "
        "Article.objects.create(title='Scheduled for the edge test', "
        "body='<p>Soon.</p>', status='published', "
        "organization=Organization.objects.get(slug='belta'), "
        "published_at=timezone.now() + timedelta(seconds=4))",
    )
    assert "Scheduled for the edge test" not in edge.request("/news/").text

    took = until(
        lambda: "Scheduled for the edge test" in edge.request("/news/").text, 8
    )

    assert took is not None and took <= 4 + 2
