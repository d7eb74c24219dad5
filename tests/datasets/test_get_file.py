"""get_file: real downloads from a local HTTP server, hashes, cache reuse, atomic writes."""

from __future__ import annotations

import hashlib
import io
import os
import pathlib
import tarfile
import zipfile

import pytest

from strata.datasets._download import DownloadError, get_file, hash_file, strata_home

PAYLOAD = b"strata test payload\n" * 100_000  # 2 MB: more than one read chunk
SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
MD5 = hashlib.md5(PAYLOAD).hexdigest()


@pytest.fixture
def served(server):
    (server.root / "data.bin").write_bytes(PAYLOAD)
    return server


def _cache_files(home):
    return sorted(p.name for p in (home / "datasets").iterdir())


def test_downloads_into_strata_home_and_verifies_sha256(served, cache_home, capsys):
    path = get_file("data.bin", origin=f"{served.url}/data.bin", file_hash=SHA256)
    assert path == str(cache_home / "datasets" / "data.bin")
    assert pathlib.Path(path).read_bytes() == PAYLOAD
    assert capsys.readouterr().out == f"Downloading data from {served.url}/data.bin\n"
    assert _cache_files(cache_home) == ["data.bin"]  # no temporary file left over


def test_md5_is_picked_by_hash_length_and_fname_defaults_to_url_name(served, cache_home):
    path = get_file(origin=f"{served.url}/data.bin", file_hash=MD5)
    assert os.path.basename(path) == "data.bin"
    assert hash_file(path, "md5") == MD5


def test_cached_file_is_reused_without_network(served, cache_home):
    origin = f"{served.url}/data.bin"
    first = get_file("data.bin", origin=origin, file_hash=SHA256)
    served.stop()
    assert get_file("data.bin", origin=origin, file_hash=SHA256) == first
    assert len(served.requests) == 1


def test_cached_file_with_wrong_hash_is_downloaded_again(served, cache_home, capsys):
    target = cache_home / "datasets" / "data.bin"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"stale")
    get_file("data.bin", origin=f"{served.url}/data.bin", file_hash=SHA256)
    assert target.read_bytes() == PAYLOAD
    assert "downloaded again" in capsys.readouterr().out


def test_force_download_fetches_again(served, cache_home):
    origin = f"{served.url}/data.bin"
    get_file("data.bin", origin=origin)
    get_file("data.bin", origin=origin, force_download=True)
    assert len(served.requests) == 2


def test_hash_mismatch_raises_and_leaves_nothing(served, cache_home):
    wrong = "0" * 64
    with pytest.raises(ValueError, match=f"data.bin.*sha256 hash is {SHA256}, expected {wrong}"):
        get_file("data.bin", origin=f"{served.url}/data.bin", file_hash=wrong)
    assert _cache_files(cache_home) == []


def test_truncated_download_leaves_no_partial_file(served, cache_home):
    served.truncate.add("data.bin")
    with pytest.raises(DownloadError, match="data.bin"):
        get_file("data.bin", origin=f"{served.url}/data.bin")
    assert _cache_files(cache_home) == []


def test_http_error_names_url_and_status(served, cache_home):
    with pytest.raises(DownloadError, match=r"missing\.bin: the server answered HTTP 404"):
        get_file("missing.bin", origin=f"{served.url}/missing.bin")
    assert _cache_files(cache_home) == []


def test_network_failure_explains_the_offline_option(served, cache_home):
    served.stop()
    target = cache_home / "datasets" / "data.bin"
    with pytest.raises(DownloadError, match=f"Could not download .*copy the file to {target}"):
        get_file("data.bin", origin=f"{served.url}/data.bin")


def test_cache_dir_and_absolute_cache_subdir(served, tmp_path, cache_home):
    origin = f"{served.url}/data.bin"
    path = get_file("a.bin", origin=origin, cache_dir=tmp_path / "c")
    assert path == str(tmp_path / "c" / "datasets" / "a.bin")
    path = get_file("b.bin", origin=origin, cache_subdir=str(tmp_path / "abs"))
    assert path == str(tmp_path / "abs" / "b.bin")


def test_strata_home_default(monkeypatch):
    monkeypatch.delenv("STRATA_HOME", raising=False)
    assert strata_home() == os.path.expanduser(os.path.join("~", ".strata"))


def test_argument_errors(cache_home):
    with pytest.raises(ValueError, match="Received: origin=None"):
        get_file("x.bin")
    with pytest.raises(ValueError, match="plain file name.*Received: fname='a/b.bin'"):
        get_file("a/b.bin", origin="http://127.0.0.1:9/x")
    with pytest.raises(ValueError, match="Received: hash_algorithm='sha1'"):
        get_file("x.bin", origin="http://127.0.0.1:9/x", hash_algorithm="sha1")


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_extract_tar_gz(server, cache_home):
    (server.root / "photos.tgz").write_bytes(_tar_gz({"photos/a.txt": b"A", "photos/b/c.txt": b"C"}))
    out = get_file(origin=f"{server.url}/photos.tgz", extract=True)
    assert out == str(cache_home / "datasets" / "photos_extracted")
    assert pathlib.Path(out, "photos", "b", "c.txt").read_bytes() == b"C"
    # Older spelling: a name without a dot names the folder; the archive sits beside it.
    out = get_file("flowers", origin=f"{server.url}/photos.tgz", untar=True)
    assert out == str(cache_home / "datasets" / "flowers")
    assert os.path.isfile(os.path.join(out, "photos", "a.txt"))
    assert os.path.isfile(str(cache_home / "datasets" / "flowers_archive"))


def test_extract_zip_and_refuse_escaping_members(server, cache_home):
    for name, member in (("ok.zip", "inner/x.txt"), ("evil.zip", "../evil.txt")):
        with zipfile.ZipFile(server.root / name, "w") as z:
            z.writestr(member, b"X")
    out = get_file(origin=f"{server.url}/ok.zip", extract=True)
    assert os.path.isfile(os.path.join(out, "inner", "x.txt"))
    with pytest.raises(ValueError, match="'../evil.txt' would land outside"):
        get_file(origin=f"{server.url}/evil.zip", extract=True)
    assert not (cache_home / "evil.txt").exists()


def test_extract_of_a_non_archive_is_an_error(served, cache_home):
    with pytest.raises(ValueError, match="cannot be extracted. Pass extract=False"):
        get_file(origin=f"{served.url}/data.bin", extract=True)
