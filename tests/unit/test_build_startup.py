"""build.py's start-up work, on the host: the trimmed stdlib (what it keeps, the guard against trimming a
top-level import, the finder's error), the .pyc-only zip, and the server's Content-Encoding negotiation."""

from __future__ import annotations

import threading
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..build_script import load_build_script

ROOT = Path(__file__).resolve().parents[2]
STOCK_STDLIB = ROOT / "node_modules" / "pyodide" / "python_stdlib.zip"


@pytest.fixture(scope="module")
def build() -> Any:
    return load_build_script()


def test_imported_names_resolves_relative_and_from_imports(build: Any) -> None:
    source = "import os, json as j\nfrom . import base\nfrom ..util import (a,\n  b as c)\n    import re\n"
    names = build.imported_names("pkg.sub.mod", source, is_package=False)
    assert {"os", "json", "pkg.sub", "pkg.sub.base", "pkg.util", "pkg.util.a", "pkg.util.b", "re"} <= names


def test_trimmed_stdlib_keeps_what_starts_pyodide_and_gameport(build: Any) -> None:
    shipped, trimmed = build.trim_stdlib(STOCK_STDLIB, ["urllib.parse", "tomllib"])
    members = {name for name, _ in shipped}
    needed = ["site.py", "asyncio/__init__.py", "_pyodide/_base.py", "pyodide/webloop.py", "json/__init__.py"]
    needed += ["encodings/utf_8.py", "urllib/parse.py", "tomllib/__init__.py", "ipaddress.py"]
    assert [name for name in needed if name not in members] == []
    assert {"email", "unittest", "multiprocessing", "pydoc", "tarfile", "ssl"} <= set(trimmed)
    # a package trimmed whole is named once, not with each of its modules
    assert not [name for name in trimmed if name.startswith("email.")]
    assert len(members) < 0.5 * len(zipfile.ZipFile(STOCK_STDLIB).namelist())


def test_trimming_a_module_that_a_kept_one_imports_at_its_top_level_fails_the_build(
    build: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "STDLIB_TRIM", (*build.STDLIB_TRIM, "ipaddress"))
    with pytest.raises(
        build.BuildFailed, match=r"drops ipaddress, which urllib\.parse imports at its top level"
    ):
        build.trim_stdlib(STOCK_STDLIB, ["urllib.parse"])


def test_the_finder_names_the_trimmed_module_and_how_to_keep_it(build: Any) -> None:
    namespace: dict[str, Any] = {}
    exec(build.TRIMMED_FINDER.format(trimmed=["email", "encodings.cp1252"]), namespace)
    finder = namespace["TrimmedStdlibFinder"]
    assert finder.find_spec("json") is None
    with pytest.raises(ModuleNotFoundError) as caught:
        finder.find_spec("email")
    assert caught.value.name == "email"
    assert "trimmed from this game's browser build" in str(caught.value)
    assert "STDLIB_KEEP in gameport's build.py" in str(caught.value)
    with pytest.raises(ModuleNotFoundError, match=r"'encodings\.cp1252'"):
        finder.find_spec("encodings.cp1252")


def test_built_stdlib_is_pyc_only_with_the_finder(build: Any) -> None:
    dist_zip = ROOT / "dist" / "pyodide" / "python_stdlib.zip"
    assert dist_zip.exists(), "run python3 build.py build first"
    with zipfile.ZipFile(dist_zip) as archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        assert f"{build.TRIMMED_FINDER_MODULE}.pyc" in names and "asyncio/__init__.pyc" in names
        assert not [n for n in names if n.endswith(".py")]
        assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}
        header = archive.read("asyncio/__init__.pyc")[:16]
    assert int.from_bytes(header[4:8], "little") == 0b01  # PEP 552: hash-based, unchecked


@pytest.mark.parametrize(
    ("accept", "variants", "expected"),
    [
        ("gzip, deflate, br, zstd", (".gz", ".br"), "br"),
        ("gzip, deflate", (".gz", ".br"), "gzip"),
        ("br;q=0, gzip;q=0.5", (".gz", ".br"), "gzip"),
        ("*", (".gz", ".br"), "br"),
        ("br", (".gz",), None),
        ("", (".gz", ".br"), None),
        ("identity", (".gz", ".br"), None),
        ("gzip;q=0", (".gz",), None),
    ],
)
def test_encoding_negotiation(
    build: Any, tmp_path: Path, accept: str, variants: tuple[str, ...], expected: str | None
) -> None:
    (tmp_path / "a.wasm").write_bytes(b"raw")
    for suffix in variants:
        (tmp_path / f"a.wasm{suffix}").write_bytes(suffix.encode())
    assert build.negotiate_encoding(accept, tmp_path / "a.wasm") == expected


@pytest.fixture
def served(build: Any, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    (tmp_path / "x.wasm").write_bytes(b"\0asm" + bytes(4000))
    build.precompress(tmp_path)
    (tmp_path / "plain.txt").write_text("plain")
    server = build.make_server({"/": tmp_path}, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    server.server_close()


def _get(url: str, accept: str | None) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={} if accept is None else {"Accept-Encoding": accept})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return {k.lower(): v for k, v in answer.headers.items()}, answer.read()


def test_server_sends_the_precompressed_file_with_its_content_encoding(served: tuple[str, Path]) -> None:
    base, folder = served
    assert (folder / "x.wasm.br").exists() and (folder / "x.wasm.gz").exists()
    for accept, encoding, body in (
        ("gzip, deflate, br", "br", (folder / "x.wasm.br").read_bytes()),
        ("gzip", "gzip", (folder / "x.wasm.gz").read_bytes()),
        (None, None, (folder / "x.wasm").read_bytes()),
    ):
        headers, got = _get(f"{base}/x.wasm", accept)
        assert headers.get("content-encoding") == encoding
        assert headers["content-type"] == "application/wasm"
        assert headers["vary"] == "Accept-Encoding"
        assert headers["content-length"] == str(len(body)) and got == body
    headers, got = _get(f"{base}/plain.txt", "br")
    assert "content-encoding" not in headers and "vary" not in headers and got == b"plain"


def test_the_stdlib_build_is_deterministic(build: Any, tmp_path: Path) -> None:
    first, second = tmp_path / "one.zip", tmp_path / "two.zip"
    assert build.build_stdlib(first) == build.build_stdlib(second)
    assert first.read_bytes() == second.read_bytes()


def test_gameport_never_imports_a_trimmed_module_at_its_top_level(build: Any, tmp_path: Path) -> None:
    everything, top_level = build.gameport_stdlib_imports()
    assert {"asyncio", "json", "urllib.parse"} <= top_level <= everything
    _, trimmed = build.trim_stdlib(STOCK_STDLIB, sorted(everything))
    assert [name for name in top_level if build._under(name, trimmed)] == []
    # and the check sees one: a browser module importing email at its top level
    package = tmp_path / "gameport"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import json\nimport email.message\nfrom base64 import (\n    b64encode,\n)\n"
        '"""it is a docstring (with a paren)"""\n\ndef later():\n    import tarfile\n'
    )
    everything, top_level = build.gameport_stdlib_imports(package)
    assert "email.message" in top_level and "tarfile" in everything and "tarfile" not in top_level
    assert "base64.b64encode" in top_level and top_level <= everything
    assert build._under("email.message", ["email"])
