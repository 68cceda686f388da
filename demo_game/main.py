"""The demo game's Python: runs in Pyodide and talks to the page's JavaScript through gameport's bridge.

For now it shows the bridge itself; the full demo game (login, ads, purchases, ...) comes with the
platform API.
"""

import sys

from gameport.bridge import default_bridge

bridge = default_bridge()
python_version = sys.version.split()[0]
await bridge.call("demoUi.show", f"Python {python_version} running in Pyodide ({sys.platform})")
echoed = await bridge.call("demoUi.delayedEcho", "a JavaScript Promise", 300)
await bridge.call("demoUi.show", f"Python awaited {echoed}")
answer = await bridge.call_cb("demoUi.callbackStyle", {"value": 42})
await bridge.call("demoUi.show", f"A callback-style call answered {answer}")
await bridge.call("demoUi.show", f"Browser: {bridge.get('navigator.userAgent')}")
