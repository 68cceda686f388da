"""The bridge's fast path: primitives cross Pyodide's FFI as themselves, without JSON either way.

Used by :class:`~gameport.bridge.pyodide_bridge.PyodideBridge` for ``call`` and ``call_sync`` when every
argument is a primitive that converts to JavaScript exactly as ``json.dumps`` + ``JSON.parse`` would give it;
anything else takes the JSON path, with its typed errors. The JavaScript side (``callFast`` /
``callSyncFast`` in ``js_bridge/api.js``) answers a primitive as itself, a string as ``"="`` followed by the
string, and anything else (objects, arrays, failures) as the usual JSON envelope, which starts with ``{``.
Pure Python (no ``js``): tested on CPython too.
"""

from __future__ import annotations

from gameport.bridge.envelope import decode
from gameport.values import Json

# The largest int Pyodide (314) converts to a JavaScript number; from 2**53 - 1 on it makes a BigInt, where
# JSON.parse would give a number.
FFI_INT_LIMIT = 2**53 - 2
STRING_MARK = "="
_NONE = type(None)


def fast_args(args: tuple[object, ...]) -> bool:
    """Whether ``args`` may cross the FFI as they are: exact ``str``, ``bool``, ``None``, an ``int`` that
    Pyodide converts to a number (up to ``FFI_INT_LIMIT``) and a finite ``float``. Subclasses, containers,
    NaN and the infinities do not: the JSON path handles or refuses them. A ``str`` holding a lone surrogate
    passes here, but Pyodide refuses to convert it (``UnicodeEncodeError``): the caller then takes the JSON
    path, which escapes it."""
    for arg in args:
        kind = type(arg)
        if kind is str or kind is bool or kind is _NONE:
            continue
        if kind is int:
            if -FFI_INT_LIMIT <= arg <= FFI_INT_LIMIT:  # type: ignore[operator]
                continue
            return False
        if kind is float:
            if arg - arg == 0.0:  # type: ignore[operator]  # false for NaN and the infinities
                continue
            return False
        return False
    return True


def fast_result(answer: object, path: str) -> Json:
    """The value of a fast-path answer: a primitive as it is, ``"=text"`` as ``"text"``, an envelope decoded.

    Raises:
        the typed errors of :func:`gameport.bridge.envelope.decode`: a failure envelope, or an answer that
        is neither a primitive nor an envelope (``BridgeError``).
    """
    kind = type(answer)
    if kind is str:
        text: str = answer  # type: ignore[assignment]
        if text[:1] == STRING_MARK:
            return text[1:]
        return decode(text, path)
    if kind is int or kind is float or kind is bool or kind is _NONE:
        return answer  # type: ignore[return-value]
    return decode(answer, path)
