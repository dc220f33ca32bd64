"""A full or read-only disk as one clear error: the classification, the CLI and the HTTP shape.

The real thing (a full tmpfs, a read-only mount) is in test_faults_disk.py, which needs
root; these run everywhere.
"""

from __future__ import annotations

import pytest

from kg import cli
from kg.errors import StorageError, storage_error
from kg.web.errors import error_body

ROCKSDB_FULL = OSError("IO error: No space left on device: While appending to file: "
                       "/srv/kg/.kg/store.new-42/000012.sst: No space left on device")


@pytest.mark.parametrize("error, what, path", [
    (ROCKSDB_FULL, "no space left on the disk", "/srv/kg/.kg/store.new-42/000012.sst"),
    (OSError(28, "No space left on device", "/srv/kg/data/x.ttl"), "no space left on the disk", "/srv/kg/data/x.ttl"),
    (OSError("IO error: While mkdir if missing: /srv/kg/.kg/store.new-7: Read-only file system"),
     "the file system is read-only", "/srv/kg/.kg/store.new-7"),
    (OSError(1, "Operation not permitted", "/srv/kg/.kg/ingest.lock"), "permission denied", "/srv/kg/.kg/ingest.lock"),
])
def test_a_storage_fault_says_what_where_and_what_to_do(error, what, path):
    fault = storage_error(error)
    assert isinstance(fault, StorageError) and fault.status == 507
    assert fault.message == f"cannot write {path}: {what}"
    assert fault.hint


def test_other_os_errors_are_not_storage_faults():
    assert storage_error(ConnectionRefusedError(111, "Connection refused")) is None


def test_http_clients_get_507_without_the_servers_paths():
    status, body = error_body(ROCKSDB_FULL)
    assert status == 507 and body["title"] == "cannot write to disk"
    assert "no space left on the disk" in body["error"] and "/srv" not in body["error"] + body["hint"]
    assert error_body(ConnectionRefusedError(111, "Connection refused"))[0] == 500


def test_the_cli_prints_the_fault_not_a_traceback(built, monkeypatch, capsys):
    def full(*args, **kwargs):
        raise ROCKSDB_FULL

    monkeypatch.setattr("kg.write.build.build", full)
    assert cli.main(["build", "--project-dir", str(built.root)]) == 2
    err = capsys.readouterr().err
    assert "error: cannot write /srv/kg/.kg/store.new-42/000012.sst: no space left on the disk" in err
    assert "hint: free some space" in err and "the store was not changed" in err
