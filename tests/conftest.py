"""Shared fixtures: one quick bundle per session, written the way users write one."""

from __future__ import annotations

import pytest


@pytest.fixture
def quick_copy(tmp_path):
    """A copy of the small committed test bundle, to break."""
    from pathlib import Path

    from tests.support import hostile

    return hostile.copy_bundle(Path(__file__).parent / "data" / "quick", tmp_path / "b")


@pytest.fixture(scope="session")
def quick_bundle(tmp_path_factory):
    from lecture.generate import generate_bundle

    root = tmp_path_factory.mktemp("bundle") / "quick"
    generate_bundle(root, seed=0, quick=True, jobs=1)
    return root


@pytest.fixture(scope="session")
def story(tmp_path_factory):
    """Every act, run without rendering, on the default bundle (``"default"``), on each
    bundle of the story matrix (tests/support/variants.py) and on the random bundles drawn
    at the contract's edges (``"random-<i>"``, tests/support/random_bundles.py) and the
    synthetic ones drawn across the outcomes (``"synthetic-<i>"``, tests/support/synthetic.py):
    ``{(bundle name, act name): (bundle,
    transcript or the one-line error it raised)}``. One pool of processes for all of them;
    an act whose inputs are equal in two bundles says the same, so it runs once."""
    from bundle import DEFAULT_BUNDLE, load_bundle
    from scenes.acts import ACTS
    from tests.support.previews import preview_all
    from tests.support.random_bundles import DRAWN, write_random
    from tests.support.synthetic import SYNTHETIC_DRAWN, write_synthetic
    from tests.support.variants import MATRIX, make_bundles

    matrix = tmp_path_factory.mktemp("matrix")
    paths = {"default": DEFAULT_BUNDLE, **make_bundles(MATRIX, matrix),
             **{f"random-{i}": write_random(i, matrix) for i in DRAWN},
             **{f"synthetic-{i}": write_synthetic(i, matrix).root for i in SYNTHETIC_DRAWN}}
    bundles = {name: load_bundle(path) for name, path in paths.items()}
    first_of = {}
    for name, bundle in bundles.items():
        for act in ACTS:
            first_of.setdefault((act.name, bundle.reads_digest(act.reads)), (act.name,
                                                                              paths[name]))
    done = preview_all(list(dict.fromkeys(first_of.values())),
                       tmp_path_factory.mktemp("media"))
    return {(name, act.name): (bundle,
                               done[first_of[act.name, bundle.reads_digest(act.reads)]])
            for name, bundle in bundles.items() for act in ACTS}


@pytest.fixture(scope="session")
def lecture(tmp_path_factory):
    """Build the whole lecture at low quality with the default voice; layout checks strict;
    with no network, here and in every scene process (the voice must need none).
    One build for the session: tests/test_render.py and tests/test_slides.py share it."""
    import os

    from lecture.cli import main
    from tests.support.network import offline

    out = tmp_path_factory.mktemp("lecture")
    os.environ["LECTURE_LAYOUT"] = "strict"
    try:
        with offline():
            assert main(["build", "--quality", "low", "--out", str(out)]) == 0
    finally:
        del os.environ["LECTURE_LAYOUT"]
    return out


def pytest_addoption(parser):
    # the options Manim's frames_comparison reads
    parser.addoption("--set_test", action="store_true", default=False,
                     help="write the control frames of the frame-comparison tests")
    parser.addoption("--show_diff", action="store_true", default=False,
                     help="show a frame comparison's difference")
