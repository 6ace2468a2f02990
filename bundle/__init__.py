"""The data bundle: its contract (schema_version 1), its reader and its writer.

``contract`` names what a bundle holds; ``files`` reads and writes files safely (for every
package); ``archive`` checks ``arrays.npz`` before decompressing it; ``reader`` validates and
loads a bundle; ``writer`` writes one atomically.

A bundle is a directory with ``manifest.json`` and ``arrays.npz``. ``models/`` (PyTorch)
writes one through :func:`write_bundle`; ``scenes/`` (Manim) reads one through
:func:`load_bundle`; both take the contract's names (model kinds, gates, keys) from
:mod:`bundle.contract`. This package needs only numpy and the standard library, and imports
neither side.
"""

from .contract import (
    CUISINE_MODEL,
    GATE_NAMES,
    MODEL_KINDS,
    SCHEMA_VERSION,
    SWEEP_MODELS,
    Spec,
    required_specs,
)
from .files import BundleError
from .reader import DEFAULT_BUNDLE, Bundle, array_sha256, load_bundle, validate_bundle
from .writer import check_writable, write_bundle

__all__ = [
    "CUISINE_MODEL",
    "DEFAULT_BUNDLE",
    "GATE_NAMES",
    "MODEL_KINDS",
    "SCHEMA_VERSION",
    "SWEEP_MODELS",
    "Bundle",
    "BundleError",
    "Spec",
    "array_sha256",
    "check_writable",
    "load_bundle",
    "required_specs",
    "validate_bundle",
    "write_bundle",
]
