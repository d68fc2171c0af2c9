"""`make bench`: the load benchmark of issue 6 (see bench/run.py)."""
