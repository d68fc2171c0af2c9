"""The edge's VCL for the scale-out tests: the repo's own (edge/default.vcl,
which takes its app servers from an included backends.vcl) when there is one,
else a minimal VCL with the same contract. Either way the app servers are a
round-robin director of the test's gunicorns."""

import shutil
import tempfile
from pathlib import Path

from django.conf import settings

REPO_VCL = Path(settings.BASE_DIR) / "edge" / "default.vcl"

BACKENDS = """\
import directors;
{backends}
sub vcl_init {{
    new app = directors.round_robin();
{added}}}

sub app_backend {{
    set req.backend_hint = app.backend();
}}

acl purgers {{
    "127.0.0.1";
    "::1";
}}
"""

BACKEND = """
backend app{number} {{
    .host = "{host}";
    .port = "{port}";
    .connect_timeout = 1s;
    .first_byte_timeout = 60s;
}}
"""

# Keeps only answers the app tagged (xkey), purges by key from this machine,
# processes the view count's edge-side include.
MINIMAL_VCL = """\
vcl 4.1;

import xkey;
include "backends.vcl";

sub vcl_recv {
    call app_backend;
    unset req.http.Surrogate-Capability;
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.X-Purged));
    }
    unset req.http.xkey-purge;
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin" || req.http.Cookie ~ "(^|;)\\s*(sessionid|messages)=") {
        return (pass);
    }
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_fetch {
    set bereq.http.Surrogate-Capability = {"varnish="ESI/1.0""};
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Control ~ "ESI/1\\.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
    }
    if (!beresp.http.xkey) {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
}
"""


def render_backends(addresses):
    numbered = list(enumerate(addresses, start=1))
    return BACKENDS.format(
        backends="".join(
            BACKEND.format(number=number, host=host, port=port)
            for number, (host, port) in numbered
        ),
        added="".join(f"    app.add_backend(app{number});\n" for number, _ in numbered),
    )


def edge_folder(addresses):
    """A folder readable by the users varnishd drops to when run as root:
    default.vcl and its backends.vcl."""
    folder = Path(tempfile.mkdtemp(prefix="newsroom-edge-test-"))
    folder.chmod(0o755)
    if REPO_VCL.exists():
        shutil.copy(REPO_VCL, folder / "default.vcl")
    else:
        (folder / "default.vcl").write_text(MINIMAL_VCL)
    (folder / "backends.vcl").write_text(render_backends(addresses))
    return folder
