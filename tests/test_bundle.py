"""The bundle contract: round trip, every bad input, atomic writes, the command line."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from bundle import (
    CUISINE_MODEL,
    MODEL_KINDS,
    BundleError,
    load_bundle,
    required_specs,
    write_bundle,
)
from bundle import writer as bundle_writer
from bundle.reader import array_sha256
from lecture.cli import main


def _copy(src, tmp_path):
    dst = tmp_path / "b"
    shutil.copytree(src, dst)
    return dst


def _arrays(root):
    with np.load(root / "arrays.npz") as npz:
        return {k: npz[k] for k in npz.files}


def _edit_manifest(root, edit):
    manifest = json.loads((root / "manifest.json").read_text())
    edit(manifest)
    (root / "manifest.json").write_text(json.dumps(manifest))


def test_round_trip(quick_bundle, tmp_path):
    b = load_bundle(quick_bundle)
    assert {s.key for s in required_specs()} <= set(b)
    assert b.manifest["schema_version"] == 1
    assert b.config["seq_len"] == 20 and b.config["seed"] == 0
    assert b.manifest["generator"]["torch"].startswith("2.13.0")
    assert b.words("recall", b["lstm/probe/tokens"])[0] == "clouds"
    assert b["lstm/grad/h_norm"].shape == (len(b["lstm/grad/step"]), 20)
    # write it again under another name: same arrays, same bytes on disk
    again = write_bundle(tmp_path / "again", dict(b), config=b.config, vocab=b.vocab,
                         generator=b.manifest["generator"])
    assert (again / "arrays.npz").read_bytes() == (quick_bundle / "arrays.npz").read_bytes()
    assert load_bundle(again).digest() == b.digest()
    assert b.digest(["scalar/w"]) != b.digest(["scalar/factor"])


def _break_npz(key, value):
    def edit(root):
        arrays = _arrays(root)
        arrays[key] = value(arrays[key])
        bundle_writer._write_npz(root / "arrays.npz", arrays)
    return edit


def _drop_npz_key(root):
    arrays = _arrays(root)
    del arrays["lstm/probe/c"]
    bundle_writer._write_npz(root / "arrays.npz", arrays)


def _nan_everywhere(root):
    arrays = _arrays(root)
    bad = arrays["rnn_tanh/grad/h_norm"].copy()
    bad[0, 0] = np.nan
    arrays["rnn_tanh/grad/h_norm"] = bad
    bundle_writer._write_npz(root / "arrays.npz", arrays)
    _edit_manifest(root, lambda m: m["arrays"]["rnn_tanh/grad/h_norm"].update(
        sha256=array_sha256(bad)))


BAD_INPUTS = {
    "missing directory": (lambda root: shutil.rmtree(root), "b: no such bundle directory"),
    "missing manifest": (lambda root: (root / "manifest.json").unlink(),
                         "manifest.json: missing file"),
    "missing arrays": (lambda root: (root / "arrays.npz").unlink(), "arrays.npz: missing file"),
    "invalid JSON": (lambda root: (root / "manifest.json").write_text("{\"schema_version\": 1,"),
                     "manifest.json: invalid JSON (Expecting property name"),
    "unknown schema_version": (
        lambda root: _edit_manifest(root, lambda m: m.update(schema_version=7)),
        "manifest.json: unknown schema_version 7 (this reader knows 1)"),
    "required key not in manifest": (
        lambda root: _edit_manifest(root, lambda m: m["arrays"].pop("gru/probe/gate/update")),
        "manifest.json: missing required key 'gru/probe/gate/update'"),
    "required key not in arrays": (_drop_npz_key,
                                   "arrays.npz: missing required key 'lstm/probe/c'"),
    "shape disagrees with manifest": (
        lambda root: _edit_manifest(root, lambda m: m["arrays"]["scalar/w"].update(shape=[4])),
        "arrays.npz: scalar/w has shape [3] but manifest.json says [4]"),
    "checksum mismatch": (_break_npz("lstm/probe/h", lambda a: a + 1.0),
                          "arrays.npz: lstm/probe/h fails its checksum"),
    "non-finite values": (_nan_everywhere,
                          "arrays.npz: rnn_tanh/grad/h_norm has 1 non-finite value(s)"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_one_clear_line(case, quick_bundle, tmp_path, capsys):
    breaker, message = BAD_INPUTS[case]
    root = _copy(quick_bundle, tmp_path)
    breaker(root)
    with pytest.raises(BundleError) as info:
        load_bundle(root)
    assert message in str(info.value) and "\n" not in str(info.value)
    assert main(["check", str(root)]) == 2
    printed = capsys.readouterr().err
    assert printed.startswith("lecture: error: ") and message in printed
    assert printed.count("\n") == 1 and "Traceback" not in printed


def test_shape_must_fit_the_schema(quick_bundle, tmp_path):
    """A consistent manifest still fails when a shape breaks the contract's dimensions."""
    root = _copy(quick_bundle, tmp_path)
    arrays = _arrays(root)
    arrays["gru/grad/h_norm"] = arrays["gru/grad/h_norm"][:, :-1]
    generator = json.loads((root / "manifest.json").read_text())
    with pytest.raises(BundleError, match="gru/grad/h_norm has T = 19 but gru/probe/tokens has "
                       "T = 20"):
        write_bundle(root, arrays, config=generator["config"], vocab=generator["vocab"],
                     generator=generator["generator"])
    load_bundle(root)  # the failed write left the old bundle as it was


def test_interrupted_write_keeps_the_old_bundle(quick_bundle, tmp_path, monkeypatch):
    root = _copy(quick_bundle, tmp_path)
    before = (root / "arrays.npz").read_bytes()
    b = load_bundle(root)

    def interrupted(path, arrays):
        path.write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(bundle_writer, "_write_npz", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_bundle(root, dict(b), config=b.config, vocab=b.vocab,
                     generator=b.manifest["generator"])
    assert (root / "arrays.npz").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]  # no partial directory left


def test_data_refuses_an_unwritable_target_before_training(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["data", "--quick", "--out", str(blocker / "bundle")]) == 2
    assert "lecture: error: " in capsys.readouterr().err
    assert main(["data", "--quick", "--out", str(blocker)]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err


def test_check_prints_a_summary(quick_bundle, capsys):
    assert main(["check", str(quick_bundle)]) == 0
    text = capsys.readouterr().out
    assert "valid bundle, schema_version 1" in text
    for model in ("rnn_tanh", "lstm", "gru", "irnn", "cuisine/lstm"):
        assert f"\n  {model} " in text


def test_help_explains_the_commands(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "data" in text and "check" in text and "vanishing gradient" in text


def test_the_contract_page_names_every_required_key():
    import re
    from pathlib import Path

    page = (Path(__file__).parents[1] / "docs" / "bundle.md").read_text()
    named = set()
    page = re.sub(r"```.*?```", "", page, flags=re.S)
    for code in re.findall(r"`([^`]+)`", page):  # expand `a/{b,c}` into a/b and a/c
        m = re.fullmatch(r"(.*)\{(.*)\}(.*)", code)
        named |= {m[1] + part + m[3] for part in m[2].split(",")} if m else {code}
    models = (CUISINE_MODEL, *MODEL_KINDS)  # the longer prefix first
    for spec in required_specs():
        forms = [spec.key] + [re.sub(rf"(^|/){m}/", r"\1MODEL/", spec.key, count=1)
                              for m in models]
        assert named & set(forms), spec.key
