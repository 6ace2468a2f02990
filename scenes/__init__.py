"""The lecture's scenes (Manim). They read the data bundle only through :mod:`bundle`."""
