"""Makes pytest import conftest.py here as ``notebooks.conftest`` (see that file)."""
