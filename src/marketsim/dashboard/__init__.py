"""The Solara dashboard: explore and compare scenarios in the browser.

Serve it with ``marketsim dashboard`` (or ``solara run marketsim.dashboard.app``). ``app`` holds
the page; ``experiment``, ``frame``, ``charts`` and ``network`` compute what it shows without
any user interface, so they are tested directly.
"""
