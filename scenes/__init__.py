"""The lecture's scenes. They read the data bundle only through :mod:`scenes.bundle`."""
