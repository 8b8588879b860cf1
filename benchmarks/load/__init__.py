"""A load generator that drives the exam app as browsers do: Streamlit's websocket protocol
with the protobuf messages the streamlit package ships (``browser``), over the page loads a
browser makes (``pageload``); simulated candidates (``candidate``) in an exam hall (``hall``).

Run it with ``python benchmarks/load_bench.py``; ``tests/test_load.py`` runs the short CI
variant (2 replicas behind HAProxy on PostgreSQL, one killed mid-way).
"""
