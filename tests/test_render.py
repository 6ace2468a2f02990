"""The render pipeline: bad input, caching, and a real low-quality build of the whole
lecture, decoded and checked."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import srt

from bundle import DEFAULT_BUNDLE, load_bundle, write_bundle
from lecture.assemble import SceneClip, chapters_from, format_time
from lecture.cli import main
from lecture.render import plan_scenes
from scenes.acts import ACTS
from scenes.voice.hibari import MODEL_SHA256
from scenes.voice.loudness import TOLERANCE, integrated_loudness, true_peak

QUICK = Path(__file__).parent / "data" / "quick"


# ---------------------------------------------------------------------------- bad input


def _error(capsys) -> str:
    """The one-line error, the last thing on stderr (after any progress rows)."""
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("lecture: error: ")]
    assert len(errors) == 1 and err.endswith(errors[0] + "\n"), err
    assert "Traceback" not in err
    return errors[0]


def test_unknown_scene_name(tmp_path, capsys):
    assert main(["render", "--only", "hook,finale", "--out", str(tmp_path)]) == 2
    assert "unknown scene 'finale'; choose from hook, feedforward, rnn" in _error(capsys)


def test_bundle_that_fails_validation(tmp_path, capsys):
    bad = tmp_path / "bad"
    shutil.copytree(QUICK, bad)
    (bad / "manifest.json").write_text("{")
    assert main(["render", "--data", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "manifest.json: invalid JSON" in _error(capsys)


def test_unwritable_out(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    assert main(["render", "--only", "hook", "--out", str(tmp_path / "file" / "o")]) == 2
    assert "cannot write output here" in _error(capsys)


def test_latex_missing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no latex, no dvisvgm
    assert main(["render", "--only", "hook", "--out", str(tmp_path / "o")]) == 2
    assert "LaTeX is missing (latex, dvisvgm not found on PATH)" in _error(capsys)


# ------------------------------------------------------------------------------ caching


def test_changing_one_array_rerenders_only_the_scenes_that_read_it(tmp_path):
    bundle = load_bundle(DEFAULT_BUNDLE)
    arrays = dict(bundle)
    arrays["scalar/factor"] = arrays["scalar/factor"] * 1.01
    changed = load_bundle(write_bundle(tmp_path / "changed", arrays, config=bundle.config,
                                       vocab=bundle.vocab,
                                       generator=bundle.manifest["generator"]))
    before = {r.act.name: r.key for r in plan_scenes(list(ACTS), bundle, tmp_path, "low", "n")}
    after = {r.act.name: r.key for r in plan_scenes(list(ACTS), changed, tmp_path, "low", "n")}
    readers = {a.name for a in ACTS if "scalar/factor" in bundle.keys_under(a.reads)}
    assert readers, "some act must show the scalar example"
    assert {name for name in before if before[name] != after[name]} == readers
    other = {r.act.name: r.key for r in plan_scenes(list(ACTS), bundle, tmp_path, "medium",
                                                     "none")}
    assert all(other[n] != before[n] for n in before)  # quality is an input too


def test_a_change_in_any_shared_scene_module_rerenders_every_scene(tmp_path):
    """The key hashes every module under scenes/ but the act modules, at any depth: story
    and voice code included (an edit there once left stale scenes), and the bundle package."""
    from lecture.cache import SCENES_DIR, shared_code, shared_code_digest

    scenes, bundle_dir = tmp_path / "scenes", tmp_path / "bundle"
    shutil.copytree(SCENES_DIR, scenes, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(SCENES_DIR.parent / "bundle", bundle_dir,
                    ignore=shutil.ignore_patterns("__pycache__"))
    hashed = {p.relative_to(tmp_path).as_posix() for p in shared_code(scenes, bundle_dir)}
    assert {"scenes/story/findings.py", "scenes/voice/services.py", "scenes/theme.py",
            "scenes/acts/__init__.py", "bundle/reader.py"} <= hashed
    assert not any(name.startswith("scenes/acts/act") for name in hashed)
    before = shared_code_digest(scenes, bundle_dir)
    for module in ("story/numbers.py", "voice/lexicon.py", "mobjects.py"):
        path = scenes / module
        original = path.read_text()
        path.write_text(original + "\n# edited\n")
        assert shared_code_digest(scenes, bundle_dir) != before, module
        path.write_text(original)
    assert shared_code_digest(scenes, bundle_dir) == before
    act = scenes / "acts" / f"{ACTS[0].module}.py"
    act.write_text(act.read_text() + "\n# edited\n")  # an act's own edit: its key alone
    assert shared_code_digest(scenes, bundle_dir) == before


def test_variants_share_their_scenes_through_the_cache(tmp_path):
    """A scene rendered for one variant is kept; building that variant again restores it
    instead of rendering it (the scene cache, OUT/.cache/scenes)."""
    from lecture.cache import KEEP_VERSIONS, SceneResult, restore_scene, store_scene

    video = tmp_path / "scenes" / "01_hook.mp4"
    video.parent.mkdir()

    def rendered(key: str) -> SceneResult:
        video.write_bytes(key.encode() * 3)
        video.with_suffix(".wav").write_bytes(b"wav of " + key.encode())
        video.with_suffix(".json").write_text(json.dumps({"key": key}))
        result = SceneResult(ACTS[0], 1, key, video)
        store_scene(result, tmp_path)
        return result

    rendered("a"), rendered("b")  # variant b's render replaced variant a's files
    assert video.read_bytes() == b"bbb"
    assert restore_scene(SceneResult(ACTS[0], 1, "a", video), tmp_path)
    assert video.read_bytes() == b"aaa" and video.with_suffix(".wav").read_bytes() == b"wav of a"
    assert json.loads(video.with_suffix(".json").read_text()) == {"key": "a"}
    assert not restore_scene(SceneResult(ACTS[0], 1, "never rendered", video), tmp_path)
    for key in "cdefg":
        rendered(key)
    kept = sorted(p.name for p in (tmp_path / ".cache" / "scenes" / "hook").iterdir())
    assert len(kept) == KEEP_VERSIONS and kept[-1] == "g"


def test_chapters_follow_youtube_rules():
    clips = [SceneClip(n, n.title(), Path(n)) for n in ("a", "b", "c", "d")]
    for clip, start in zip(clips, (0.0, 30.5, 35.0, 80.0), strict=True):
        clip.start = start
    assert chapters_from(clips, total=85.0) == [(0.0, "A"), (31.0, "B")]
    assert chapters_from(clips, total=200.0) == [(0.0, "A"), (31.0, "B"), (80.0, "D")]
    assert format_time(75.9) == "1:15" and format_time(3725) == "1:02:05"


# ------------------------------------------------------------------- the whole lecture


# The `lecture` fixture (tests/conftest.py) builds it once, for the deck's tests too.


def _seconds(td) -> float:
    return td.total_seconds()


@pytest.mark.slow
def test_video_format_and_duration(lecture):
    manifest = json.loads((lecture / "manifest.json").read_text())
    with av.open(str(lecture / "lecture.mp4")) as c:
        video = c.streams.video[0]
        assert (video.width, video.height, video.base_rate) == (854, 480, 15)
        duration = float(Fraction(video.frames) / video.base_rate)
        audio = c.streams.audio[0]
        audio_duration = float(audio.duration * audio.time_base)
    total = sum(s["duration"] for s in manifest["scenes"])
    assert abs(duration - total) <= 1 / 15
    assert abs(audio_duration - duration) <= 0.1
    assert [s["name"] for s in manifest["scenes"]] == [a.name for a in ACTS]
    assert 8 * 60 <= duration <= 15 * 60, duration
    assert manifest["bundle"]["digest"] == load_bundle(DEFAULT_BUNDLE).digest()


def _audio(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        rate = stream.rate
        chunks = [f.to_ndarray().mean(axis=0) for f in c.decode(stream)]
    return np.concatenate(chunks), rate


@pytest.mark.slow
def test_audio_speaks_where_the_subtitles_say(lecture):
    samples, rate = _audio(lecture / "lecture.mp4")
    subs = list(srt.parse((lecture / "lecture.srt").read_text()))
    assert len(subs) > 50
    quiet = 0
    for sub in subs:
        a, b = int(_seconds(sub.start) * rate), int(_seconds(sub.end) * rate)
        rms = float(np.sqrt(np.mean(samples[a:b] ** 2)))
        quiet += rms < 1e-3
    assert quiet <= len(subs) // 20, f"{quiet} of {len(subs)} subtitles fall on silence"
    assert float(np.sqrt(np.mean(samples**2))) > 1e-2


@pytest.mark.slow
def test_every_scene_is_at_the_loudness_target(lecture):
    """Decoded from the lecture as viewers get it: each scene's integrated loudness within
    1 LU of the video's target (-14 LUFS by default, YouTube's reference), true peak at most
    -1 dBTP, and no clipped sample."""
    from lecture.assemble import LOUDNESS_TARGET

    samples, rate = _audio(lecture / "lecture.mp4")
    manifest = json.loads((lecture / "manifest.json").read_text())
    assert manifest["loudness"]["target"] == LOUDNESS_TARGET == -14
    assert np.abs(samples).max() < 0.999, "clipped samples"
    for scene in manifest["scenes"]:
        a, b = round(scene["start"] * rate), round((scene["start"] + scene["duration"]) * rate)
        lufs, peak = integrated_loudness(samples[a:b], rate), true_peak(samples[a:b])
        assert abs(lufs - LOUDNESS_TARGET) <= TOLERANCE, (scene["name"], lufs)
        assert peak <= -1.0, (scene["name"], peak)
        assert abs(scene["loudness"]["lufs"] - lufs) <= 0.5, (scene["name"], lufs)
        # the peaks fitted beforehand are those of what the assembly wrote: one encoder setup
        assert abs(scene["loudness"]["true_peak_dbtp_decoded"] - peak) <= 0.05, (
            scene["name"], peak)


@pytest.mark.slow
def test_the_lecture_audio_is_the_encoder_the_peaks_were_fitted_with(lecture):
    from lecture.assemble import AUDIO_RATE
    from lecture.loudness import aac_encoder

    expected = aac_encoder(AUDIO_RATE)
    with av.open(str(lecture / "lecture.mp4")) as c:
        audio = c.streams.audio[0].codec_context
        assert (audio.name, audio.sample_rate, audio.channels) == ("aac", AUDIO_RATE, 1)
        assert audio.format.name == expected.format.name
        # The container gives the average rate; the encoder's is a ceiling. hibari's 24 kHz
        # voice leaves the top of the band empty, so it spends less (86 % of 128 kbit/s in
        # one build); another nominal rate (96 or 64 kbit/s) falls outside.
        assert 0.8 * expected.bit_rate <= audio.bit_rate <= 1.05 * expected.bit_rate


@pytest.mark.slow
def test_the_lecture_passes_youtubes_rules(lecture):
    from lecture.youtube import check_outputs

    manifest = json.loads((lecture / "manifest.json").read_text())
    assert manifest["youtube"] == {"problems": []}
    chapters = [(c["start"], c["title"]) for c in manifest["chapters"]]
    assert check_outputs(lecture, chapters, manifest["video"]["duration"]) == []


@pytest.mark.slow
def test_vtt_and_srt_are_one_timeline(lecture):
    import webvtt

    vtt = webvtt.read(str(lecture / "lecture.vtt")).captions
    from_srt = webvtt.from_srt(str(lecture / "lecture.srt")).captions
    assert len(vtt) > 50
    assert [(c.start, c.end, c.text) for c in vtt] == [(c.start, c.end, c.text)
                                                       for c in from_srt]


@pytest.mark.slow
def test_the_transcript_names_every_chapter_and_holds_every_caption_number(lecture):
    """Every act's title at its start, every number the captions show, and a description
    of the screen in every act that draws a chart (all but the closing credits)."""
    import html
    import re

    import webvtt

    from lecture.assemble import format_time

    manifest = json.loads((lecture / "manifest.json").read_text())
    md = (lecture / "transcript.md").read_text(encoding="utf-8")
    page = (lecture / "transcript.html").read_text(encoding="utf-8")
    for scene in manifest["scenes"]:
        assert f"## {format_time(scene['start'])} {scene['title']}" in md
        assert html.escape(scene["title"]) in page
    number = re.compile(r"\d+(?:[.,]\d+)*(?:\s?×\s?10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?")
    said = " ".join(c.text for c in webvtt.read(str(lecture / "lecture.vtt")).captions)
    flat = " ".join(md.split())
    missing = {n for n in number.findall(said) if n not in flat}
    assert not missing, missing
    chapters = md.split("\n## ")[1:]
    assert len(chapters) == len(ACTS)
    described = [c.split("\n")[0] for c in chapters if "> On screen:" in c]
    assert len(described) >= len(ACTS) - 1, described


@pytest.mark.slow
def test_every_scene_video_carries_its_audio(lecture):
    for scene in sorted((lecture / "scenes").glob("*.mp4")):
        with av.open(str(scene)) as c:
            assert c.streams.audio, scene.name
            v, a = c.streams.video[0], c.streams.audio[0]
            assert abs(float(a.duration * a.time_base) - float(v.duration * v.time_base)) < 0.2


@pytest.mark.slow
def test_chapters_and_subtitles_parse_in_order(lecture):
    manifest = json.loads((lecture / "manifest.json").read_text())
    duration = manifest["video"]["duration"]
    lines = (lecture / "chapters.txt").read_text().splitlines()
    times = []
    for line in lines:
        stamp, title = line.split(" ", 1)
        seconds = 0
        for part in stamp.split(":"):  # M:SS or H:MM:SS
            seconds = seconds * 60 + int(part)
        times.append(seconds)
        assert title
    assert times[0] == 0 and len(times) == len(ACTS)
    assert all(b - a >= 10 for a, b in zip(times, times[1:], strict=False))
    assert times[-1] < duration
    subs = list(srt.parse((lecture / "lecture.srt").read_text()))
    starts = [_seconds(s.start) for s in subs]
    assert starts == sorted(starts) and _seconds(subs[-1].end) <= duration + 0.05


@pytest.mark.slow
def test_no_black_frame_at_a_chapter_start(lecture):
    manifest = json.loads((lecture / "manifest.json").read_text())
    with av.open(str(lecture / "lecture.mp4")) as c:
        stream = c.streams.video[0]
        for chapter in manifest["chapters"]:
            c.seek(int(chapter["start"] / stream.time_base), stream=stream)
            frame = next(f for f in c.decode(stream)
                         if float(f.pts * f.time_base) >= chapter["start"] - 1e-6)
            pixels = frame.to_ndarray(format="gray")
            assert pixels.max() > 128, f"chapter {chapter['title']!r} opens on a black frame"


@pytest.mark.slow
def test_thumbnail_and_manifest(lecture):
    from PIL import Image

    with Image.open(lecture / "thumbnail.png") as image:
        assert image.size == (1280, 720)
        assert np.asarray(image.convert("L")).max() > 128
    manifest = json.loads((lecture / "manifest.json").read_text())
    assert manifest["quality"] == "low" and manifest["voice"] == "hibari"
    assert manifest["voice_detail"]["model_sha256"] == MODEL_SHA256
    assert manifest["versions"]["manim"] == "0.22.0"
    assert "Kokoro-82M" in manifest["voice_detail"]["lineage"]
    # the pace: the whole lecture lasts 8 to 15 minutes
    assert 8 * 60 <= manifest["video"]["duration"] <= 15 * 60, manifest["video"]["duration"]
    starts = [s["start"] for s in manifest["scenes"]]
    assert starts == sorted(starts) and starts[0] == 0


@pytest.mark.slow
def test_second_build_renders_nothing(lecture, capsys):
    videos = sorted((lecture / "scenes").glob("*.mp4"))
    stamps = [v.stat().st_mtime_ns for v in videos]
    lecture_stamp = (lecture / "lecture.mp4").stat().st_mtime_ns
    assert main(["build", "--quality", "low", "--out", str(lecture)]) == 0
    assert "lecture.mp4 is up to date" in capsys.readouterr().err
    assert [v.stat().st_mtime_ns for v in videos] == stamps
    assert (lecture / "lecture.mp4").stat().st_mtime_ns == lecture_stamp


@pytest.mark.slow
def test_another_bundle_gives_another_picture(lecture, tmp_path):
    """The hook, rendered from the quick bundle, differs from the default bundle's."""
    assert main(["render", "--only", "hook", "--quality", "low", "--data", str(QUICK),
                 "--out", str(tmp_path)]) == 0

    def frame_in_last_section(out: Path) -> np.ndarray:
        record = json.loads((out / "scenes" / "01_hook.json").read_text())
        at = sum(s["duration"] for s in record["sections"][:-1]) + 8.0
        with av.open(str(out / "scenes" / "01_hook.mp4")) as c:
            stream = c.streams.video[0]
            return next(f.to_ndarray(format="rgb24") for f in c.decode(stream)
                        if float(f.pts * f.time_base) >= at)

    default, quick = frame_in_last_section(lecture), frame_in_last_section(tmp_path)
    assert np.abs(default.astype(int) - quick.astype(int)).mean() > 0.5


@pytest.mark.slow
def test_failed_scene_names_itself_and_keeps_the_others(lecture, capsys, monkeypatch):
    import sys

    import lecture.render as render_mod

    victim = lecture / "scenes" / "10_summary.json"
    victim.unlink()  # this scene must render again; the others are up to date
    shutil.rmtree(lecture / ".cache" / "scenes" / "summary")  # and not come back from the cache
    records = {p: p.read_bytes() for p in (lecture / "scenes").glob("*.json")}

    def failing(act, quality, media, still=False):
        return [sys.executable, "-c", "raise ZeroDivisionError('boom in the scene')"]

    monkeypatch.setattr(render_mod, "manim_command", failing)
    assert main(["render", "--quality", "low", "--out", str(lecture)]) == 2
    err = _error(capsys)
    assert "scene 'summary' failed: ZeroDivisionError: boom in the scene" in err
    assert "a re-run renders only what failed" in err
    assert {p: p.read_bytes() for p in (lecture / "scenes").glob("*.json")} == records
    monkeypatch.undo()
    assert main(["render", "--quality", "low", "--out", str(lecture)]) == 0
    assert victim.exists()


@pytest.mark.slow
def test_interrupted_assembly_keeps_the_old_lecture(lecture, monkeypatch):
    import lecture.assemble as assemble_mod

    before = (lecture / "lecture.mp4").read_bytes()
    calls = []

    def interrupted(clip, resampler):
        calls.append(clip)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return np.zeros(round(clip.duration * assemble_mod.AUDIO_RATE), dtype=np.float32)

    monkeypatch.setattr(assemble_mod, "_scene_audio", interrupted)
    clips = [SceneClip(a.name, a.title, lecture / "scenes" / f"{i:02d}_{a.name}.mp4")
             for i, a in enumerate(ACTS, 1)]
    with pytest.raises(KeyboardInterrupt):
        assemble_mod.assemble_lecture(clips, lecture, {})
    assert (lecture / "lecture.mp4").read_bytes() == before
    assert not list(lecture.glob(".*.partial"))


# ------------------------------------------------------------------------- publishing


def _fake_render(monkeypatch, seconds: str = "0"):
    """``lecture render`` with the fake ``manim`` of tests/support/fake_lecture.py."""
    import lecture.render as render_mod
    from tests.support import fake_lecture

    monkeypatch.setenv("FAKE_MANIM_SECONDS", seconds)
    monkeypatch.setattr(render_mod, "manim_command", fake_lecture.manim_command)
    return fake_lecture.data_shade


def _shade(video: Path) -> int:
    with av.open(str(video)) as c:
        return int(next(c.decode(c.streams.video[0])).to_ndarray(format="rgb24").mean().round())


def _render_hook(data: Path, out: Path) -> int:
    return main(["render", "--only", "hook", "--voice", "none", "--quality", "low",
                 "--data", str(data), "--out", str(out)])


def test_a_render_that_fails_before_its_record_never_leaves_a_wrong_scene(tmp_path,
                                                                          monkeypatch,
                                                                          capsys):
    """Issue 15's stale output: a render that fails between publishing a scene's files and
    writing its record (the disk filled up) must not let the next render take the other
    bundle's video for up to date."""
    import os

    shade = _fake_render(monkeypatch)
    b1, b2 = DEFAULT_BUNDLE.resolve(), QUICK.resolve()
    assert shade(str(b1)) != shade(str(b2))
    out = tmp_path / "out"
    assert _render_hook(b1, out) == 0
    video = out / "scenes" / "01_hook.mp4"
    assert abs(_shade(video) - shade(str(b1))) <= 2
    key1 = json.loads(video.with_suffix(".json").read_text())["key"]

    real = os.replace

    def full_disk(src, dst, *a, **k):  # the record's write fails, after the other files
        if Path(dst) == video.with_suffix(".json"):
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", full_disk)
    (out / "scenes" / ".01_hook.wav.partial").write_bytes(b"left by a killed run")
    assert _render_hook(b2, out) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert not video.with_suffix(".json").exists()  # a scene without a record: not done
    monkeypatch.setattr(os, "replace", real)

    assert _render_hook(b1, out) == 0
    assert json.loads(video.with_suffix(".json").read_text())["key"] == key1
    assert abs(_shade(video) - shade(str(b1))) <= 2  # the video is the one its record names
    assert not list((out / "scenes").glob(".*.partial"))
