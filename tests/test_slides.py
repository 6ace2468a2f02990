"""The slide deck: the slide rule, cutting, audio, HTML, handout, bad input, and the deck in
a real browser (Debian's Chromium, through Selenium, with the network unused).

The fast tests build decks from small synthetic scenes made here, shaped like Manim's: a
keyframe at every animation start, narration blocks between animations, a lossless
narration track. The slow one builds the deck of the real lecture rendered at 480p15 (the
lecture fixture that tests/test_render.py builds too) and steps through every slide.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import wave
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import srt
import webvtt
from av.video.frame import PictureType

import lecture.deck.build as build_mod
import lecture.deck.page as page_mod
from lecture.captions import seconds_of
from lecture.cli import main
from lecture.deck import DeckError
from lecture.deck.build import build_deck
from lecture.deck.cut import AUDIO_RATE
from lecture.deck.plan import MIN_SLIDE, SceneSource, plan_slides, slide_spans
from lecture.deck.server import DeckServer

FPS = 30
SIZE = (640, 360)


# ------------------------------------------------------------------ synthetic scenes


def frame_picture(i: int) -> np.ndarray:
    """Frame ``i``: a grey level and a white square that move with ``i``, so every frame
    differs from its neighbours by far more than the encoder's noise."""
    w, h = SIZE
    image = np.zeros((h, w, 3), np.uint8)
    image[:, :, 0] = 40 + (i * 23) % 180
    image[:, :, 1] = 40 + (i * 41) % 180
    image[:, :, 2] = 90
    x = 10 + (i * 17) % (w - 120)
    image[60:260, x:x + 100] = 255
    return image


def make_scene(folder: Path, number: int, name: str, blocks: list[tuple[int, int, int]],
               frames: int, sections: list[str], *, extra_keyframes=(), skip_keyframe=None,
               drift: float = 0.0) -> SceneSource:
    """A scene video, its narration track and record. ``blocks``: (first frame, end frame,
    section) of each narration block; every block boundary starts an animation, so it is a
    keyframe, as in Manim's output (unless it is ``skip_keyframe``). The narration track
    places block k ``k * drift`` seconds after its frames, as Manim's ``renderer.time`` does
    when it reuses cached animations; the record has those times too."""
    folder.mkdir(parents=True, exist_ok=True)
    video = folder / f"{number:02d}_{name}.mp4"
    keyframes = {0, *extra_keyframes, *(a for a, _, _ in blocks), *(b for _, b, _ in blocks)}
    keyframes.discard(skip_keyframe)
    with av.open(str(video), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        # keyframes only where asked (no scene-cut detection), B-frames as in Manim's files
        stream.options = {"crf": "16", "forced-idr": "1", "bf": "2",
                          "x264-params": "scenecut=0:keyint=1000"}
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(frame_picture(i), format="rgb24")
            if i in keyframes:
                frame.pict_type = PictureType.I
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    rate = 16000  # a tone while each block speaks, silence between, as the scene's .wav
    times = [(a / FPS + k * drift, b / FPS + k * drift) for k, (a, b, _) in enumerate(blocks)]
    samples = np.zeros(round((frames / FPS + len(blocks) * drift) * rate), np.int16)
    for k, (start, end) in enumerate(times):
        i, j = round(start * rate), round(end * rate)
        t = np.arange(j - i) / rate
        samples[i:j] = (8000 * np.sin(2 * np.pi * (300 + 100 * k) * t)).astype(np.int16)
    with wave.open(str(video.with_suffix(".wav")), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    record = {
        "key": f"key-{name}", "name": name, "title": name.title(), "scene": name.title(),
        "duration": frames / FPS,
        "narration": {"sections": sections, "frames": frames, "blocks": [
            {"text": f"{name} block {k + 1}.", "section": s, "start_frame": a, "end_frame": b,
             "start": t0, "end": t1}
            for k, ((a, b, s), (t0, t1)) in enumerate(zip(blocks, times, strict=True))]},
    }
    video.with_suffix(".json").write_text(json.dumps(record))
    video.with_suffix(".srt").write_text(srt.compose([  # a subtitle per block, as Manim's
        srt.Subtitle(k + 1, timedelta(seconds=t0), timedelta(seconds=t1), b["text"])
        for k, (b, (t0, t1)) in enumerate(zip(record["narration"]["blocks"], times,
                                             strict=True))]), encoding="utf-8")
    return SceneSource(number, name, name.title(), video, record, record["key"])


@pytest.fixture(scope="session")
def scene_dir(tmp_path_factory):
    """Two scenes, 5 slides: blocks of 1-2 s (``min_seconds=0.5`` keeps them apart)."""
    folder = tmp_path_factory.mktemp("two-scenes")
    make_scene(folder, 1, "alpha", [(10, 40, 0), (45, 75, 0), (80, 110, 1)], 120,
               ["Alpha", "Second step"], extra_keyframes=(100,), drift=0.1)
    make_scene(folder, 2, "beta", [(15, 45, 0), (50, 80, 0)], 90, ["Beta"])
    return folder


def two_scenes(scene_dir: Path, folder: Path) -> list[SceneSource]:
    """The two scenes of ``scene_dir``, copied into ``folder``."""
    shutil.copytree(scene_dir, folder, dirs_exist_ok=True)
    scenes = []
    for number, name in ((1, "alpha"), (2, "beta")):
        video = folder / f"{number:02d}_{name}.mp4"
        record = json.loads(video.with_suffix(".json").read_text())
        scenes.append(SceneSource(number, name, record["title"], video, record, record["key"]))
    return scenes


@pytest.fixture(scope="module")
def synthetic_deck(tmp_path_factory, scene_dir):
    out = tmp_path_factory.mktemp("deck")
    scenes = two_scenes(scene_dir, out / "scenes")
    started = time.perf_counter()
    manifest = build_deck(scenes, out, {"quality": "test"}, min_seconds=0.5, jobs=2)
    print(f"synthetic deck built in {time.perf_counter() - started:.2f} s")
    return out, scenes, manifest


def frame_at(video: Path, index: int) -> np.ndarray:
    """Frame ``index`` of ``video``, decoded from the keyframe before it."""
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        rate = Fraction(stream.base_rate)
        c.seek(int(Fraction(index) / rate / stream.time_base), stream=stream, backward=True)
        for frame in c.decode(stream):
            if round(frame.pts * stream.time_base * rate) >= index:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"{video} has no frame {index}")


def decode(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


# ------------------------------------------------------------------------- the rule


def _blocks(*spans):
    return [{"start_frame": a, "end_frame": b, "section": s} for a, b, s in spans]


def test_slides_tile_the_scene_cut_where_blocks_end():
    spans = slide_spans(_blocks((10, 100, 0), (100, 250, 0), (260, 400, 1)), 450, 60)
    assert [(a, b) for a, b, _ in spans] == [(0, 100), (100, 250), (250, 450)]
    assert [len(g) for _, _, g in spans] == [1, 1, 1]


def test_a_short_slide_joins_the_next_of_its_step_else_the_one_before():
    blocks = _blocks((0, 100, 0), (100, 130, 0), (130, 300, 0),  # short, in mid step
                     (300, 420, 1), (420, 440, 1),  # short, last of its step
                     (440, 450, 2))  # short, alone in its step: stays
    spans = slide_spans(blocks, 470, 60)
    assert [(a, b, len(g)) for a, b, g in spans] == [
        (0, 100, 1), (100, 300, 2), (300, 440, 2), (440, 470, 1)]


def test_a_scene_without_narration_is_one_slide():
    assert slide_spans([], 90, 60) == [(0, 90, [])]


def test_plan_titles_notes_and_stills(scene_dir, tmp_path):
    scenes = two_scenes(scene_dir, tmp_path)
    planned = plan_slides(scenes, min_seconds=0.5)
    assert [(s.scene.name, s.start_frame, s.end_frame) for s in planned] == [
        ("alpha", 0, 40), ("alpha", 40, 75), ("alpha", 75, 120), ("beta", 0, 45),
        ("beta", 45, 90)]
    assert [s.number for s in planned] == [1, 2, 3, 4, 5]
    assert planned[0].title == "1 · Alpha"
    assert planned[2].title == "1 · Alpha — Second step" and planned[2].step == "Second step"
    assert planned[1].notes == "alpha block 2."
    # each still is the frame where the slide's narration ends: its last frame, except a
    # scene's last slide, which stops before the scene's closing frames
    assert [s.still_frame for s in planned] == [39, 74, 109, 44, 79]
    merged = plan_slides(scenes, min_seconds=MIN_SLIDE)  # 3 s: each scene is one step's
    assert [(s.start_frame, s.end_frame) for s in merged] == [(0, 75), (75, 120), (0, 90)]
    assert merged[0].notes == "alpha block 1.\n\nalpha block 2."


# ----------------------------------------------------------------------- the deck


def test_each_slide_is_its_frames_by_stream_copy(synthetic_deck):
    out, scenes, manifest = synthetic_deck
    assert [s["file"] for s in manifest["slides"]] == [f"slides/00{i}.mp4" for i in range(1, 6)]
    sources = {s.name: decode(s.video) for s in scenes}
    for slide in manifest["slides"]:
        frames = decode(out / "deck" / slide["file"])
        source = sources[slide["scene"]][slide["start_frame"]:slide["end_frame"]]
        assert len(frames) == slide["frames"] == len(source)
        # packets copied from a keyframe decode to the very same pixels
        assert all(np.array_equal(a, b) for a, b in zip(frames, source, strict=True))
        with av.open(str(out / "deck" / slide["file"])) as c:
            v = c.streams.video[0]
            assert c.streams.video[0].codec_context.name == "h264"
            assert float(Fraction(v.frames) / v.base_rate) == pytest.approx(slide["duration"])
    # consecutive slides of a scene meet: each starts where the one before ended
    for a, b in zip(manifest["slides"], manifest["slides"][1:], strict=False):
        if a["scene"] == b["scene"]:
            assert b["start_frame"] == a["end_frame"]


def _audio(path: Path) -> tuple[np.ndarray, int, str, float]:
    """Decoded samples (with the encoder's padding), rate, codec, and the length the
    container gives the track (which trims the padding)."""
    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in c.decode(stream)])
        return (samples, stream.rate, stream.codec_context.name,
                float(stream.duration * stream.time_base))


def test_each_slide_carries_its_own_narration(synthetic_deck):
    out, scenes, manifest = synthetic_deck
    for slide in manifest["slides"]:
        samples, rate, codec, length = _audio(out / "deck" / slide["file"])
        assert codec == "aac" and rate == AUDIO_RATE
        assert abs(length - slide["duration"]) < 0.002, (slide["file"], length)
        # the slide's block is a tone of its own pitch: all of it is in the slide's audio,
        # and nothing of the blocks around it, though the track drifts from the frames
        scene = next(s for s in scenes if s.name == slide["scene"])
        k = [b["text"] for b in scene.record["narration"]["blocks"]].index(slide["notes"])
        power = np.abs(np.fft.rfft(samples)) ** 2
        freq = np.fft.rfftfreq(len(samples), 1 / rate)
        own = power[np.abs(freq - (300 + 100 * k)) < 40].sum()
        assert own / power.sum() > 0.97, (slide["file"], own / power.sum())
        block = scene.record["narration"]["blocks"][k]
        spoken = (block["end"] - block["start"]) * rate
        assert np.sum(np.abs(samples) > 0.01) > 0.93 * spoken, slide["file"]


def test_stills_are_exact_though_decoding_skips_frames(synthetic_deck):
    """The handout's stills skip non-reference frames while decoding; still the same."""
    from lecture.deck.cut import scene_stills

    _, scenes, _ = synthetic_deck
    for scene in scenes:
        planned = [s for s in plan_slides(scenes, 0.5) if s.scene.name == scene.name]
        frames = decode(scene.video)
        for slide, still in zip(planned, scene_stills(scene, planned), strict=True):
            assert np.array_equal(np.asarray(still), frames[slide.still_frame])


def test_html_is_offline_with_titles_and_notes(synthetic_deck):
    out, _, manifest = synthetic_deck
    deck = out / "deck"
    page = (deck / "index.html").read_text()
    for name in ("index.html", "deck.js", "deck.css"):
        assert not re.search(r"https?://", (deck / name).read_text()), name
    for ref in re.findall(r'(?:src|href|data-background-video)="([^"]+)"', page):
        assert (deck / ref).is_file(), ref
    assert page.count("<section") == len(manifest["slides"]) == 5
    assert page.count('<aside class="notes">') == 5
    assert "alpha block 2." in page and "1 · Alpha — Second step" in page
    assert manifest["versions"]["reveal.js"] == page_mod.REVEAL_VERSION
    assert (deck / "reveal" / "LICENSE").is_file()


def test_handout_has_a_page_per_slide(synthetic_deck):
    out, _, manifest = synthetic_deck
    pdf = (out / "deck" / "handout.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page ", pdf)) == len(manifest["slides"])
    # every cross-reference points at its object
    xref = int(re.search(rb"startxref\n(\d+)", pdf)[1])
    entries = re.findall(rb"(\d{10}) 00000 n", pdf[xref:])
    for n, offset in enumerate(entries, start=1):
        assert pdf[int(offset):].startswith(b"%d 0 obj" % n)


def test_manifest_lists_slides_with_their_source(synthetic_deck):
    out, _, manifest = synthetic_deck
    on_disk = json.loads((out / "deck" / "manifest.json").read_text())
    assert on_disk == manifest
    first = manifest["slides"][0]
    assert first["scene"] == "alpha" and first["scene_file"] == "scenes/01_alpha.mp4"
    assert first["start"] == 0 and first["end"] == pytest.approx(40 / FPS)
    assert manifest["slides"][3]["lecture_start"] == pytest.approx(120 / FPS)
    assert manifest["video"]["cut"] == "stream copy at keyframes"
    assert manifest["quality"] == "test"


# ------------------------------------------------------------------------ bad input


def _error(capsys) -> str:
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("lecture: error: ")]
    assert len(errors) == 1 and err.endswith(errors[0] + "\n"), err
    return errors[0]


def test_a_cut_off_a_keyframe_is_refused(tmp_path):
    scene = make_scene(tmp_path, 1, "alpha", [(10, 40, 0), (45, 75, 0)], 90, ["Alpha"],
                       skip_keyframe=40)
    with pytest.raises(DeckError, match="frame 40 is not on a keyframe"):
        build_deck([scene], tmp_path, {}, min_seconds=0.5)
    assert not (tmp_path / "deck").exists() and not (tmp_path / ".deck.partial").exists()


def test_a_missing_narration_track_is_named(scene_dir, tmp_path):
    scenes = two_scenes(scene_dir, tmp_path)
    scenes[1].wav.unlink()
    with pytest.raises(DeckError, match="scene 'beta' has no narration track"):
        build_deck(scenes, tmp_path, {})


def test_reveal_not_installed(scene_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(page_mod, "REVEAL", tmp_path / "nowhere")
    with pytest.raises(DeckError, match=r"reveal.js 6.0.1 is not installed .*bash setup.sh"):
        build_deck(two_scenes(scene_dir, tmp_path), tmp_path, {})


def test_failed_build_keeps_the_previous_deck(synthetic_deck, tmp_path, monkeypatch):
    out, scenes, _ = synthetic_deck
    shutil.copytree(out / "deck", tmp_path / "deck")
    before = (tmp_path / "deck" / "manifest.json").read_bytes()

    def broken(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_mod, "scene_stills", broken)
    with pytest.raises(KeyboardInterrupt):
        build_deck(scenes, tmp_path, {})
    assert (tmp_path / "deck" / "manifest.json").read_bytes() == before
    assert not (tmp_path / ".deck.partial").exists()


def test_unwritable_output(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    assert main(["slides", "--out", str(tmp_path / "file" / "o")]) == 2
    assert "cannot write output here" in _error(capsys)


def test_failed_render_is_named(tmp_path, capsys, monkeypatch):
    import sys

    import lecture.render as render_mod

    def failing(act, quality, media, still=False):
        return [sys.executable, "-c", f"raise ZeroDivisionError('{act.name} broke')"]

    monkeypatch.setattr(render_mod, "manim_command", failing)
    assert main(["slides", "--quality", "low", "--out", str(tmp_path), "--jobs", "2"]) == 2
    err = _error(capsys)
    assert "scene 'hook' failed: ZeroDivisionError: hook broke" in err
    assert "(and 9 more)" in err
    assert not (tmp_path / "deck").exists()


def test_bad_bundle_is_named(tmp_path, capsys):
    assert main(["slides", "--data", str(tmp_path / "none"), "--out", str(tmp_path)]) == 2
    assert "none" in _error(capsys)


def test_deck_server_answers_byte_ranges(tmp_path):
    from urllib.request import Request, urlopen

    (tmp_path / "a.bin").write_bytes(bytes(range(256)) * 4)
    with DeckServer(tmp_path) as server:
        with urlopen(Request(server.url + "a.bin", headers={"Range": "bytes=10-19"})) as r:
            assert r.status == 206 and r.read() == bytes(range(10, 20))
            assert r.headers["Content-Range"] == "bytes 10-19/1024"
        with urlopen(Request(server.url + "a.bin", headers={"Range": "bytes=-4"})) as r:
            assert r.read() == bytes(range(252, 256))
        with urlopen(server.url + "a.bin") as r:
            assert r.status == 200 and len(r.read()) == 1024
            assert r.headers["Accept-Ranges"] == "bytes"


# -------------------------------------------------------------------- in a browser


@pytest.fixture(scope="session")
def browser_ready():
    from tests.support.browser import missing_browser

    problem = missing_browser()
    if problem:
        pytest.exit(f"browser tests: {problem}", returncode=2)


def check_captions(browser, deck: Path, slides: list[dict], index: int) -> None:
    """The slide's video carries its captions as a ``<track kind="captions">``, and the
    browser reads the same cues as the slide's WebVTT file holds."""
    slide = slides[index]
    browser.js("Reveal.slide(arguments[0]);", index)
    expected = [(seconds_of(c.start), c.text)
                for c in webvtt.read(str(deck / slide["captions"])).captions]
    loaded = browser.wait_for(
        "(() => { const v = deck.currentVideo(); const t = v && v.querySelector('track');"
        " return t && t.kind === 'captions' && t.readyState === 2 && t.track.cues !== null"
        " && t.track.cues.length === arguments[0]; })()", 10, len(expected))
    cues = browser.js("return Array.from(deck.currentVideo().textTracks[0].cues)"
                      ".map(c => [c.startTime, c.text]);")
    assert loaded, f"slide {index + 1}: its captions never loaded ({cues})"
    assert [(round(a, 3), t) for a, t in cues] == [(round(a, 3), t) for a, t in expected]


def check_in_browser(deck: Path, manifest: dict, sources: dict[str, Path],
                     shots: list[int], play_through: bool = False) -> dict:
    """Load ``deck`` from a local server and check what the issue asks; return timings."""
    from tests.support.browser import (
        Browser,
        check_arrow_keys,
        check_videos,
        frame_difference,
        load,
        slide_start_screenshot,
    )

    slides, fps = manifest["slides"], manifest["video"]["fps"]
    timings = {}
    started = time.monotonic()
    with DeckServer(deck) as server, Browser() as browser:
        timings["start browser"] = time.monotonic() - started
        timings["load"] = load(browser, server.url + "index.html")
        assert browser.js("return Reveal.getTotalSlides();") == len(slides)
        # reveal.js finds each slide's speaker notes and title
        notes = browser.js("return Reveal.getSlides().map(s => {"
                           "  const d = document.createElement('div');"
                           "  d.innerHTML = Reveal.getSlideNotes(s); return d.textContent; });")
        titles = browser.js("return Reveal.getSlides().map("
                            "s => s.querySelector('.slide-title').innerText);")
        for slide, note, title in zip(slides, notes, titles, strict=True):
            assert slide["notes"].split("\n\n")[0] in " ".join(note.split()), note
            assert slide["step"] in title and str(slide["act_number"]) in title

        t = time.monotonic()
        check_videos(browser, slides, fps)
        timings["videos"] = time.monotonic() - t

        t = time.monotonic()
        for index in shots:
            check_captions(browser, deck, slides, index)
        browser.press("c")  # C shows them
        assert browser.js("return deck.currentVideo().textTracks[0].mode;") == "showing"
        timings["captions"] = time.monotonic() - t

        t = time.monotonic()
        assert check_arrow_keys(browser) == [0, 1, 2, 1]
        timings["arrow keys"] = time.monotonic() - t

        t, diffs = time.monotonic(), []
        for index in shots:
            slide = slides[index]
            shot = slide_start_screenshot(browser, index)
            assert shot.shape[:2] == (720, 1280)
            assert shot.std() > 10, f"slide {index + 1} looks blank"
            start = frame_at(sources[slide["scene"]], slide["start_frame"])
            diff = frame_difference(shot, start)
            diffs.append(round(diff, 2))
            assert diff < 8, f"slide {index + 1}: screenshot differs from its start ({diff:.1f})"
            if slide["still_frame"] != slide["start_frame"]:
                later = frame_at(sources[slide["scene"]], slide["still_frame"])
                assert frame_difference(shot, later) > diff
        timings["screenshots"] = time.monotonic() - t
        timings["screenshot differences (0-255)"] = diffs

        if play_through:
            t = time.monotonic()
            browser.js("Reveal.slide(0); deck.currentVideo().currentTime = 0;")
            browser.press("p")
            assert browser.js("return deck.state.playThrough;")
            assert browser.wait_for("Reveal.getIndices().h >= 2", slides[0]["duration"]
                                    + slides[1]["duration"] + 5)
            browser.press("m")
            assert browser.js("return deck.currentVideo().muted;")
            timings["play through"] = time.monotonic() - t

        urls = browser.requested_urls()
        foreign = [u for u in urls if u.split(":")[0] in ("http", "https", "ws", "wss")
                   and not u.startswith(server.url)]  # chrome:// pages are built in
        assert not foreign, f"the deck asked the network for {foreign}"
        assert "/index.html" in server.requests
    timings["total"] = time.monotonic() - started
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in timings.items()}


def test_synthetic_deck_in_chromium(browser_ready, synthetic_deck):
    out, scenes, manifest = synthetic_deck
    timings = check_in_browser(out / "deck", manifest, {s.name: s.video for s in scenes},
                               shots=[0, 2, 3, 4], play_through=True)
    print("browser (s):", timings)


@pytest.mark.slow
def test_lecture_deck_in_chromium(browser_ready, lecture, capsys):
    """The deck of the real lecture (480p15): nothing renders again, every slide plays."""
    videos = sorted((lecture / "scenes").glob("*.mp4"))
    stamps = [v.stat().st_mtime_ns for v in videos]
    started = time.monotonic()
    assert main(["slides", "--quality", "low", "--out", str(lecture)]) == 0
    built = time.monotonic() - started
    assert [v.stat().st_mtime_ns for v in videos] == stamps  # rendered nothing
    manifest = json.loads((lecture / "deck" / "manifest.json").read_text())
    out = capsys.readouterr().out
    assert f"{len(manifest['slides'])} slides" in out
    lecture_manifest = json.loads((lecture / "manifest.json").read_text())
    assert manifest["bundle"]["digest"] == lecture_manifest["bundle"]["digest"]
    scenes = {s["name"]: s for s in lecture_manifest["scenes"]}
    by_scene: dict[str, float] = {}
    for slide in manifest["slides"]:
        by_scene[slide["scene"]] = by_scene.get(slide["scene"], 0) + slide["duration"]
    assert by_scene == pytest.approx({n: s["duration"] for n, s in scenes.items()})
    n = len(manifest["slides"])
    timings = check_in_browser(lecture / "deck", manifest,
                               {name: lecture / s["file"] for name, s in scenes.items()},
                               shots=[0, n // 3, n // 2, n - 1])
    timings["deck build"] = built
    with capsys.disabled():
        print(f"\n{n} slides; browser (s):", timings)
    # a second run finds the deck up to date
    assert main(["slides", "--quality", "low", "--out", str(lecture)]) == 0
    assert "deck is up to date" in capsys.readouterr().out
