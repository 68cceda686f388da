"""What game code calls: one module per ``platform.<name>`` namespace (ads, lifecycle, storage, ...).

Each feature checks the session's capability gate (:meth:`gameport._session.Session.require`) and then
calls the adapter; none talks to JavaScript or to another feature's internals.
"""
