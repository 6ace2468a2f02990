"""The narration voice: the lexicon, the neural voice and its fallback, word times from the
engine, bookmarks and subtitles that follow them, and loudness."""

from __future__ import annotations

import math
import wave
from pathlib import Path

import numpy as np
import pytest

from lecture.cli import build_parser, main
from scenes.voice import hibari, loudness, piper
from scenes.voice.choice import resolve_voice
from scenes.voice.hibari import HibariEngine
from scenes.voice.lexicon import to_spoken
from scenes.voice.neural import Synthesis, VoiceUnavailable, align_words
from scenes.voice.piper import PiperEngine

# ------------------------------------------------------------------------------ lexicon

SENTENCES = {
    "The LSTM's forget gate, the GRU and the IRNN.":
        "The L S T M's forget gate, the G R U and the I R N N.",
    "BPTT through tanh, sigmoid and ReLU units of RNNs.":
        "B P T T through tanch, sigmoid and ray-loo units of R N N's.",
    "Rana likes biriyani; W_h shrinks it to 10^-13, or 4.3e-14.":
        "Rana likes biryani; W sub h shrinks it to ten to the minus 13, or 4.3 times ten to "
        "the minus 14.",
    "A plain sentence stays as it is.": "A plain sentence stays as it is.",
}


class FakeEngine:
    """Records the text it is asked to speak; answers with a second of quiet noise."""

    def __init__(self):
        self.texts = []

    def synthesize(self, spoken):
        self.texts.append(spoken.text)
        n = len(spoken.words)
        audio = np.random.default_rng(0).normal(0, 0.05, 22050).astype(np.float32)
        return Synthesis(audio, 22050, [(i / n, (i + 1) / n) for i in range(n)])


@pytest.fixture
def fake_piper(tmp_path):
    from scenes.voice.services import NeuralSpeech

    service = NeuralSpeech(piper.locate_model(), cache_dir=tmp_path)
    service._engine = FakeEngine()
    return service


def test_the_engine_receives_the_lexicon_text(fake_piper, tmp_path):
    for written, spoken in SENTENCES.items():
        result = fake_piper.generate_from_text(written, cache_dir=tmp_path)
        assert fake_piper.engine.texts[-1] == spoken
        # the written form stays: subtitles and bookmarks are placed on it
        assert result["input_text"] == written
        words = [b["text"] for b in result["word_boundaries"] if b["boundary_type"] == "Word"]
        assert words == written.split()


def test_flite_reads_the_lexicon_too(monkeypatch, tmp_path):
    import subprocess

    from scenes.voice.services import CommandSpeech, write_silence

    commands = []

    def fake_run(cmd, **kwargs):
        commands.append(cmd)
        write_silence(Path(cmd[cmd.index("-o") + 1]), 1.0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    service = CommandSpeech(engine="flite", cache_dir=tmp_path)
    result = service.generate_from_text("The GRU and <bookmark mark='x'/>tanh.",
                                        cache_dir=tmp_path)
    assert commands[0][commands[0].index("-t") + 1] == "The G R U and tanch."
    assert result["input_text"] == "The GRU and <bookmark mark='x'/>tanh."
    assert [b["text"] for b in result["word_boundaries"]] == ["The", "GRU", "and", "tanh.", ""]


def test_word_spans_map_back_to_the_written_text():
    spoken = to_spoken("LSTMs beat RNNs.")
    assert spoken.text == "L S T M's beat R N N's."
    assert [spoken.written[a:b] for a, b, _, _ in spoken.words] == ["LSTMs", "beat", "RNNs."]
    assert [spoken.text[c:d] for _, _, c, d in spoken.words] == ["L S T M's", "beat",
                                                                  "R N N's."]


# -------------------------------------------------------------------------- the voice


def test_the_default_voice_is_hibari():
    assert build_parser().parse_args(["build"]).voice == "hibari"
    choice = resolve_voice("hibari")
    assert choice.name == "hibari" and not choice.warning
    assert choice.detail["model_sha256"] == hibari.MODEL_SHA256
    assert choice.detail["engine"] == "hibari-tts 0.2.1"
    assert "Kokoro-82M" in choice.detail["lineage"] and "Apache-2.0" in choice.detail["licence"]
    assert hibari.MODEL_SHA256 in choice.signature and "hibari-tts==0.2.1" in choice.signature
    assert choice.credit.startswith('Narrated by hibari\'s "heart" voice (Apache-2.0)')
    joe = resolve_voice("piper")
    assert piper.MODEL_SHA256 in joe.signature and "piper-tts==1.8.0" in joe.signature
    assert "lessac" in joe.detail["lineage"] and "non-commercial" in joe.credit


@pytest.mark.parametrize("engine, name", [(hibari, "hibari.onnx"),
                                          (piper, "en_US-joe-medium.onnx")])
def test_a_model_with_another_hash_is_refused(monkeypatch, engine, name):
    real = engine.MODEL_SHA256
    monkeypatch.setattr(engine, "MODEL_SHA256", "0" * 64)
    with pytest.raises(VoiceUnavailable, match=rf"{name} has sha256 {real[:12]}"):
        engine.locate_model()


def test_without_the_neural_voice_the_build_warns_once_and_uses_flite(monkeypatch, tmp_path,
                                                                     capsys):
    import lecture.build as build_mod
    import scenes.voice.choice as voice_mod

    def missing():
        raise VoiceUnavailable("hibari-tts is not installed")

    used = {}

    def fake_render(plan, *, choice, **kwargs):
        used["voice"], used["keys"] = choice.name, [r.key for r in plan]
        for r in plan:
            r.status = "rendered"
        return plan

    monkeypatch.setattr(voice_mod.hibari, "locate_model", missing)
    monkeypatch.setattr(build_mod, "render_scenes", fake_render)
    assert main(["render", "--only", "hook", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert warnings == ["lecture: warning: the hibari voice is unavailable (hibari-tts "
                        "is not installed); narrating with flite"]
    assert used["voice"] == "flite"
    flite_keys = used["keys"]
    monkeypatch.undo()
    monkeypatch.setattr(build_mod, "render_scenes", fake_render)
    assert main(["render", "--only", "hook", "--out", str(tmp_path)]) == 0
    assert used["voice"] == "hibari" and used["keys"] != flite_keys  # the voice is in the key
    assert "warning" not in capsys.readouterr().err


def test_scene_processes_take_the_choice_whole_and_decide_nothing(monkeypatch, tmp_path):
    """The build resolves the voice once; a scene process builds its service from the
    choice handed over in its environment, without looking for the model again."""
    import scenes.voice.choice as choice_mod
    from lecture.render import scene_env
    from scenes.environment import VOICE
    from scenes.voice.choice import VoiceChoice, scene_voice
    from scenes.voice.services import CommandSpeech, NeuralSpeech, SilentSpeech, speech_service

    heart, joe = resolve_voice("hibari"), resolve_voice("piper")
    monkeypatch.setattr(choice_mod.shutil, "which", lambda name: None)  # no flite program
    flite = resolve_voice("flite")
    assert (flite.name, flite.service) == ("flite", "espeak")  # the one fallback rule

    def looked_up(*args):
        raise AssertionError("a scene process looked for the voice again")

    monkeypatch.setattr(hibari, "locate_model", looked_up)
    monkeypatch.setattr(piper, "locate_model", looked_up)
    monkeypatch.setattr(choice_mod.shutil, "which", looked_up)
    for choice, kind in ((heart, NeuralSpeech), (joe, NeuralSpeech), (flite, CommandSpeech),
                         (resolve_voice("none"), SilentSpeech)):
        handed = scene_voice(scene_env(tmp_path, choice)[VOICE])
        assert handed == choice
        service = speech_service(handed)
        assert type(service) is kind
    for choice in (heart, joe):
        assert speech_service(scene_voice(choice.to_env())).model == choice.model
    assert speech_service(scene_voice(flite.to_env())).engine == "espeak"
    with pytest.raises(ValueError, match="not a voice choice"):
        VoiceChoice.from_env("{not json")
    with pytest.raises(ValueError, match="unknown voice 'joe'; choose one of hibari, piper"):
        scene_voice("joe")  # a scene run by hand, with a voice's name


def test_the_offline_guard_blocks_the_network_in_scene_processes():
    """What the shared lecture build runs under (tests/conftest.py): a process it starts
    cannot reach the network, and hibari's downloadable voices fail instead of fetching."""
    import subprocess
    import sys

    from tests.support.network import offline

    probe = ("import urllib.request, hibari.voices as v\n"
             "for call in (lambda: urllib.request.urlopen('http://127.0.0.1:9', timeout=2),\n"
             "             lambda: v.download(v.BASE_URL + 'x.onnx', '/tmp/never.onnx', '0')):\n"
             "    try: call()\n"
             "    except Exception as e: print(type(e).__name__, 'blocked' in str(e))\n")
    with offline():
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                              timeout=60)
    assert done.stdout.split("\n")[:2] == ["URLError True", "RuntimeError True"], done


# ------------------------------------------------------------------------- word timing


def test_alignment_finds_words_that_espeak_joined():
    # "in the house": espeak-ng says "ɪnðə hˈaʊs"; alone, "the" is "ðˈə"
    words = [list("ˈɪn"), list("ðˈə"), list("hˈaʊs")]
    stream = list("^ɪnðə hˈaʊs.$")
    assert align_words(words, stream) == [(1, 2), (3, 4), (6, 10)]


@pytest.fixture(scope="module")
def heart():
    return HibariEngine(hibari.locate_model())


@pytest.fixture(scope="module")
def joe():
    return PiperEngine(piper.locate_model())


def test_the_piper_durations_account_for_every_sample(joe):
    chunks = list(joe.voice.synthesize("One sentence. And another one.", joe.config,
                                       include_alignments=True))
    assert len(chunks) == 2
    for chunk in chunks:
        assert sum(a.num_samples for a in chunk.phoneme_alignments) == len(
            chunk.audio_float_array)


def test_the_duration_output_is_a_valid_onnx_graph():
    import onnx

    model = hibari.locate_model()
    patched = onnx.load_from_string(hibari.duration_graph(model.path.read_bytes()))
    onnx.checker.check_model(patched)
    original = onnx.load(str(model.path))
    assert [o.name for o in patched.graph.output] == [
        *(o.name for o in original.graph.output), hibari.DURATIONS]
    kind = patched.graph.output[-1].type.tensor_type
    assert kind.elem_type == onnx.TensorProto.FLOAT and len(kind.shape.dim) == 1
    assert len(patched.graph.node) == len(original.graph.node)  # nothing else changed
    with pytest.raises(VoiceUnavailable, match="no /Clip_output_0 tensor"):
        hibari.duration_graph(b"\x3a\x00")


def test_the_hibari_durations_tile_the_audio(heart):
    audio, stream, starts, lengths = heart.timed("One sentence. And another one.")
    assert stream.count("^") == 2  # two sentences, each between its pads
    assert starts[0] == 0 and starts[-1] + lengths[-1] == len(audio)
    assert all(a + n == b for a, n, b in zip(starts, lengths, starts[1:], strict=False))
    assert sum(lengths) == len(audio) and min(lengths) >= 0


@pytest.mark.parametrize("voice", ["heart", "joe"])
def test_word_times_come_from_the_model(voice, request):
    engine = request.getfixturevalue(voice)
    spoken = to_spoken("Stop. Then the LSTM goes on.", inline=voice == "heart")
    result = engine.synthesize(spoken)
    starts = [s for s, _ in result.word_times]
    assert starts == sorted(starts) and all(e > s for s, e in result.word_times)
    assert 0 < result.word_times[-1][1] <= result.duration
    # the pause after "Stop." is quiet; the words around it are not
    rms = lambda a, b: float(np.sqrt(np.mean(  # noqa: E731
        result.audio[int(a * result.rate):int(b * result.rate)] ** 2)))
    (s0, e0), (s1, e1) = result.word_times[:2]
    assert s1 - e0 > 0.1, result.word_times
    assert rms(e0 + 0.02, s1 - 0.02) < 0.2 * min(rms(s0, e0), rms(s1, e1))


def test_every_bookmarked_word_of_the_lecture_is_timed_by_its_own_phonemes(heart):
    """Each word the acts wait for (``<bookmark mark='x'/>``) gets the phonemes the model
    said for it: its time is that word's, not a neighbour's nor a filled gap."""
    import difflib
    import re

    from bundle import DEFAULT_BUNDLE, load_bundle
    from scenes.acts import ACTS
    from scenes.story.acts import script_for
    from scenes.story.findings import Findings
    from scenes.voice.neural import _sounds

    bundle, marked = load_bundle(DEFAULT_BUNDLE), 0
    for act in ACTS:
        for line in script_for(act, Findings(bundle.view(act.reads))):
            if "<bookmark" not in line.voiced:
                continue
            written = re.sub(r"<bookmark mark='[^']*'/>", "", line.voiced)
            before = [len(re.sub(r"<bookmark mark='[^']*'/>", "", part).split())
                      for part in re.split(r"(?=<bookmark)", line.voiced)[:-1]]
            spoken = to_spoken(written, inline=True)
            _, stream, _, _ = heart.timed(spoken.text)
            words = [heart.phonemes(spoken.text[a:b]) for _, _, a, b in spoken.words]
            spans = align_words(words, stream)
            for index in np.cumsum(before):
                said = [p for p in stream[spans[index][0]:spans[index][1] + 1]
                        if _sounds([p])]
                alone = [words[index][i] for i in _sounds(words[index])]
                match = difflib.SequenceMatcher(None, said, alone).ratio()
                assert match >= 0.7, (act.name, written.split()[index], said, alone)
                marked += 1
    assert marked >= 10, marked


# The lexicon's terms as hibari's model receives them (its alphabet is misaki's)
HEARD = {
    "LSTM": "ˈɛl ˈɛs tˈi ˈɛm", "LSTMs": "ˈɛl ˈɛs tˈi ˈɛmz", "GRU": "ʤˈi ˈɑɹ jˈu",
    "IRNN": "ˌI ˈɑɹ ˈɛn ˈɛn", "BPTT": "bˈi pˈi tˈi tˈi", "tanh": "tˈænʧ",
    "sigmoid": "sˈɪɡmˌYd", "ReLU": "ɹˈAlu", "biriyani": "bˌɪɹiˈɑni",
    "W_h": "dˈʌbᵊlju sˈʌb ˈAʧ", "10^-13": "tˈɛn tə ðə mˈInəs θˌɜɹtˈin",
    "4.3e-14": "fˈɔɹ pYnt θɹˈi tˈImz tˈɛn tə ðə mˈInəs fˌɔɹtˈin",
}


def test_hibari_receives_the_lexicon_phonemes(heart):
    for written, heard in HEARD.items():
        spoken = to_spoken(f"the {written} unit", inline=True)
        assert heard in "".join(heart.phonemes(spoken.text)), (written, spoken.text)
    # without the lexicon, hibari would say "tan" and spell ReLU out
    assert "".join(heart.phonemes("tanh")) == "tˈæn"


def test_hibari_is_deterministic_across_engines(heart):
    """The same text gives the same samples, from a second engine too (a second build)."""
    spoken = to_spoken("The gradient shrinks at every step.", inline=True)
    first = heart.synthesize(spoken)
    again = HibariEngine(hibari.locate_model()).synthesize(spoken)
    assert np.array_equal(first.audio, again.audio) and first.word_times == again.word_times


@pytest.fixture(scope="module")
def bookmark_scene(tmp_path_factory):
    from manim import FadeIn, Square, tempconfig
    from manim_voiceover import VoiceoverScene

    from scenes.voice.services import NeuralSpeech
    from scenes.voice.word_timing import WordTimedSubtitles

    cache = tmp_path_factory.mktemp("voice")
    text = ("To predict rain, our model must remember the first word, <bookmark mark='cue'/>"
            "clouds, and carry it through sixty words of filler until the very end.")

    class Bookmarked(WordTimedSubtitles, VoiceoverScene):
        def construct(self):
            self.set_speech_service(NeuralSpeech(hibari.locate_model(), cache_dir=cache))
            self.wait(0.4)
            with self.voiceover(text) as tracker:
                self.tracker = tracker
                self.wait_until_bookmark("cue")
                self.started = self.renderer.time
                self.play(FadeIn(Square()), run_time=0.5)

    with tempconfig({"dry_run": True, "media_dir": str(cache), "frame_rate": 15,
                     "pixel_height": 480, "pixel_width": 854}):
        scene = Bookmarked()
        scene.render()
    return scene


def test_an_animation_tied_to_a_word_starts_with_it(bookmark_scene):
    scene = bookmark_scene
    words = {b["text"]: b["audio_offset"] / 1e7 for b in scene.tracker.data["word_boundaries"]}
    said = scene.tracker.start_t + words["clouds,"]  # the engine's time for the word
    assert scene.tracker.start_t == pytest.approx(0.4, abs=1 / 15)
    assert abs(scene.started - said) <= 0.1, (scene.started, said)


def test_subtitles_follow_the_word_times(bookmark_scene):
    scene = bookmark_scene
    bounds = [b for b in scene.tracker.data["word_boundaries"] if b["boundary_type"] == "Word"]
    subs = scene.renderer.file_writer.subcaptions
    assert len(subs) == 2  # 127 characters: two chunks of at most 70
    second_first_word = subs[1].content.split()[0]
    index = len(subs[0].content.split())
    assert bounds[index]["text"] == second_first_word
    start = scene.tracker.start_t + bounds[index]["audio_offset"] / 1e7
    assert subs[1].start.total_seconds() == pytest.approx(start, abs=1e-3)
    assert subs[0].end.total_seconds() <= subs[1].start.total_seconds()
    end = scene.tracker.start_t + scene.tracker.duration
    assert subs[1].end.total_seconds() == pytest.approx(end, abs=1e-3)


def test_the_block_audio_is_at_the_loudness_target(bookmark_scene):
    cache = bookmark_scene.speech_service.cache_dir
    with wave.open(str(cache / bookmark_scene.tracker.data["final_audio"])) as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768
    level = loudness.measure(x, rate)
    assert abs(level.lufs - loudness.TARGET) <= 0.5 and level.true_peak <= -1.0


# ----------------------------------------------------------------------------- loudness


def _speech_like(seconds: float, rate: int, level: float, seed: int = 0) -> np.ndarray:
    """Bursts of tone and noise with pauses, and a few sharp peaks: a high crest factor."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    x = 0.3 * np.sin(2 * np.pi * 180 * t) + 0.1 * rng.normal(size=t.size)
    x *= (np.sin(2 * np.pi * 2.5 * t) > -0.2)  # syllables and gaps
    x[rng.integers(0, t.size, 20)] = 0.99
    return (level * x).astype(np.float32)


@pytest.mark.parametrize("level", [0.05, 0.4, 3.0])
def test_normalise_meets_the_target_without_clipping(level):
    rate = 48000
    y = loudness.normalise(_speech_like(12, rate, level), rate)
    measured = loudness.measure(y, rate)
    assert abs(measured.lufs - loudness.TARGET) <= 0.3, measured
    assert measured.true_peak <= loudness.CEILING + 0.05, measured
    assert np.abs(y).max() < 1.0


def test_silence_stays_silent():
    y = loudness.normalise(np.zeros(48000 * 3, np.float32), 48000)
    assert not y.any() and loudness.measure(y, 48000).lufs == -math.inf


def test_true_peak_sees_between_the_samples():
    # a sine at a quarter of the sample rate, sampled at +-45 degrees: samples at 0.707
    rate = 48000
    n = np.arange(4800)
    x = np.sin(2 * np.pi * n / 4 + np.pi / 4).astype(np.float32)
    assert float(np.abs(x).max()) == pytest.approx(math.sqrt(0.5), abs=1e-3)
    # 3 dB above the sample peak (the filter's ripple and the abrupt ends add a little)
    assert loudness.true_peak(x) == pytest.approx(0.0, abs=0.2)
    assert loudness.measure(x, rate).true_peak == loudness.true_peak(x)


def test_true_peaks_are_fitted_to_what_the_encoder_gives_back():
    from lecture.loudness import MARGIN, PEAK_LIMIT, fit_true_peaks_to_aac, roundtrip_aac

    rate = 48000
    t = np.arange(rate * 4) / rate
    bursts = np.random.default_rng(0).normal(size=t.size) * (np.sin(2 * np.pi * 3 * t) > 0.9)
    tracks = [loudness.normalise(x.astype(np.float32), rate)
              for x in (_speech_like(6, rate, 1.0), bursts)]
    before = [loudness.integrated_loudness(x, rate) for x in tracks]
    # noise bursts limited to -2 dBTP come back from the encoder well above -1 dBTP
    assert loudness.true_peak(tracks[1]) <= loudness.CEILING + 0.01
    assert loudness.true_peak(roundtrip_aac([tracks[1]], rate)) > PEAK_LIMIT
    fitted, peaks = fit_true_peaks_to_aac(tracks, rate)
    decoded = roundtrip_aac(fitted, rate)
    assert len(decoded) == sum(len(x) for x in tracks)
    edges = [(0, len(tracks[0])), (len(tracks[0]), len(decoded))]
    for (a, b), peak, x, level in zip(edges, peaks, fitted, before, strict=True):
        assert loudness.true_peak(decoded[a:b]) == pytest.approx(peak, abs=1e-6)
        assert peak <= PEAK_LIMIT - MARGIN
        # turned down only around the peaks: the loudness hardly moves
        assert abs(loudness.integrated_loudness(x, rate) - level) <= 0.3
