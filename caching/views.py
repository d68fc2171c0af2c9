"""How a view names what its answer shows (caching.middleware reads it)."""

from functools import wraps

from . import keys as surrogate_keys


def tag(response, keys, *, max_age=None):
    """Name what `response` shows. `max_age` bounds how long shared caches
    keep it (a scheduled story due sooner, say)."""
    response.surrogate_keys = {surrogate_keys.SITE, *keys}
    if max_age is not None:
        response.shared_max_age = max(int(max_age), 0)
    return response


class SharedCacheMixin:
    """For class-based views: `get_surrogate_keys(context)` names what the
    page shows (every page also shows the office in its footer);
    `get_shared_max_age()` may bound how long it is kept."""

    surrogate_keys = ()

    def get_surrogate_keys(self, context):
        return set(self.surrogate_keys)

    def get_shared_max_age(self):
        return None

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return tag(
            response,
            {surrogate_keys.OFFICE, *self.get_surrogate_keys(context)},
            max_age=self.get_shared_max_age(),
        )


def shared(keys_for_request):
    """For function views (feeds, sitemaps): `keys_for_request(request,
    response)` names what the answer shows."""

    def decorator(view):
        @wraps(view)
        def tagged_view(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            return tag(response, keys_for_request(request, response))

        return tagged_view

    return decorator
