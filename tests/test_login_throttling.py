"""Admin login throttling (django-axes): five wrong passwords for one username
from one address lock that pair out for 15 minutes, with a page that says so
(status 429, Too Many Requests)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F

LOGIN_URL = "/admin/login/?next=/admin/"
RIGHT = "editor-pass-123"


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    """Each attempt hashes a password; the rule under test is the count."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, password, username="editor", **request):
    return client.post(
        LOGIN_URL, {"username": username, "password": password}, **request
    )


def fail_five_times(client, username="editor", **request):
    for _ in range(5):
        response = log_in(client, "wrong-password", username=username, **request)
    return response


def is_logged_in(client):
    return "_auth_user_id" in client.session


def wind_the_clock_on(minutes):
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - timedelta(minutes=minutes)
    )


def test_four_wrong_passwords_still_let_the_right_one_in(client, editor):
    for _ in range(4):
        response = log_in(client, "wrong-password")
        assert response.status_code == 200
        assert b"Please enter the correct username and password" in response.content

    response = log_in(client, RIGHT)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert is_logged_in(client)


def test_the_fifth_wrong_password_locks_the_account_out(client, editor):
    response = fail_five_times(client)

    assert response.status_code == 429
    assert b"Too many failed logins" in response.content


def test_the_lockout_page_carries_the_sites_name(client, editor, make_masthead):
    make_masthead()

    page = fail_five_times(client).content.decode()

    assert "<title>Too many failed logins | Postavy Herald</title>" in page
    assert '<a href="/admin/">Postavy Herald</a>' in page
    assert "Django administration" not in page


def test_after_five_wrong_passwords_the_right_one_is_refused(client, editor):
    fail_five_times(client)

    response = log_in(client, RIGHT)

    assert response.status_code == 429
    assert not is_logged_in(client)
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "after 5 wrong passwords" in page
    assert "Try again in 15 minutes" in page
    assert "Content-Security-Policy" in response


def test_the_lock_holds_until_the_cool_off_ends(client, editor):
    fail_five_times(client)
    wind_the_clock_on(minutes=14)

    response = log_in(client, RIGHT)

    assert response.status_code == 429
    assert not is_logged_in(client)


def test_after_the_cool_off_the_right_password_works(client, editor):
    fail_five_times(client)
    wind_the_clock_on(minutes=16)

    response = log_in(client, RIGHT)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_trying_again_while_locked_starts_the_wait_again(client, editor):
    fail_five_times(client)
    wind_the_clock_on(minutes=10)
    assert log_in(client, "another-guess").status_code == 429
    wind_the_clock_on(minutes=10)

    response = log_in(client, RIGHT)

    assert response.status_code == 429


def test_an_operator_can_lift_the_lock(client, editor):
    fail_five_times(client)

    call_command("axes_reset_username", "editor", verbosity=0)
    response = log_in(client, RIGHT)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_lock_is_for_that_username_from_that_address(client, editor, superuser):
    fail_five_times(client)

    assert log_in(client, "root-pass-123", username="root").status_code == 302
    client.logout()
    assert log_in(client, RIGHT, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_without_a_proxy_a_forwarded_header_cannot_dodge_the_lock(client, editor):
    fail_five_times(client)

    response = log_in(client, RIGHT, headers={"X-Forwarded-For": "198.51.100.7"})

    assert response.status_code == 429


def test_behind_a_proxy_the_address_it_forwards_is_the_client(client, editor, settings):
    settings.NEWSROOM_PROXY_COUNT = 1
    fail_five_times(client, headers={"X-Forwarded-For": "203.0.113.5"})

    locked = log_in(client, RIGHT, headers={"X-Forwarded-For": "203.0.113.5"})
    other = log_in(client, RIGHT, headers={"X-Forwarded-For": "203.0.113.9"})

    assert locked.status_code == 429
    assert other.status_code == 302


def test_behind_a_proxy_a_forged_forwarded_address_is_ignored(client, editor, settings):
    """A client may send its own X-Forwarded-For; the proxy appends the real
    address after it, and that last entry is the one that counts."""
    settings.NEWSROOM_PROXY_COUNT = 1
    fail_five_times(client, headers={"X-Forwarded-For": "203.0.113.5"})

    response = log_in(
        client, RIGHT, headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.5"}
    )

    assert response.status_code == 429


def test_client_login_in_tests_still_works_with_throttling_on(client, editor):
    assert client.login(username="editor", password=RIGHT)
    assert client.get("/admin/").status_code == 200
