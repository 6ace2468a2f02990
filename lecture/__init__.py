"""The ``lecture`` command line: a thin shell over :mod:`models` and :mod:`scenes`."""
