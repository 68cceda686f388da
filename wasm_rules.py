"""Which WebAssembly feature a module's facts (wasm_facts.py) are evidence of: one rule per feature.

``RULES[feature](facts)`` answers the evidence as short phrases ("memory.copy 1459", "2 tags in a Tag
section"); an empty list means the feature is not used. Feature names are LLVM's ``target_features`` names
(``LLVM_ALIASES`` maps LLVM's finer ones onto ours), plus ``dynamic-linking`` and ``exported-globals``, which
are not wasm proposals but what path-only mini-game loaders cannot take (see wasm_features.DEVICE_RISKS).
Stdlib only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from wasm_facts import ModuleFacts

_REF = (
    "ref.null",
    "ref.is_null",
    "ref.func",
    *("table.get", "table.set", "table.grow", "table.size", "table.fill"),
)
_BULK = ("memory.copy", "memory.fill", "memory.init", "data.drop", "table.init", "table.copy", "elem.drop")
_SIGN = ("i32.extend8_s", "i32.extend16_s", "i64.extend8_s", "i64.extend16_s", "i64.extend32_s")
_TAIL = ("return_call", "return_call_indirect", "return_call_ref")
_GC = ("call_ref", "return_call_ref", "ref.as_non_null", "br_on_null", "br_on_non_null", "ref.eq", "ref.i31")
_GC_PREFIXES = ("struct.", "array.", "i31.", "ref.test", "ref.cast", "br_on_cast", "any.", "extern.")
_LANES = ("v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2")


def _counts(facts: ModuleFacts, keep: Callable[[str], bool]) -> str:
    found = [f"{name} {n}" for name, n in facts.opcodes.items() if keep(name)]
    return ", ".join(found)


def _named(names: Iterable[str]) -> Callable[[str], bool]:
    wanted = set(names)
    return wanted.__contains__


def _say(*parts: tuple[int | str, str]) -> list[str]:
    """The evidence worth saying: (count, label) or (text, label) pairs, skipping zeros and empty texts."""
    return [
        f"{label}: {v}" if isinstance(v, str) else (f"{v} {label}" if v is not True else label)
        for v, label in parts
        if v
    ]


def _simd(name: str) -> bool:
    return name.split(".")[0] in _LANES and "relaxed_" not in name


def _relaxed(name: str) -> bool:
    return name.split(".")[0] in _LANES and "relaxed_" in name


def _refs(facts: ModuleFacts, names: Iterable[str]) -> int:
    return sum(n for t, n in facts.valtypes.items() if t in names)


def _eh(f: ModuleFacts) -> list[str]:
    legacy = _counts(f, _named(("try", "catch", "catch_all", "delegate", "rethrow")))
    return _say(
        (f.tags if "tag" in f.sections else 0, "tags in a Tag section"),
        (f.imports.get("tag", 0), "imported tags"),
        (legacy, "legacy try/catch"),
        (_counts(f, _named(("try_table", "throw_ref"))), "exnref try_table"),
        (f.opcodes.get("throw", 0), "throw"),
        (_refs(f, ("exnref",)), "exnref value types"),
    )


RULES: dict[str, Callable[[ModuleFacts], list[str]]] = {
    "exception-handling": _eh,
    "reference-types": lambda f: _say(
        (_counts(f, _named(_REF)), "instructions"),
        (f.typed_selects, "typed selects"),
        (_refs(f, ("externref", "funcref")), "externref/funcref value types in signatures/locals/blocks"),
        (len(f.tables) if len(f.tables) > 1 else 0, f"tables ({', '.join(f.tables)})"),
        (sum(t != "funcref" for t in f.tables) if len(f.tables) <= 1 else 0, "non-funcref table"),
        (f.call_indirect_other_tables, "call_indirect through a table other than 0"),
    ),
    "multivalue": lambda f: _say(
        (f.multi_result_types, "function types with several results"),
        (f.multi_value_blocks, "blocks typed by a type index (parameters or several results)"),
    ),
    "simd128": lambda f: _say((_counts(f, _simd), "instructions"), (_refs(f, ("v128",)), "v128 value types")),
    "relaxed-simd": lambda f: _say((_counts(f, _relaxed), "instructions")),
    "bulk-memory": lambda f: _say(
        (_counts(f, _named(_BULK)), "instructions"),
        (f.passive_data, "passive data segments"),
        (f.passive_elems, "passive element segments"),
        ("datacount" in f.sections, "DataCount section"),
    ),
    "sign-ext": lambda f: _say((_counts(f, _named(_SIGN)), "instructions")),
    "nontrapping-fptoint": lambda f: _say(
        (_counts(f, lambda n: n.split(".")[0] in ("i32", "i64") and ".trunc_sat_" in n), "instructions")
    ),
    "mutable-globals": lambda f: _say(
        (f.mutable_global_imports, "mutable globals imported"),
        (f.mutable_global_exports, "mutable globals exported"),
    ),
    "exported-globals": lambda f: _say((f.global_exports, "globals exported")),
    "tail-call": lambda f: _say((_counts(f, _named(_TAIL)), "instructions")),
    "atomics": lambda f: _say(
        (_counts(f, lambda n: "atomic" in n), "instructions"), (f.shared_memories, "shared memories")
    ),
    "memory64": lambda f: _say((f.memories64, "64-bit memories"), (f.tables64, "64-bit tables")),
    "multimemory": lambda f: _say((f.memories if f.memories > 1 else 0, "memories")),
    "gc": lambda f: _say(
        (f.gc_types, "struct/array types"),
        (_counts(f, lambda n: n in _GC or n.startswith(_GC_PREFIXES)), "instructions"),
        (
            sum(n for t, n in f.valtypes.items() if t.startswith("(ref") or t == "gc reference"),
            "typed references",
        ),
    ),
    "dynamic-linking": lambda f: _say(
        (", ".join(s for s in f.custom_sections if s in ("dylink.0", "dylink")), "custom section"),
        (f.got_imports.get("GOT.func", 0), "GOT.func imports"),
        (f.got_imports.get("GOT.mem", 0), "GOT.mem imports"),
    ),
}
# LLVM's target_features names that stand for one of ours; every other name of ours is LLVM's own.
LLVM_ALIASES = {"bulk-memory-opt": "bulk-memory", "call-indirect-overlong": "reference-types"}
NOT_LLVM = ("dynamic-linking", "exported-globals")
