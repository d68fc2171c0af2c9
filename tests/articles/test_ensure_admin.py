import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

LOGIN_LINE = re.compile(
    r"Admin login: http://127\.0\.0\.1:8000/admin/  user: admin  password: (\S+)"
)


def ensure_admin():
    out, err = StringIO(), StringIO()
    call_command("ensure_admin", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.mark.django_db
def test_it_creates_admin_and_prints_its_password_once(client):
    output = ensure_admin()
    password = LOGIN_LINE.search(output).group(1)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(password)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_admin_login_refuses_a_wrong_password(client):
    ensure_admin()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": "admin"}
    )
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_it_makes_a_different_random_password_each_time():
    first = LOGIN_LINE.search(ensure_admin()).group(1)
    get_user_model().objects.all().delete()
    second = LOGIN_LINE.search(ensure_admin()).group(1)
    assert first != second
    assert len(first) >= 16


@pytest.mark.django_db
def test_it_does_not_touch_an_existing_superuser_and_says_how_to_reset():
    ensure_admin()
    admin = get_user_model().objects.get(username="admin")
    password_hash = admin.password

    output = ensure_admin()

    assert "password:" not in output
    assert "already exists" in output
    assert "python manage.py changepassword admin" in output
    admin.refresh_from_db()
    assert admin.password == password_hash
    assert get_user_model().objects.count() == 1


def test_it_creates_nothing_when_another_superuser_exists(superuser):
    output = ensure_admin()
    assert "password:" not in output
    assert "python manage.py changepassword root" in output
    assert not get_user_model().objects.filter(username="admin").exists()


def test_it_never_promotes_an_ordinary_user_named_admin(django_user_model):
    user = django_user_model.objects.create_user("admin", password="their-own-1")
    output = ensure_admin()
    assert "password:" not in output
    assert "createsuperuser" in output
    user.refresh_from_db()
    assert not user.is_superuser
    assert user.check_password("their-own-1")


@pytest.mark.django_db
def test_it_prints_the_address_the_site_is_served_on():
    out = StringIO()

    call_command("ensure_admin", "--site-url", "http://127.0.0.1:8765/", stdout=out)

    assert "Admin login: http://127.0.0.1:8765/admin/  user: admin" in out.getvalue()
