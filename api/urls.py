from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("ninjs", views.NinjsViewSet, basename="ninjs")
router.register("organizations", views.OrganizationViewSet, basename="organization")

urlpatterns = [
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its start-up script fetched from its own address, not
    # inline, as the content security policy requires.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/docs.html"
        ),
        name="docs",
    ),
]
