"""Every setting from the command line: --config FILE, --set KEY=VALUE, --show-config, the
ranges, where each configuration's bundle goes, and every error on the message the user
reads."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bundle import DEFAULT_BUNDLE, load_bundle, write_bundle
from lecture.cli import main
from lecture.configure import data_target, variant_dir
from models.config import Config, ConfigError, quick_config
from models.settings import canonical_json, digest, is_default, names, resolve, to_toml

ROOT = Path(__file__).parents[1]


@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if anything starts training or writing a bundle."""
    import lecture.generate

    def refuse(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(lecture.generate, "generate_bundle", refuse)


def _toml(tmp_path, text: str) -> str:
    path = tmp_path / "run.toml"
    path.write_text(text)
    return str(path)


# --------------------------------------------------------------------------- the errors

ERRORS = [
    # unknown key, with the nearest as a suggestion
    (["--set", "seqlen=40"], "--set seqlen=40: unknown setting 'seqlen' (did you mean 'seq_len'?)"),
    (["--set", "feedforward.lrate=0.2"],
     "unknown setting 'feedforward.lrate' (did you mean 'feedforward.lr'?)"),
    (["--set", "zzz=1"], "unknown setting 'zzz'; settings are seed, seq_len,"),
    ({"run.toml": "hiden_size = 16\n"},
     "run.toml: unknown setting 'hiden_size' (did you mean 'hidden_size'?)"),
    ({"run.toml": "[model]\nhidden_size = 16\n"},
     "run.toml: unknown setting 'model.hidden_size' (did you mean 'hidden_size'?)"),
    (["--set", "feedforward=1"], "feedforward is a table: set its values one at a time"),
    (["--set", "seq_len"], "--set seq_len: expected KEY=VALUE"),
    # wrong type
    (["--set", "seq_len=40.0"], "seq_len must be an integer, got '40.0'"),
    (["--set", "lr=fast"], "lr must be a number, got 'fast'"),
    (["--set", "sweep_seq_lens=5,ten"], "sweep_seq_lens each value must be an integer, "
     "got 'ten'"),
    ({"run.toml": 'seq_len = "40"\n'}, "run.toml: seq_len must be an integer, got '40' (a "
     "string)"),
    ({"run.toml": "steps = 100.0\n"}, "steps must be an integer, got 100 (a float)"),
    ({"run.toml": "hidden_size = true\n"}, "hidden_size must be an integer, got true"),
    ({"run.toml": "clip_norm = true\n"}, "clip_norm must be a number or false (off), got true"),
    ({"run.toml": "sweep_seq_lens = 5\n"}, "sweep_seq_lens must be a list"),
    ({"run.toml": "feedforward = 2\n"}, "feedforward must be a table"),
    # out of range, with the range
    (["--set", "seq_len=500"], "--set seq_len=500: seq_len must be between 10 and 120, "
     "got 500"),
    (["--set", "hidden_size=65"], "hidden_size must be between 4 and 64, got 65"),
    (["--seed", "-1"], "--seed -1: seed must be between 0 and 2147483647, got -1"),
    (["--set", "clip_norm=0"], "clip_norm must be between 0.01 and 100, got 0"),
    (["--set", "feedforward.lr=0"], "feedforward.lr must be above 0 and at most 5, got 0"),
    (["--set", "forget_bias=nan"], "forget_bias must be between -5 and 10, got nan"),
    (["--set", "snapshot_fractions=0,0.5,0.25,1"],
     "snapshot_fractions must be strictly increasing, got 0.5 before 0.25"),
    (["--set", "snapshot_fractions=0,0.5"], "snapshot_fractions must end at 1, got 0.5"),
    (["--set", "snapshot_fractions=1"], "snapshot_fractions must have 2 to 10 values, got 1"),
    (["--set", "sweep_seq_lens=5,300"], "sweep_seq_lens each value must be between 2 and 200, "
     "got 300"),
    (["--set", "sweep_models=rnn_tanh,irnn,lstm,gru,lsmt"],
     "sweep_models has no 'lsmt' (did you mean 'lstm'?); choose from rnn_tanh,"),
    (["--set", "sweep_models=rnn_tanh,lstm,gru"],
     "sweep_models must include rnn_tanh, irnn, lstm, gru (the bundle contract's sweep "
     "models); missing irnn"),
    (["--set", "sweep_models=rnn_tanh,irnn,lstm,gru,gru"], "sweep_models lists 'gru' twice"),
    (["--set", "scalar_weights=0.5,0.9"],
     "scalar_weights needs at least one value below 1 and one above 1, got 0.5, 0.9"),
    (["--set", "log_every=50", "--set", "steps=40"], "log_every (50) must be at most steps (40)"),
    (["--set", "steps=20", "--set", "snapshot_fractions=0,0.01,1"],
     "snapshot_fractions 0 and 0.01 fall on the same training step (0 of steps = 20)"),
    # the file itself
    ({"run.toml": "seq_len = \n"}, "run.toml: invalid TOML (Invalid value (at line 1, "
     "column 11))"),
    ({"run.toml": b"seq_len = 40 # \xff\n"}, "run.toml: invalid TOML (not UTF-8 text)"),
    (["--config", "missing.toml"], "missing.toml: no such file"),
]


@pytest.mark.parametrize("args, message", ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_a_bad_setting_is_one_line_before_any_work(args, message, tmp_path, capsys,
                                                   no_training, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if isinstance(args, dict):
        ((name, text),) = args.items()
        (tmp_path / name).write_bytes(text if isinstance(text, bytes) else text.encode())
        args = ["--config", name]
    for command in (["data"], ["data", "--show-config"], ["build", "--quality", "low"]):
        assert main([*command, *args]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.startswith("lecture: error: ")
        assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
        assert message in captured.err, captured.err


def test_validation_imports_no_torch():
    code = ("import sys; from lecture.cli import main; "
            "assert main(['data', '--set', 'steps=10']) == 2; "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "steps must be between 20 and 3000, got 10" in proc.stderr


def test_data_with_config_options_refuses_the_default_bundle_and_other_variants(
        tmp_path, capsys, no_training):
    assert main(["data", "--seed", "3", "--out", str(DEFAULT_BUNDLE)]) == 2
    err = capsys.readouterr().err
    assert "holds the default configuration's bundle, and this is another configuration" in err
    other = tmp_path / "bundles" / "cfg-0123456789ab"
    assert main(["data", "--seed", "3", "--out", str(other)]) == 2
    assert f"is named for another configuration's bundle; this one is cfg-" \
           f"{digest(Config(seed=3))}" in capsys.readouterr().err


def test_build_refuses_data_with_config_options(tmp_path, capsys, no_training):
    assert main(["build", "--data", str(DEFAULT_BUNDLE), "--set", "seq_len=40",
                 "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lecture: error: --data names a bundle that was made with its own "
                          "configuration, so it cannot be combined with --quick, --config, "
                          "--seed or --set")


# ------------------------------------------------------------------ resolving and showing


def test_defaults_are_within_their_ranges():
    assert Config().validate() == Config()
    quick_config().validate()
    assert is_default(Config()) and not is_default(quick_config())


def test_order_quick_then_file_then_seed_then_set(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("seed = 5\nsteps = 100\nforget_bias = 0\n[feedforward]\nlr = 0.25\n")
    cfg = resolve(quick_config(), config_file=path, seed=7, sets=["steps=200", "steps=300"])
    assert cfg.seq_len == 20  # quick's base
    assert cfg.seed == 7 and cfg.steps == 300  # --seed over the file, the last --set wins
    assert cfg.forget_bias == 0.0 and isinstance(cfg.forget_bias, float)  # ints become floats
    assert cfg.feedforward == {**Config().feedforward, "lr": 0.25}  # a table merges
    assert resolve(sets=["seed=7"]) == Config(seed=7)


def test_set_parses_every_kind_of_value():
    cfg = resolve(sets=["clip_norm=off", "sweep_seq_lens=5, 10,20", "lr=1e-3",
                        "sweep_models=rnn_tanh,irnn,lstm,gru,rnn_relu", "feedforward.x=-2"])
    assert cfg.clip_norm is None and resolve(sets=["clip_norm=none"]).clip_norm is None
    assert cfg.sweep_seq_lens == (5, 10, 20) and cfg.lr == 0.001
    assert cfg.sweep_models[-1] == "rnn_relu" and cfg.feedforward["x"] == -2.0


def test_a_toml_int_for_a_float_names_the_same_configuration(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("forget_bias = 4\nclip_norm = 1\n")
    cfg = resolve(config_file=path)
    assert canonical_json(cfg) == canonical_json(Config()) and is_default(cfg)
    path.write_text("clip_norm = false\n")
    assert resolve(config_file=path).clip_norm is None


@pytest.mark.parametrize("args", [[], ["--quick", "--set", "clip_norm=off", "--set",
                                       "sweep_seq_lens=5,10", "--set", "feedforward.lr=0.2",
                                       "--set", "lr=0.0001", "--set", "scalar_weights=0.9,1.1",
                                       "--set", "sweep_models=rnn_tanh,irnn,lstm,gru,rnn_relu"]])
def test_show_config_round_trips(args, tmp_path, capsys, no_training):
    assert main(["data", *args, "--show-config"]) == 0
    text = capsys.readouterr().out
    assert "seq_len = " in text and "  # 10..120" in text and "[feedforward]" in text
    path = tmp_path / "shown.toml"
    path.write_text(text)
    assert main(["data", "--config", str(path), "--show-config"]) == 0
    assert capsys.readouterr().out == text
    expected = resolve(quick_config() if args else Config(), sets=args[2::2])
    assert resolve(config_file=path) == expected
    assert to_toml(expected) == text


def test_the_readme_lists_every_setting_with_its_range():
    readme = (ROOT / "README.md").read_text()
    from models.config import rule_of

    for name in names():
        row = f"| `{name}` | "
        assert row in readme, name
        line = readme[readme.index(row):].splitlines()[0]
        assert f"| {rule_of(name).describe()} |" in line, (name, line)


# --------------------------------------------------------------------- where bundles go


def test_where_lecture_data_writes(tmp_path):
    variant = resolve(sets=["forget_bias=0"])
    assert data_target(Config(), None) == DEFAULT_BUNDLE
    assert data_target(variant, None) == Path("out/bundles") / f"cfg-{digest(variant)}"
    assert data_target(variant, tmp_path / "mine") == tmp_path / "mine"
    assert digest(variant) != digest(Config()) and len(digest(variant)) == 12
    assert digest(resolve(sets=["forget_bias=0.0"])) == digest(variant)


def test_data_writes_a_variant_beside_the_default(tmp_path, monkeypatch, capsys):
    """End to end: a quick variant, with no --out, lands in out/bundles/cfg-<digest> with its
    configuration whole in the manifest."""
    monkeypatch.chdir(tmp_path)
    args = ["--quick", "--set", "forget_bias=0", "--set", "steps=40", "--jobs", "1"]
    assert main(["data", *args]) == 0
    cfg = resolve(quick_config(), sets=["forget_bias=0", "steps=40"])
    target = Path("out/bundles") / f"cfg-{digest(cfg)}"
    assert f"wrote {target}\n" in capsys.readouterr().out
    bundle = load_bundle(target)
    assert bundle.config == json.loads(json.dumps(cfg.to_dict()))
    assert bundle["lstm/train/step"][-1] == 40
    assert sorted(p.name for p in (tmp_path / "out" / "bundles").iterdir()) == [target.name]


@pytest.fixture
def fake_pipeline(monkeypatch, quick_bundle):
    """`lecture build` with a generator that writes the quick bundle's arrays under the
    requested configuration, and a renderer that only records which bundle it was given."""
    import lecture.build
    import lecture.generate

    made, rendered = [], []
    source = load_bundle(quick_bundle)

    def generate(target, *, config, jobs, console, **kwargs):
        made.append(Path(target))
        write_bundle(target, dict(source), config=config.to_dict(), vocab=source.vocab,
                     generator=source.manifest["generator"])

    def build(*, data, out, **kwargs):
        rendered.append(Path(data))
        return {"video": {"duration": 1.0, "width": 854, "height": 480, "fps": 15},
                "chapters": []}

    monkeypatch.setattr(lecture.generate, "generate_bundle", generate)
    monkeypatch.setattr(lecture.build, "build", build)
    return made, rendered


def test_build_makes_each_variant_in_its_own_directory_and_reuses_it(tmp_path, capsys,
                                                                    fake_pipeline):
    made, rendered = fake_pipeline
    out = tmp_path / "out"
    first = variant_dir(out, resolve(quick_config(), sets=["forget_bias=0"]))
    second = variant_dir(out, resolve(quick_config(), sets=["forget_bias=1"]))

    assert main(["build", "--quick", "--set", "forget_bias=0", "--out", str(out)]) == 0
    assert made == [first] and rendered == [first]
    assert "is missing: generating it" in capsys.readouterr().err
    before = (first / "manifest.json").read_bytes()

    assert main(["build", "--quick", "--set", "forget_bias=0", "--out", str(out)]) == 0
    assert made == [first] and rendered == [first, first]  # reused, not made again
    assert f"using the bundle for this configuration: {first}" in capsys.readouterr().err

    assert main(["build", "--quick", "--set", "forget_bias=1", "--out", str(out)]) == 0
    assert made == [first, second] and rendered[-1] == second
    assert (first / "manifest.json").read_bytes() == before  # the other variant is untouched

    # a bundle in the right place with another configuration is made again
    manifest = json.loads((second / "manifest.json").read_text())
    manifest["config"]["steps"] = 61
    (second / "manifest.json").write_text(json.dumps(manifest))
    assert main(["build", "--quick", "--set", "forget_bias=1", "--out", str(out)]) == 0
    assert made[-1] == second and len(made) == 3
    assert "is not a valid bundle of it: generating it" in capsys.readouterr().err


def test_build_of_the_default_configuration_uses_the_committed_bundle(tmp_path, fake_pipeline):
    made, rendered = fake_pipeline
    assert main(["build", "--set", "forget_bias=4", "--seed", "0", "--out", str(tmp_path)]) == 0
    assert main(["build", "--out", str(tmp_path)]) == 0
    assert made == [] and rendered == [DEFAULT_BUNDLE, DEFAULT_BUNDLE]
    assert not (tmp_path / "bundles").exists()


# ------------------------------------------------------------------------ a run that fails


def test_a_diverging_run_stops_with_one_line():
    from models.experiments import Job, run_job
    from models.train import Diverged

    cfg = dataclasses.replace(Config(), lr=0.1, hidden_size=64, batch_size=8, steps=40,
                              seq_len=120)
    with pytest.raises(Diverged) as info:
        run_job(cfg, Job("probed", "irnn", "recall", 120))
    assert str(info.value) == ("irnn on recall, T=120: training diverged at step 1 (the loss "
                               "is nan); try a smaller lr (now 0.1)")
    assert isinstance(info.value, ConfigError)  # the command line reports it with exit 2


def test_a_diverging_sweep_run_reports_its_last_finite_accuracy():
    import numpy as np

    from models.experiments import Job, run_job
    from models.train import Diverged

    cfg = dataclasses.replace(Config(), lr=0.01, hidden_size=64, batch_size=8, steps=40)
    with pytest.raises(Diverged, match="at step 4 "):  # as a probed run, it diverges
        run_job(cfg, Job("probed", "irnn", "recall", 200))
    (accuracy,) = run_job(cfg, Job("sweep", "irnn", "recall", 200, probe=False)).values()
    assert np.isfinite(accuracy) and 0 <= accuracy <= 1
