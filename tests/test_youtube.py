"""YouTube's rules (lecture/youtube.py), the captions in two formats (lecture/captions.py),
the transcript (lecture/transcript.py) and ``--loudness``, without rendering a scene. The
real lecture's outputs are checked in tests/test_render.py."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import srt
import webvtt
from PIL import Image

from lecture.assemble import SceneClip
from lecture.captions import MIN_CUE, Cue, seconds_of, shifted, to_srt, to_vtt
from lecture.cli import main
from lecture.transcript import chapters_of, to_html, to_markdown
from lecture.youtube import check_chapters, check_thumbnail, check_video, top_level_boxes

QUICK = Path(__file__).parent / "data" / "quick"
GOOD = [(0.0, "Hook"), (31.0, "Feed-forward"), (80.0, "Recurrent")]


def test_good_chapters_pass():
    assert check_chapters(GOOD, total=200.0) == []


def test_a_five_second_chapter_is_rejected():
    problems = check_chapters([(0.0, "Hook"), (31.0, "Short"), (36.0, "Recurrent")], 200.0)
    assert problems == ["chapters: 'Short' lasts 5.0 s, YouTube needs at least 10"]
    # the last chapter too: it ends where the video does
    assert check_chapters(GOOD, total=85.0) == [
        "chapters: 'Recurrent' lasts 5.0 s, YouTube needs at least 10"]


@pytest.mark.parametrize("chapters, problem", [
    (GOOD[:2], "2 listed, YouTube needs at least 3"),
    ([(2.0, "Hook"), *GOOD[1:]], "the first starts at 2 s, not at 0:00"),
    ([GOOD[0], GOOD[2], GOOD[1]], "'Feed-forward' at 31 s is not after the one before"),
    ([*GOOD[:2], (80.0, "x" * 101)], "the title at 80 s has 101 characters (1 to 100)"),
])
def test_each_chapter_rule(chapters, problem):
    assert any(problem in p for p in check_chapters(chapters, 300.0)), check_chapters(
        chapters, 300.0)


def _png(path: Path, size=(1280, 720), noise=False) -> Path:
    rng = np.random.default_rng(0)
    pixels = (rng.integers(0, 256, (*size[::-1], 3), dtype=np.uint8) if noise
              else np.full((*size[::-1], 3), 40, np.uint8))
    Image.fromarray(pixels).save(path)
    return path


def test_thumbnail_rules(tmp_path):
    assert check_thumbnail(_png(tmp_path / "ok.png")) == []
    assert check_thumbnail(_png(tmp_path / "small.png", (640, 360))) == [
        "thumbnail: 640x360, YouTube's is 1280x720"]
    big = check_thumbnail(_png(tmp_path / "noise.png", noise=True))  # 2.8 MB of noise
    assert len(big) == 1 and "YouTube takes under 2,097,152" in big[0]
    (tmp_path / "x.png").write_bytes(b"GIF89a....")
    assert check_thumbnail(tmp_path / "x.png") == ["thumbnail: x.png is not a PNG"]
    assert check_thumbnail(tmp_path / "none.png") == ["thumbnail: none.png is missing"]


def _mp4(path: Path, faststart: bool, pix_fmt: str = "yuv420p", rate: int = 48000) -> Path:
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", format="mp4", options=options) as out:
        v = out.add_stream("libx264", rate=15)
        v.width, v.height, v.pix_fmt = 64, 48, pix_fmt
        a = out.add_stream("aac", rate=rate, layout="mono")
        for i in range(15):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 10, np.uint8),
                                               format="rgb24")
            out.mux(v.encode(frame))
        out.mux(v.encode(None))
        sound = av.AudioFrame.from_ndarray(np.zeros((1, rate), np.float32), format="fltp",
                                           layout="mono")
        sound.sample_rate, sound.pts, sound.time_base = rate, 0, Fraction(1, rate)
        out.mux(a.encode(sound))
        out.mux(a.encode(None))
    return path


def test_video_rules(tmp_path):
    good = _mp4(tmp_path / "good.mp4", faststart=True)
    boxes = top_level_boxes(good)
    assert boxes.index("moov") < boxes.index("mdat")
    assert check_video(good) == []
    late = _mp4(tmp_path / "late.mp4", faststart=False)
    assert check_video(late) == ["video: the moov atom is not before mdat (no fast start)"]
    chroma = check_video(_mp4(tmp_path / "444.mp4", True, pix_fmt="yuv444p"))
    assert "video: pixel format yuv444p, YouTube wants yuv420p" in chroma
    assert any("High 4:4:4" in p for p in chroma)  # and its profile is not one YouTube lists
    assert check_video(_mp4(tmp_path / "22k.mp4", True, rate=22050)) == [
        "video: audio at 22050 Hz, YouTube wants 48000 or 44100"]


def _failing_lstm(source: Path, target: Path) -> Path:
    """``source`` with the LSTM's cell-state gradient falling a thousandfold a word back."""
    from bundle import load_bundle, write_bundle
    from bundle.contract import grad_key

    b = load_bundle(source)
    arrays = dict(b)
    c = arrays[grad_key("lstm", "c")].astype(np.float64)
    arrays[grad_key("lstm", "c")] = c * 1e-3 ** np.arange(c.shape[-1])[::-1]
    return write_bundle(target, arrays, config=b.config, vocab=b.vocab,
                        generator=b.manifest["generator"])


def test_the_thumbnail_follows_the_bundle(tmp_path, monkeypatch):
    """Drawn from the data, with the lecture's strict layout checks and the badge's corner
    clear: a run whose LSTM loses the gradient gets another title and picture, and both
    pass YouTube's rules."""
    from bundle import load_bundle
    from lecture.render import render_thumbnail, scene_env
    from scenes.acts import THUMBNAIL
    from scenes.story.acts import script_for
    from scenes.story.findings import Findings
    from scenes.voice.choice import resolve_voice

    monkeypatch.setenv("LECTURE_LAYOUT", "strict")
    failing = _failing_lstm(QUICK, tmp_path / "failing")
    pictures, titles = [], []
    for name, data in (("quick", QUICK), ("failing", failing)):
        out = tmp_path / f"out-{name}"
        out.mkdir()
        render_thumbnail(out, scene_env(data, resolve_voice("none")))
        assert check_thumbnail(out / "thumbnail.png") == []
        with Image.open(out / "thumbnail.png") as image:
            pictures.append(np.asarray(image.convert("RGB"), dtype=np.int16))
        titles.append(script_for(THUMBNAIL, Findings(load_bundle(data)))["title"])
    assert titles == ["Gradients vanish. LSTMs keep them.", "Gradients vanish, even in LSTMs"]
    assert np.abs(pictures[0] - pictures[1]).mean() > 1


# ------------------------------------------------------------------- captions


CUES = [Cue(0.0, 2.5, "The error travels back,"), Cue(2.6, 61.25, "and at 4.3 × 10⁻¹⁴"),
        Cue(3600.5, 3602.0, "an hour in: a word ‹b›dark‹/b› ＆ rain")]


def test_vtt_and_srt_parse_and_agree_cue_by_cue(tmp_path):
    (tmp_path / "a.vtt").write_text(to_vtt(CUES), encoding="utf-8")
    (tmp_path / "a.srt").write_text(to_srt(CUES), encoding="utf-8")
    vtt = webvtt.read(str(tmp_path / "a.vtt")).captions
    from_srt = webvtt.from_srt(str(tmp_path / "a.srt")).captions
    assert [(c.start, c.end, c.text) for c in vtt] == [(c.start, c.end, c.text)
                                                       for c in from_srt]
    assert [(seconds_of(c.start), seconds_of(c.end), c.text) for c in vtt] == [
        (c.start, c.end, c.text) for c in CUES]
    # the SRT reads the same with the library Manim writes scenes' subtitles with
    assert [s.content for s in srt.parse(to_srt(CUES))] == [c.text for c in CUES]


def test_markup_in_a_cue_is_made_inert():
    vtt = to_vtt([Cue(0, 1, "a <b>tag</b> & {\\i1}")])
    assert "<b>" not in vtt and "&" not in vtt and "{" not in vtt and "\\" not in vtt


def test_a_slide_takes_its_cues_cut_and_moved_to_its_start():
    assert shifted(CUES[:2], 2.0, 10.0, -2.0) == [Cue(0.0, 0.5, CUES[0].text),
                                                  Cue(2.6 - 2.0, 8.0, CUES[1].text)]
    assert shifted(CUES, 3000.0, None, 0.0) == [CUES[2]]


def test_a_cue_ending_just_after_a_slide_begins_stays_with_the_slide_before():
    tail = CUES[0].end - MIN_CUE / 5  # a sentence's end a few ms past the next bookmark
    assert [c.text for c in shifted(CUES, tail, None, -tail)] == [c.text for c in CUES[1:]]
    assert shifted(CUES, CUES[0].end - 2 * MIN_CUE, None, 0.0)[0].text == CUES[0].text


# ----------------------------------------------------------------- transcript


def test_the_transcript_holds_each_block_at_its_time_and_what_the_screen_shows(tmp_path):
    clips = [SceneClip("hook", "The hook", tmp_path / "01_hook.mp4", duration=70.0,
                       start=0.0),
             SceneClip("rnn", "A <recurrent> cell", tmp_path / "02_rnn.mp4", duration=80.0,
                       start=70.0)]
    records = {"hook": {"narration": {"blocks": [
                   {"text": "Imagine a book.", "start": 6.2, "key": "book"},
                   {"text": "Bars & numbers.", "start": 48.0, "key": "bars"}]}},
               "rnn": {"narration": {"blocks": [
                   {"text": "A cell.", "start": 3.0, "key": "cell"}]}}}
    on_screen = {"hook": {"bars": ["20 bars, from 0.45 at the last word to 3.6 × 10⁻⁶"]},
                 "rnn": {"cell": []}}
    chapters = chapters_of(clips, records, on_screen)
    md = to_markdown(chapters, "T", "intro")
    assert "## 0:00 The hook" in md and "## 1:10 A <recurrent> cell" in md
    assert "**0:06** Imagine a book." in md and "**1:13** A cell." in md
    assert "**0:48** Bars & numbers.\n\n> On screen: 20 bars, from 0.45 at the last word to " \
        "3.6 × 10⁻⁶." in md
    page = to_html(chapters, "T", "intro")
    assert "A &lt;recurrent&gt; cell" in page and "Bars &amp; numbers." in page
    assert "<strong>On screen:</strong> 20 bars" in page
    assert md.count("On screen") == 1


# ----------------------------------------------------------------- --loudness


@pytest.mark.parametrize("value", ["-3", "-45", "nan"])
def test_a_loudness_out_of_range_is_one_line(value, tmp_path, capsys):
    assert main(["build", "--loudness", value, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "between -30 and -10 LUFS" in err[0], err


def test_outputs_are_listed_in_help(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name in (".vtt", "transcript.md", "--loudness", "YouTube"):
        assert name in text
