"""A PostgreSQL primary and its streaming replica on loopback (tests/process/test_replica.py): a
cluster made with initdb in a temporary directory (wal_level=replica), a replica copied
from it with `pg_basebackup -R` (standby.signal and primary_conninfo written), both
started with pg_ctl on free ports and stopped (immediate mode, by their own data
directory's postmaster) even when the test fails. PostgreSQL refuses to run as root: as
root the binaries run as the `postgres` user through runuser."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.ports import free_port

DATABASE = "expertbot"
HOW_TO_ENABLE = ("needs PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup: the "
                 "postgresql package; /usr/lib/postgresql/<version>/bin is searched) and, "
                 "when run as root, a `postgres` user to run them as")


def pg_bin() -> Path | None:
    """The directory holding initdb, pg_ctl and pg_basebackup together (one version), when
    installed: the newest /usr/lib/postgresql/<version>/bin, else initdb's on the PATH
    (links resolved: Debian puts only some of them on it)."""
    found = shutil.which("initdb")
    candidates = [*sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True),
                  *([str(Path(found).resolve().parent)] if found else [])]
    for directory in candidates:
        if all((Path(directory) / b).exists() for b in ("initdb", "pg_ctl", "pg_basebackup")):
            return Path(directory)
    return None


def _as_postgres() -> list[str]:
    """The prefix that runs a server binary as a user PostgreSQL accepts."""
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")  # KeyError: no user to run as
    return ["runuser", "-u", "postgres", "--"]



def copy_schema(template_url: str, target_url: str, bin_dir: Path) -> None:
    """The test template's tables (migrated once by the run) into `target_url`: pg_dump piped
    into psql, ~1 s where the migrations from scratch take ~20 s of CPU."""
    dump = subprocess.run([str(bin_dir / "pg_dump"), "--no-owner", "--no-privileges",
                           "-d", template_url.replace("postgres://", "postgresql://")],
                          check=True, capture_output=True, timeout=120)
    subprocess.run([str(bin_dir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d",
                    target_url.replace("postgres://", "postgresql://")],
                   input=dump.stdout, check=True, capture_output=True, timeout=120)


@dataclass
class Cluster:
    name: str
    data: Path
    port: int

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@dataclass
class StreamingPair:
    """The primary and its replica, and how to stop and start the replica."""

    base: Path
    bin: Path
    prefix: list[str]
    primary: Cluster | None = None
    replica: Cluster | None = None

    def run(self, binary: str, *args: str) -> None:
        subprocess.run([*self.prefix, str(self.bin / binary), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def start(self, cluster: Cluster) -> None:
        """Start a cluster and wait until it accepts connections (pg_ctl -w)."""
        self.run("pg_ctl", "-D", str(cluster.data), "-l", str(self.base / f"{cluster.name}.log"),
                 "-w", "-t", "60", "-o",
                 f"-p {cluster.port} -k {self.base} -c listen_addresses=127.0.0.1", "start")

    def stop(self, cluster: Cluster) -> None:
        """Stop the cluster's own postmaster (its data directory's postmaster.pid)."""
        if (cluster.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(cluster.data), "-m", "immediate", "-w", "stop")

    def make(self) -> None:
        primary = Cluster("primary", self.base / "primary", free_port())
        self.run("initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8", "--no-sync")
        with (primary.data / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                       "shared_buffers = 16MB\nmax_connections = 60\n")
        self.primary = primary  # stopped at the end even if its start times out
        self.start(primary)
        replica = Cluster("replica", self.base / "replica", free_port())
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                 "-D", str(replica.data), "-R", "-X", "stream")
        self.replica = replica
        self.start(replica)


@contextlib.contextmanager
def streaming_pair() -> Iterator[StreamingPair]:
    """A primary and its streaming replica, both stopped and their files removed at the end.
    Raises RuntimeError (with HOW_TO_ENABLE) where the binaries are missing or unusable."""
    directory = pg_bin()
    if directory is None:
        raise RuntimeError(HOW_TO_ENABLE)
    try:
        prefix = _as_postgres()
    except KeyError:
        raise RuntimeError(HOW_TO_ENABLE) from None
    base = Path(tempfile.mkdtemp(prefix="expertbot-pg-", dir="/tmp"))
    if prefix:
        shutil.chown(base, "postgres", "postgres")
    pair = StreamingPair(base, directory, prefix)
    try:
        try:
            pair.make()
        except (OSError, subprocess.SubprocessError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            raise RuntimeError(f"{HOW_TO_ENABLE} ({exc}: {detail.decode()[-300:]})") from exc
        yield pair
    finally:
        for cluster in (pair.replica, pair.primary):
            if cluster is not None:
                with contextlib.suppress(subprocess.SubprocessError, OSError):
                    pair.stop(cluster)
        shutil.rmtree(base, ignore_errors=True)
