"""wasm_features.py on purpose-made modules (bytes written here, one feature each) and on Pyodide's own wasm.

The binaries are built with a few encoding helpers below (LEB128, sections, vectors); every opcode byte is
from the WebAssembly binary format. The parser is the real one (PyPI wasm-tools, in .venv).
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import wasm_facts  # noqa: E402
import wasm_features as wf  # noqa: E402
from wasm_rules import RULES  # noqa: E402

I32, I64, F32, V128, EXTERNREF = b"\x7f", b"\x7e", b"\x7d", b"\x7b", b"\x6f"
PYODIDE_WASM = ROOT / "node_modules" / "pyodide" / "pyodide.asm.wasm"


def leb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def vec(items: list[bytes]) -> bytes:
    return leb(len(items)) + b"".join(items)


def name(text: str) -> bytes:
    return leb(len(text)) + text.encode()


def section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id]) + leb(len(payload)) + payload


def custom(section_name: str, payload: bytes) -> bytes:
    return section(0, name(section_name) + payload)


def functype(params: bytes = b"", results: bytes = b"") -> bytes:
    return b"\x60" + vec([bytes([p]) for p in params]) + vec([bytes([r]) for r in results])


def module(*sections: bytes) -> bytes:
    return b"\0asm\x01\0\0\0" + b"".join(sections)


def one_function(ftype: bytes, body: bytes, *before_code: bytes, after_type: bytes = b"") -> bytes:
    """A module with one function of type ``ftype`` whose instructions are ``body`` (``end`` added)."""
    code = b"\x00" + body + b"\x0b"  # no locals
    return module(
        section(1, vec([ftype])),
        after_type,
        section(3, vec([leb(0)])),
        *before_code,
        section(10, vec([leb(len(code)) + code])),
    )


MVP = one_function(functype(b"", I32), b"\x41\x01", section(5, vec([b"\x00\x01"])))
TAG = section(13, vec([b"\x00" + leb(0)]))  # tag of type 0: (i32) -> ()
MODULES: dict[str, bytes] = {
    # try; i32.const 1; throw 0; catch 0; drop; end  (legacy encoding, a Tag section)
    "exception-handling": module(
        section(1, vec([functype(I32), functype()])),
        section(3, vec([leb(1)])),
        TAG,
        section(10, vec([leb(12) + b"\x00\x06\x40\x41\x01\x08\x00\x07\x00\x1a\x0b\x0b"])),
    ),
    # local.get 0; ref.is_null  on an externref parameter
    "reference-types": one_function(functype(EXTERNREF, I32), b"\x20\x00\xd1"),
    "simd128": one_function(functype(b"", V128), b"\xfd\x0c" + bytes(range(16))),  # v128.const
    "multivalue": one_function(functype(b"", I32 + I32), b"\x41\x01\x41\x02"),
    # i32.const 0 (x3); memory.fill 0
    "bulk-memory": one_function(
        functype(), b"\x41\x00" * 3 + b"\xfc\x0b\x00", section(5, vec([b"\x00\x01"]))
    ),
    # dylink.0 with its mem_info subsection (memory size, align, table size, align)
    "dynamic-linking": module(custom("dylink.0", b"\x01\x04\x00\x00\x00\x00"), MVP[8:]),
    "sign-ext": one_function(functype(b"", I32), b"\x41\x01\xc0"),  # i32.extend8_s
    "nontrapping-fptoint": one_function(functype(b"", I32), b"\x43\0\0\0\0\xfc\x00"),  # i32.trunc_sat_f32_s
    "tail-call": one_function(functype(), b"\x12\x00"),  # return_call 0
    # a shared memory (flags: max + shared) and i32.atomic.load
    "atomics": one_function(
        functype(b"", I32), b"\x41\x00\xfe\x10\x02\x00", section(5, vec([b"\x03\x01\x01"]))
    ),
    "memory64": module(section(5, vec([b"\x04\x01"]))),
    "gc": module(section(1, vec([b"\x5f" + vec([I32 + b"\x00"])]))),  # (struct (field i32))
    "mutable-globals": module(section(2, vec([name("env") + name("g") + b"\x03" + I32 + b"\x01"]))),
    "exported-globals": module(
        section(6, vec([I32 + b"\x00\x41\x00\x0b"])), section(7, vec([name("g") + b"\x03" + leb(0)]))
    ),
}


def report_of(tmp_path: Path, data: bytes, filename: str = "m.wasm") -> wf.FeatureReport:
    path = tmp_path / filename
    path.write_bytes(data)
    return wf.feature_report([path], cache_dir=None)


def test_a_plain_mvp_module_uses_no_feature_and_every_checklist_item_passes(tmp_path: Path) -> None:
    report = report_of(tmp_path, MVP)
    assert report.modules[0].used() == []
    items = wf.checklist_items(report)
    assert [item.status for item in items] == ["pass"] * len(RULES)


@pytest.mark.parametrize("feature", sorted(MODULES))
def test_each_feature_is_found_and_nothing_else(tmp_path: Path, feature: str) -> None:
    report = report_of(tmp_path, MODULES[feature])
    (module_report,) = report.modules
    assert module_report.used() == [feature]
    use = next(u for u in module_report.features if u.feature == feature)
    assert use.evidence and use.risk is wf.DEVICE_RISKS[feature] and use.verdict == "verify on a device"


def test_the_new_exnref_encoding_counts_as_exception_handling(tmp_path: Path) -> None:
    # block; try_table (catch_all 0); end; end
    report = report_of(tmp_path, one_function(functype(), b"\x02\x40\x1f\x40\x01\x02\x00\x0b\x0b"))
    (use,) = [u for u in report.modules[0].features if u.used]
    assert use.feature == "exception-handling" and "exnref try_table: try_table 1" in use.evidence


def test_a_used_risky_feature_is_a_manual_checklist_item_naming_its_source(tmp_path: Path) -> None:
    report = report_of(tmp_path, MODULES["exception-handling"], "game.wasm")
    items = {item.name.split(" (")[0]: item for item in wf.checklist_items(report)}
    risk = wf.DEVICE_RISKS["exception-handling"]
    item = items["verify on a device: exception-handling"]
    assert item.status == "manual" and item.name.endswith(f"({risk.source})")
    assert "game.wasm: 1 tags in a Tag section" in item.detail and "magic Tag section" in item.detail
    assert items["wasm feature not used: simd128"].status == "pass"
    lines = "\n".join(wf.format_report(report))
    assert "[verify on a device] exception-handling: 1 tags in a Tag section" in lines
    assert "target_features: no such section" in lines


def test_the_risk_table_covers_what_the_sibling_runtimes_refused() -> None:
    assert set(wf.DEVICE_RISKS) <= set(RULES)
    for feature in ("exception-handling", "reference-types", "multivalue", "simd128", "dynamic-linking"):
        assert "tiktok-native-and-payments.md" in wf.DEVICE_RISKS[feature].source
    assert "Tag section" in wf.DEVICE_RISKS["exception-handling"].refusal
    assert "invalid wasm file" in wf.DEVICE_RISKS["reference-types"].refusal


def test_target_features_are_compared_with_what_the_parser_found(tmp_path: Path) -> None:
    features = custom("target_features", vec([b"+" + name("simd128"), b"+" + name("multivalue")]))
    report = report_of(tmp_path, MODULES["simd128"] + features)
    assert report.modules[0].target_features == ("+simd128", "+multivalue")
    assert report.modules[0].declared_unused == ("multivalue",)
    assert report.modules[0].used_undeclared == ()
    report = report_of(tmp_path, MODULES["sign-ext"] + features)
    assert report.modules[0].used_undeclared == ("sign-ext",)
    assert "used, not declared by LLVM: sign-ext" in "\n".join(wf.format_report(report))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not wasm at all", "Bad magic"),
        (MVP[:-3], "beyond file boundary"),  # the code section is cut short
        (one_function(functype(), b"\xff"), "unknown opcodes"),
        (MVP.replace(b"\x0a\x06\x01\x04\x00", b"\x0a\x07\x01\x05\x00") + b"\x0b", "function body"),
        (b"\0asm\x0d\0\x01\0", "not a core module"),  # a component's header
    ],
)
def test_a_binary_the_parser_cannot_read_fully_is_an_error(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(wasm_facts.WasmReadError, match=message):
        report_of(tmp_path, data)


def test_facts_are_cached_by_sha256(tmp_path: Path) -> None:
    (tmp_path / "a.wasm").write_bytes(MODULES["simd128"])
    first = wf.feature_report([tmp_path / "a.wasm"], cache_dir=tmp_path / "cache")
    again = wf.feature_report([tmp_path / "a.wasm"], cache_dir=tmp_path / "cache")
    assert [m.cached for m in first.modules + again.modules] == [False, True]
    assert again.modules[0] == wf.module_report(wasm_facts.read_facts(tmp_path / "a.wasm"), cached=True)
    stored = json.loads((tmp_path / "cache" / f"{first.modules[0].sha256}.json").read_text())
    assert stored["facts"]["opcodes"] == {"v128.const": 1, "end": 1}
    assert stored["facts"]["parser"] == first.parser == f"wasm-tools {version('wasm-tools')}"
    (tmp_path / "cache" / f"{first.modules[0].sha256}.json").write_text("{damaged")
    assert not wf.feature_report([tmp_path / "a.wasm"], cache_dir=tmp_path / "cache").modules[0].cached


def test_build_py_python_without_the_parser_reads_through_the_venv(tmp_path: Path) -> None:
    (tmp_path / "m.wasm").write_bytes(MODULES["multivalue"])
    done = subprocess.run(
        ["python3", str(ROOT / "wasm_features.py"), str(tmp_path / "m.wasm")],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "[verify on a device] multivalue: 1 function types with several results" in done.stdout
    assert "[manual] verify on a device: multivalue" in done.stdout


@pytest.mark.slow
def test_pyodide_wasm_uses_legacy_exceptions_reference_types_and_dynamic_linking(tmp_path: Path) -> None:
    report = wf.feature_report([PYODIDE_WASM], cache_dir=tmp_path)
    (module_report,) = report.modules
    assert module_report.used() == [
        "exception-handling",
        "reference-types",
        "bulk-memory",
        "sign-ext",
        "nontrapping-fptoint",
        "mutable-globals",
        "exported-globals",
        "dynamic-linking",
    ]
    evidence = {u.feature: u.evidence for u in module_report.features}
    assert (
        "Tag section" in evidence["exception-handling"]
        and "legacy try/catch: try " in evidence["exception-handling"]
    )
    assert "exnref" not in evidence["exception-handling"]
    assert "dylink.0" in evidence["dynamic-linking"] and "GOT.func imports" in evidence["dynamic-linking"]
    assert "3 tables (funcref, externref, externref)" in evidence["reference-types"]
    assert module_report.target_features is None  # Emscripten's link drops the section
    again = wf.feature_report([PYODIDE_WASM], cache_dir=tmp_path)
    assert again.modules[0].cached and again.modules[0].features == module_report.features
