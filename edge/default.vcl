vcl 4.1;

# Newsroom's edge cache: Varnish in front of the app servers (gunicorn).
#
# What it keeps: answers the app tagged with surrogate keys (the `xkey`
# header; the app sends it only on anonymous readers' pages, with
# `Cache-Control: s-maxage`), and static files and uploaded media. Everything
# else goes to the app every time. The app purges by key after each change:
# `PURGE` from this machine with the keys in `xkey-purge`. The purge is soft:
# a purged page is fetched again by one request in the background while the
# others are answered with the copy they would have had a moment before, so
# a change never makes readers queue behind the app (an `xkey-purge-hard`
# header drops the pages at once instead, for what must go now).
#
# Nothing a reader sends may change what another reader is served: the
# cache key is the address, the host and whether the reader came over HTTPS,
# and every other header that could change the page is dropped or passed.

import xkey;

# The app servers, `sub app_backend` and `acl purgers` (this machine and the
# app servers: the only ones who may purge), from vcl_path: edge/backends.vcl,
# or the copy `make serve` renders beside this file with its own ports.
include "backends.vcl";

sub vcl_recv {
    call app_backend;
    # Lower-case Host, and 400 without one (the builtin's rule).
    call vcl_req_host;

    # Headers only the edge or the app may set. A reader's Surrogate-Capability
    # would make the app send ESI markup to a reader; a reader's X-Forwarded-*
    # headers could change the scheme or host the app prints in feeds and
    # sitemaps (gunicorn trusts these from us: GUNICORN_FORWARDED_ALLOW_IPS).
    unset req.http.Surrogate-Capability;
    unset req.http.X-Cache;
    unset req.http.X-Forwarded-Host;
    unset req.http.X-Forwarded-Port;
    unset req.http.X-Forwarded-Server;
    unset req.http.X-Forwarded-Ssl;
    unset req.http.X-Forwarded-Protocol;
    unset req.http.Forwarded;
    # Only "https" means anything to the app; it is also part of the cache
    # key (vcl_hash), so a reader claiming HTTPS gets, and stores, only the
    # page for HTTPS. A TLS terminator in front must set (not append) it.
    if (req.http.X-Forwarded-Proto != "https") {
        unset req.http.X-Forwarded-Proto;
    }
    # X-Forwarded-For: Varnish appends the reader's address itself; the app
    # reads the last entry (NEWSROOM_PROXY_COUNT=1).

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge-hard) {
            set req.http.X-Purged = xkey.purge(req.http.xkey-purge-hard);
        } else if (req.http.xkey-purge) {
            set req.http.X-Purged = xkey.softpurge(req.http.xkey-purge);
        } else {
            return (synth(400, "No xkey-purge header"));
        }
        return (synth(200, "Purged " + req.http.X-Purged + " objects"));
    }
    # Purge keys come from the app alone, never with a reader's request.
    unset req.http.xkey-purge;
    unset req.http.xkey-purge-hard;
    # Readers who take gzip get the compressed copy, the others a plain one:
    # each kept apart (vcl_hash), so no copy is unzipped on every delivery.
    # (Varnish reads Accept-Encoding the same way, after this.)
    unset req.http.X-Edge-Gzip;
    if (req.http.Accept-Encoding ~ "(?i)(^|,)\s*gzip\s*(,|;|$)" &&
        req.http.Accept-Encoding !~ "(?i)(^|,)\s*gzip\s*;\s*q=0(\.0*)?\s*(,|$)") {
        set req.http.X-Edge-Gzip = "1";
    }

    if (req.method !~ "^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$") {
        return (synth(405));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin speaks the editor's browser language; everything else takes
    # its language from the address (/ru/…, /be/…), so Accept-Language would
    # only split the cache.
    if (req.url ~ "^/admin(/|\?|$)") {
        return (pass);
    }
    unset req.http.Accept-Language;
    # Logged-in editors and staff (nothing they see is shared), and anyone
    # with a message waiting to be shown on their next page.
    if (req.http.Cookie ~ "(^|;)\s*(sessionid|messages)=") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # The view-count includes (/views/<id>/, /ru/views/<id>/): counted on every
    # request, never kept, and answered by workers of their own, so that an
    # article reading never waits behind pages rendered after a purge.
    if (req.url ~ "^(/[a-z]{2})?/views/") {
        call counting_backend;
        return (pass);
    }
    # csrftoken, django_language and the like: the app shares no page that
    # depends on them.
    unset req.http.Cookie;
    # A purged or expired page is served stale for half a second at most,
    # while it is fetched again: a reader who comes later, even the first
    # after a quiet spell, waits for the new page rather than get the old.
    set req.grace = 0.5s;
    return (hash);
}

sub vcl_hash {
    hash_data(req.http.X-Forwarded-Proto);
    hash_data(req.http.X-Edge-Gzip);
    # The address, then the host (or the server's address without one).
    call vcl_builtin_hash;
    return (lookup);
}

sub vcl_hit {
    if (obj.ttl > 0s) {
        set req.http.X-Cache = "HIT";
    } else {
        set req.http.X-Cache = "HIT-STALE";
    }
}

sub vcl_miss {
    set req.http.X-Cache = "MISS";
}

sub vcl_pass {
    set req.http.X-Cache = "PASS";
}

sub vcl_backend_fetch {
    # The app answers with <esi:include> for the parts that must never be
    # kept (the view count) only when told that we process them.
    set bereq.http.Surrogate-Capability = {"varnish="ESI/1.0""};
    # A plain copy is fetched plain (static files come precompressed else).
    if (!bereq.http.X-Edge-Gzip) {
        unset bereq.http.Accept-Encoding;
    }
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Control ~ "ESI/1\.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
    }
    # Pages, feeds, JSON and scripts compressed once, here, for the copy
    # kept for readers who take gzip.
    if (bereq.http.X-Edge-Gzip && !beresp.http.Content-Encoding && beresp.http.Content-Type ~
        "^(text/|image/svg\+xml|application/([a-z.-]+\+)?(json|xml|javascript|ecmascript))") {
        set beresp.do_gzip = true;
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (bereq.url ~ "^/(static|media)/" && beresp.status == 200) {
        # Whitenoise's hashed names and uploaded media never change: their
        # lifetimes come from the app (years), and no cookie is kept with them.
        unset beresp.http.Set-Cookie;
    } else if (!beresp.http.xkey) {
        # The app did not name what the answer shows, so it may not be shared:
        # fetched for every request (hit-for-miss, in case the next is tagged).
        call vcl_beresp_hitmiss;
    } else if (beresp.ttl <= 0s && !beresp.http.Set-Cookie &&
               beresp.http.Cache-Control !~ "(private|no-store)") {
        # Rendered while what it shows was changing (s-maxage=0). Fetched
        # in the background to renew a page kept after a soft purge: dropped,
        # so readers keep that page until the next request fetches a settled
        # one. Otherwise handed to the readers waiting for it and not kept;
        # not hit-for-miss either, which would send every reader to the app
        # at once.
        if (bereq.is_bgfetch) {
            return (abandon);
        }
        set beresp.grace = 0s;
        return (deliver);
    } else {
        # Expired and softly purged pages may be served for a few seconds
        # while one request fetches the new one.
        set beresp.grace = 10s;
    }
    # Never keep an answer that sets a cookie, lives 0 s, is private or
    # no-store, or varies on everything.
    call vcl_builtin_backend_response;
    return (deliver);
}

sub vcl_backend_error {
    # Another try (the next app server, with several) for reads only.
    if (bereq.retries == 0 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
    # A view count that cannot be had leaves its place in the story empty,
    # rather than put Varnish's error page there.
    if (bereq.url ~ "^(/[a-z]{2})?/views/") {
        set beresp.http.Content-Type = "text/plain; charset=utf-8";
        set beresp.body = "";
        return (deliver);
    }
}

sub vcl_deliver {
    if (req.http.X-Cache) {
        set resp.http.X-Cache = req.http.X-Cache;
    }
    # A page with includes changes with each of them (the view count): no
    # validator, so a browser never keeps an old copy through a 304.
    if (obj.can_esi) {
        unset resp.http.ETag;
        unset resp.http.Last-Modified;
    }
    # Surrogate-Key, xkey and Cache-Tag stay: the page says what it shows.
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}
