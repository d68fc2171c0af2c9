"""A streaming replica of the machine's PostgreSQL, made for one test:
`pg_basebackup -R` into a temporary folder, replaying with a delay
(`recovery_min_apply_delay`), logging every statement it runs, started with
`pg_ctl` (as the `postgres` user when we are root), stopped and removed
afterwards with its replication slot.

The primary must accept replication connections from 127.0.0.1. Debian's
default pg_hba.conf (`host all all …`) does not ("all" excludes replication);
when the file is writable here (root), a `host replication` line is added
for the replica's lifetime and the file's exact bytes are put back after."""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from .conftest import wait_until

HBA_LINE = "host replication {user} 127.0.0.1/32 trust  # newsroom test replica\n"
# Settings a hot standby must have at least as high as its primary.
AT_LEAST_THE_PRIMARYS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


@dataclass
class Replica:
    port: int
    log: Path
    primary: dict

    def replayed(self):
        """The replica's replayed WAL position, as a number."""
        (position,) = query(
            {**self.primary, "host": "127.0.0.1", "port": self.port},
            "SELECT pg_last_wal_replay_lsn() - '0/0'",
        )
        return int(position)

    def catches_up_with(self, position, timeout=30):
        """True once the replica has replayed the primary's WAL up to
        `position` (read once: others' writes keep moving the primary's)."""
        return wait_until(lambda: self.replayed() >= position, timeout)

    def statements_since(self, offset):
        return self.log.read_bytes()[offset:].decode(errors="replace")

    def log_size(self):
        return self.log.stat().st_size


def query(server, sql, params=()):
    """The first row `sql` answers on `server` (psycopg2 connection
    arguments), outside any transaction."""
    with closing(psycopg2.connect(**server)) as conn:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if cursor.description else None


def primary_wal_position(conn):
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'")
        return int(cursor.fetchone()[0])


def run_as_cluster_owner():
    """The command prefix that runs PostgreSQL's server tools: the server
    refuses to run as root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no postgres user to run a replica")
    if not shutil.which("runuser"):
        pytest.skip("running as root without runuser to start a replica as postgres")
    return ["runuser", "-u", "postgres", "--"]


def server_tools(major):
    for folder in (Path(f"/usr/lib/postgresql/{major}/bin"), None):
        tools = {
            name: (folder / name if folder else shutil.which(name))
            for name in ("pg_basebackup", "pg_ctl")
        }
        if all(tool and os.access(tool, os.X_OK) for tool in tools.values()):
            return {name: str(tool) for name, tool in tools.items()}
    pytest.skip(f"needs PostgreSQL {major}'s pg_basebackup and pg_ctl")


@contextmanager
def replication_allowed(primary):
    """Yield once the primary accepts replication connections from here."""
    hba = Path(query(primary, "SHOW hba_file")[0])
    original = hba.read_bytes() if os.access(hba, os.R_OK) else None
    line = HBA_LINE.format(user=primary["user"])
    if original is None or line.encode() in original:
        yield
        return
    if not os.access(hba, os.W_OK):
        yield  # pg_basebackup will say whether replication is allowed
        return
    hba.write_bytes(
        original + (b"" if original.endswith(b"\n") else b"\n") + line.encode()
    )
    reload(primary)
    try:
        yield
    finally:
        hba.write_bytes(original)
        reload(primary)


def reload(primary):
    query(primary, "SELECT pg_reload_conf()")
    time.sleep(0.3)  # the postmaster rereads its files asynchronously


def primary_settings(primary):
    (major,) = query(
        primary, "SELECT current_setting('server_version_num')::int / 10000"
    )
    values = {name: query(primary, f"SHOW {name}")[0] for name in AT_LEAST_THE_PRIMARYS}
    return major, values


@contextmanager
def streaming_replica(primary, port, apply_delay="3s"):
    """`primary`: psycopg2 connection arguments (host, port, user, dbname)."""
    major, at_least = primary_settings(primary)
    tools = server_tools(major)
    as_owner = run_as_cluster_owner()
    folder = Path(tempfile.mkdtemp(prefix="newsroom-replica-"))
    data = folder / "data"
    log = folder / "replica.log"
    if as_owner:
        shutil.chown(folder, "postgres", "postgres")
    slot = f"newsroom_test_replica_{os.getpid()}"
    try:
        with replication_allowed(primary):
            backup = subprocess.run(
                [
                    *as_owner,
                    tools["pg_basebackup"],
                    f"--host={primary['host']}",
                    f"--port={primary['port']}",
                    f"--username={primary['user']}",
                    f"--pgdata={data}",
                    "--write-recovery-conf",
                    "--wal-method=stream",
                    "--create-slot",
                    f"--slot={slot}",
                    "--checkpoint=fast",
                    "--no-sync",
                ],
                capture_output=True,
                text=True,
                timeout=180,
            )
            if backup.returncode != 0:
                pytest.skip(f"pg_basebackup failed: {backup.stderr.strip()}")
            try:
                configure(data, folder, port, apply_delay, at_least, as_owner)
                start = subprocess.run(
                    [
                        *as_owner,
                        tools["pg_ctl"],
                        "start",
                        "--wait",
                        "--timeout=60",
                        f"--pgdata={data}",
                        f"--log={log}",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=90,
                )
                assert start.returncode == 0, start.stderr + log.read_text()
                try:
                    yield Replica(port, log, primary)
                finally:
                    subprocess.run(
                        [
                            *as_owner,
                            tools["pg_ctl"],
                            "stop",
                            "--mode=fast",
                            f"--pgdata={data}",
                        ],
                        capture_output=True,
                        timeout=90,
                    )
            finally:
                drop_slot(primary, slot)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def configure(data, folder, port, apply_delay, at_least, as_owner):
    """Its own port, socket folder and client rules; the delay; a query log."""
    settings = {
        "port": port,
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{folder}'",
        "hot_standby": "on",
        "log_statement": "'all'",
        "log_line_prefix": "'%m [%d] '",
        "logging_collector": "off",
        **{name: f"'{value}'" for name, value in at_least.items()},
    }
    with (data / "postgresql.conf").open("a") as conf:
        conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
    with (data / "postgresql.auto.conf").open("a") as auto:
        auto.write(f"recovery_min_apply_delay = '{apply_delay}'\n")
    (data / "pg_hba.conf").write_text(
        "local all all trust\nhost all all 127.0.0.1/32 trust\n"
    )
    (data / "pg_ident.conf").touch()
    if as_owner:
        for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
            shutil.chown(data / name, "postgres", "postgres")
        shutil.chown(folder, "postgres", "postgres")


def drop_slot(primary, slot):
    """Drop the slot once its sender has gone (it lingers a moment after the
    replica stops); a slot left behind would keep WAL on the primary forever."""
    for _ in range(100):
        row = query(
            primary,
            "SELECT active FROM pg_replication_slots WHERE slot_name = %s",
            [slot],
        )
        if row is None:
            return
        if not row[0]:
            query(primary, "SELECT pg_drop_replication_slot(%s)", [slot])
            return
        time.sleep(0.1)
