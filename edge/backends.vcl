# The app servers behind the edge, and who may purge it: this machine and the
# app servers. `make serve` (edge/serve.py) renders its own copy with the
# ports it chose; this one, for gunicorn on 127.0.0.1:8001 and its view
# counts on 127.0.0.1:8002, lets
# `varnishd -C -f edge/default.vcl -p vcl_path=$PWD/edge` check the VCL.
import directors;

backend app1 {
    .host = "127.0.0.1";
    .port = "8001";
    .connect_timeout = 1s;
    .first_byte_timeout = 60s;
}

backend counting1 {
    .host = "127.0.0.1";
    .port = "8002";
    .connect_timeout = 1s;
    .first_byte_timeout = 60s;
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
    new counting = directors.round_robin();
    counting.add_backend(counting1);
}

sub app_backend {
    set req.backend_hint = app.backend();
}

# The view-count includes, asked on every article reading.
sub counting_backend {
    set req.backend_hint = counting.backend();
}

acl purgers {
    "127.0.0.1";
    "::1";
}
