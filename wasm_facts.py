"""What a WebAssembly binary contains, read with a real parser: PyPI's ``wasm-tools`` (pinned in pyproject).

:func:`read_facts` walks every section and every instruction of one module and answers a JSON-able
:class:`ModuleFacts` (instruction counts, types, imports, exports, tables, memories, tags, segments, custom
sections, LLVM's ``target_features``). wasm_features.py turns facts into features; this file only reads.

``wasm-tools`` lives in .venv (``python3 build.py setup``); build.py runs on a bare python3, so
:func:`facts_for` reads in this interpreter when the package imports, else runs
``.venv/bin/python wasm_facts.py PATH...`` (JSON on stdout). Facts are cached by the binary's sha256.

The library skips a section it cannot decode and names an unknown opcode ``unknown_..``; both become a
:class:`WasmReadError` here, as does a section or function body that does not end where its size says.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import subprocess
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PARSER = "wasm-tools"
SCHEMA = 1  # bump when ModuleFacts changes: cached facts of another schema are read again
SECTIONS = {1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global", 7: "export"}
SECTIONS |= {8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount", 13: "tag"}
# Block types are one signed byte: these are the non-numeric value types (anything else below 0x7B is GC).
_BLOCK_REFS = {0x7B: "v128", 0x70: "funcref", 0x6F: "externref", 0x69: "exnref"}
_NUMERIC = {"i32", "i64", "f32", "f64"}


class WasmReadError(Exception):
    """The binary could not be read completely; the message names the file and what went wrong."""


@dataclass
class ModuleFacts:
    path: str
    sha256: str
    size: int
    parser: str = ""
    sections: list[str] = field(default_factory=list)  # known sections in file order
    custom_sections: list[str] = field(default_factory=list)
    target_features: list[str] | None = None  # "+name" / "-name" as LLVM wrote them; None: no section
    opcodes: dict[str, int] = field(default_factory=dict)
    typed_selects: int = 0
    call_indirect_other_tables: int = 0  # call_indirect through a table other than 0
    func_types: int = 0
    multi_result_types: int = 0
    gc_types: int = 0  # struct / array types
    multi_value_blocks: int = 0  # block types given by a type index (params or several results)
    valtypes: dict[str, int] = field(default_factory=dict)  # non-numeric types in signatures/locals/globals
    imports: dict[str, int] = field(default_factory=dict)  # by kind
    got_imports: dict[str, int] = field(default_factory=dict)  # "GOT.mem" / "GOT.func"
    mutable_global_imports: int = 0
    global_exports: int = 0
    mutable_global_exports: int = 0
    tables: list[str] = field(default_factory=list)  # element type of each table, imported first
    tables64: int = 0
    memories: int = 0
    memories64: int = 0
    shared_memories: int = 0
    tags: int = 0
    passive_data: int = 0
    passive_elems: int = 0
    functions: int = 0


class _Collector:
    """The parser's delegate: it calls only the callbacks defined here (it checks with hasattr)."""

    def __init__(self, facts: ModuleFacts) -> None:
        self.facts = facts
        self.ops: Counter[str] = Counter()
        self.valtypes: Counter[str] = Counter()
        self.types: list[tuple[list[str], list[str]]] = []
        self.global_mutable: list[bool] = []
        self.errors: list[str] = []
        self.offset = 0  # the reader writes the current offset here

    def begin_module(self, version: int) -> None:
        if version != 1:
            self.errors.append(f"version {version:#x} is not a core module (a component?)")

    def begin_section(self, section_index: int, section_code: int, size: int) -> None:
        if section_code:
            self.facts.sections.append(SECTIONS.get(section_code, f"unknown section {section_code}"))

    def begin_custom_section(self, section_index: int, size: int, section_name: str) -> None:
        self.facts.custom_sections.append(section_name)
        if section_name == "target_features":
            self.facts.target_features = []

    def on_target_feature(self, enabled: bool, name: str) -> None:
        assert self.facts.target_features is not None
        self.facts.target_features.append(("+" if enabled else "-") + name)

    def on_error(self, message: str) -> None:
        self.errors.append(message)

    def _valtypes(self, types: list[str]) -> None:
        self.valtypes.update(t for t in types if t not in _NUMERIC)

    def on_type_kind(self, index: int, kind: str) -> None:
        if kind != "func":
            self.facts.gc_types += 1

    def on_type(self, index: int, params: list[str], results: list[str]) -> None:
        self.types.append((params, results))
        self.facts.func_types += 1
        self.facts.multi_result_types += len(results) > 1
        self._valtypes(params + results)

    def on_import(self, index: int, module: str, name: str, kind: str, **extra: Any) -> None:
        self.facts.imports[kind] = self.facts.imports.get(kind, 0) + 1
        if module in ("GOT.mem", "GOT.func"):
            self.facts.got_imports[module] = self.facts.got_imports.get(module, 0) + 1
        if kind == "global":
            self.global_mutable.append(bool(extra["mutable"]))
            self.facts.mutable_global_imports += bool(extra["mutable"])
            self._valtypes([extra["valtype"]])
        elif kind == "table":
            self.on_table(0, extra["ref_type"], 0, None, extra["limits_64"])
        elif kind == "memory":
            self.on_memory(0, 0, None, extra["limits_64"], shared=extra["limits_shared"])
        elif kind == "tag":
            self.facts.tags += 1

    def on_function(self, index: int, sig_index: int) -> None:
        self.facts.functions += 1

    def on_table(self, index: int, ref_type: str, mn: int, mx: int | None, is64: bool, **_: Any) -> None:
        self.facts.tables.append({"func": "funcref", "extern": "externref"}.get(ref_type, ref_type))
        self.facts.tables64 += is64

    def on_memory(self, index: int, mn: int, mx: int | None, is64: bool, **extra: Any) -> None:
        self.facts.memories += 1
        self.facts.memories64 += is64
        self.facts.shared_memories += bool(extra.get("shared"))

    def on_global(self, index: int, valtype: str, mutable: bool, init_expr: str) -> None:
        self.global_mutable.append(mutable)
        self._valtypes([valtype])

    def on_export(self, index: int, name: str, kind: str, ref_index: int) -> None:
        if kind == "global":
            self.facts.global_exports += 1
            self.facts.mutable_global_exports += self.global_mutable[ref_index]

    def on_element(self, index: int, mode: str, ref_type: str, *_: Any) -> None:
        self.facts.passive_elems += mode == "passive"

    def on_data(self, index: int, mode: str, *_: Any, **__: Any) -> None:
        self.facts.passive_data += mode == "passive"

    def on_tag(self, index: int, type_index: int) -> None:
        self.facts.tags += 1

    def on_local_decl(self, func_index: int, decl_index: int, count: int, valtype: str) -> None:
        self._valtypes([valtype])

    def on_opcode(self, opcode: Any) -> None:
        self.ops[opcode.name] += 1

    def on_opcode_block_sig(self, sig: int) -> None:
        if sig >= 0:  # a type index: a block with parameters or several results
            params, results = self.types[sig]
            self.facts.multi_value_blocks += bool(params) or len(results) > 1
        elif sig != -64:
            byte = sig & 0x7F
            if byte < 0x7C:
                self.valtypes[_BLOCK_REFS.get(byte, "gc reference")] += 1

    def on_opcode_select_t(self, types: list[str]) -> None:
        self.facts.typed_selects += 1
        self._valtypes(types)

    def on_call_indirect_expr(self, sig_index: int, table_index: int) -> None:
        self.facts.call_indirect_other_tables += table_index != 0


def _strict_reader(data: bytes, delegate: _Collector) -> Any:
    from wasm_tools.parser import BinaryReader, WasmParseError  # type: ignore[import-untyped]

    class StrictReader(BinaryReader):  # type: ignore[misc]
        def _decode_section(self, index: int, section_id: int, end: int) -> None:
            try:
                super()._decode_section(index, section_id, end)
            except WasmParseError:
                raise
            except Exception as exc:  # the library would skip the section silently
                raise WasmParseError(f"section {section_id} at {end:#x}: {exc!r}") from exc
            if section_id and self.offset != end:
                raise WasmParseError(f"section {section_id} decoded up to {self.offset:#x}, ends at {end:#x}")

        def read_instructions(self, end: int) -> None:
            super().read_instructions(end)
            if self.offset != end:
                raise WasmParseError(f"a function body decoded up to {self.offset:#x}, ends at {end:#x}")

    return StrictReader(data, delegate)


def read_facts(path: Path) -> ModuleFacts:
    """Read ``path`` with wasm-tools in this interpreter. Raises WasmReadError, OSError, ImportError."""
    data = path.read_bytes()
    facts = ModuleFacts(str(path), hashlib.sha256(data).hexdigest(), len(data), parser=parser_version())
    collector = _Collector(facts)
    _strict_reader(data, collector).read_module()
    unknown = sorted(name for name in collector.ops if name.startswith("unknown_"))
    errors = collector.errors + ([f"unknown opcodes {', '.join(unknown)}"] if unknown else [])
    if errors:
        raise WasmReadError(f"{path}: {PARSER} could not read it: {'; '.join(errors)}")
    facts.opcodes = dict(collector.ops.most_common())
    facts.valtypes = dict(collector.valtypes.most_common())
    return facts


def parser_version() -> str:
    """ "wasm-tools X.Y.Z" as installed in this interpreter or, for build.py's bare python3, in .venv."""
    try:
        return f"{PARSER} {importlib.metadata.version(PARSER)}"
    except importlib.metadata.PackageNotFoundError:
        pass
    venv = [str(path) for path in ROOT.glob(".venv/lib/python*/site-packages")]
    for dist in importlib.metadata.distributions(path=venv):
        if dist.metadata["Name"] == PARSER:
            return f"{PARSER} {dist.version}"
    return f"{PARSER} (not installed)"


def _in_this_python() -> bool:
    try:
        import wasm_tools  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


def facts_for(paths: list[Path], cache_dir: Path | None) -> tuple[list[ModuleFacts], list[bool]]:
    """Facts of each path, from ``cache_dir/<sha256>.json`` when the same parser read it before.

    Answers (facts, cached flags) in the order of ``paths``. Raises WasmReadError (unreadable binary, or no
    parser: run ``python3 build.py setup``) and OSError (a path cannot be read).
    """
    digests = [hashlib.sha256(path.read_bytes()).hexdigest() for path in paths]
    found: dict[int, ModuleFacts] = {}
    for i, digest in enumerate(digests):
        cached = cache_dir / f"{digest}.json" if cache_dir else None
        try:
            entry = json.loads(cached.read_text()) if cached and cached.exists() else {}
            if entry.get("schema") == SCHEMA and entry["facts"]["parser"] == parser_version():
                found[i] = ModuleFacts(**{**entry["facts"], "path": str(paths[i])})
        except (ValueError, KeyError, TypeError):
            pass  # a damaged or foreign cache entry: read the binary again
    todo = [i for i in range(len(paths)) if i not in found]
    if todo:
        for i, facts in zip(todo, _read_all([paths[i] for i in todo]), strict=True):
            found[i] = facts
            if cache_dir:
                cache_dir.mkdir(parents=True, exist_ok=True)
                tmp = cache_dir / f"{facts.sha256}.json.tmp"
                tmp.write_text(json.dumps({"schema": SCHEMA, "facts": asdict(facts)}))
                tmp.replace(cache_dir / f"{facts.sha256}.json")
    return [found[i] for i in range(len(paths))], [i not in todo for i in range(len(paths))]


def _read_all(paths: list[Path]) -> list[ModuleFacts]:
    if _in_this_python():
        return [read_facts(path) for path in paths]
    if not VENV_PYTHON.exists():
        raise WasmReadError(f"{PARSER} is not installed: run `python3 build.py setup` (it fills .venv)")
    done = subprocess.run(
        [str(VENV_PYTHON), str(Path(__file__).resolve()), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        last = done.stderr.strip().splitlines()[-1:] or [f"{VENV_PYTHON} failed without a message"]
        raise WasmReadError(last[0].removeprefix("WasmReadError: "))
    return [ModuleFacts(**entry) for entry in json.loads(done.stdout)]


def main(argv: list[str]) -> int:
    """``.venv/bin/python wasm_facts.py PATH...``: the facts as a JSON list; an error's message on stderr."""
    try:
        print(json.dumps([asdict(read_facts(Path(arg))) for arg in argv]))
    except (WasmReadError, OSError) as exc:
        print(f"WasmReadError: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
