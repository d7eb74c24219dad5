"""The ``strata`` command-line tool (``strata convert``, ``strata inspect``)."""
