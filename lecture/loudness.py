"""True peak after the AAC encoder: what viewers decode, not what was fed in.

Scenes limited to -2 dBTP before encoding decoded at up to +0.01 dBTP here: at 128 kbit/s the
encoder's quantisation noise rides on a sharp peak (a plosive) and adds up to 2 dB. So the
lecture's audio is encoded and decoded once beforehand, exactly as the assembly will encode
it (one encoder, the scenes' tracks fed one after the other: the encoder is deterministic,
so the real encoding decodes to the same samples), and where a scene's decoded true peak is
above the limit less a small margin, the scene is turned down around that peak by the
excess; then checked again, up to a few times.
"""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np

from scenes.voice.loudness import limiter_gain, sample_true_peaks, true_peak

__all__ = ["AAC_BIT_RATE", "PEAK_LIMIT", "aac_encoder", "audio_frame", "fit_true_peaks_to_aac",
           "roundtrip_aac"]

AAC_BIT_RATE = 128_000
AAC_FRAME = 1024  # samples
AAC_PRIMING = 1024  # samples FFmpeg's AAC encoder puts before the audio (the mp4 edit list
# hides them from players; a raw decode keeps them)
PEAK_LIMIT = -1.0  # dBTP, decoded
MARGIN = 0.1  # dB


def aac_encoder(rate: int, encoder: av.CodecContext | None = None,
                bit_rate: int = AAC_BIT_RATE) -> av.CodecContext:
    """The lecture's audio encoder: AAC, mono, ``AAC_BIT_RATE``. The one setup of it: the
    assembly passes its output stream's ``codec_context`` to be set up the same way (and
    the deck its slides', at the deck's bit rate)."""
    encoder = encoder or av.CodecContext.create("aac", "w")
    encoder.sample_rate, encoder.layout, encoder.format = rate, "mono", "fltp"
    encoder.bit_rate, encoder.time_base = bit_rate, Fraction(1, rate)
    return encoder


def audio_frame(x: np.ndarray, rate: int, pts: int) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(x.astype(np.float32).reshape(1, -1), format="flt",
                                       layout="mono")
    frame.sample_rate, frame.pts, frame.time_base = rate, pts, Fraction(1, rate)
    return frame


def roundtrip_aac(tracks: list[np.ndarray], rate: int) -> np.ndarray:
    """The tracks, one after the other, through the lecture's AAC encoder and back; the
    encoder's priming samples removed."""
    encoder, packets, pts = aac_encoder(rate), [], 0
    for x in tracks:
        packets += encoder.encode(audio_frame(x, rate, pts))
        pts += len(x)
    packets += encoder.encode(None)
    decoder = av.CodecContext.create("aac", "r")
    decoder.extradata, decoder.sample_rate, decoder.layout = encoder.extradata, rate, "mono"
    out = [f.to_ndarray().reshape(-1) for p in [*packets, None] for f in decoder.decode(p)]
    decoded = np.concatenate(out) if out else np.zeros(0, np.float32)
    return decoded[AAC_PRIMING:AAC_PRIMING + pts]


def fit_true_peaks_to_aac(tracks: list[np.ndarray], rate: int, tries: int = 3
                          ) -> tuple[list[np.ndarray], list[float]]:
    """The tracks, turned down locally where needed so that once encoded each one's true peak
    is at most ``PEAK_LIMIT - MARGIN``; and each one's decoded true peak, in dBTP.

    The gain dips only around the decoded peaks that are too high, by their excess, spread
    over an AAC frame either side (the encoder spreads its noise over a frame), so the
    scene's loudness hardly moves. Lowering the limiter's ceiling for the whole scene
    instead cost one scene 2.5 LU in a build: its decoded peak sat where the input had none."""
    tracks = list(tracks)
    edges = np.cumsum([0, *(len(x) for x in tracks)])
    allowed = 10 ** ((PEAK_LIMIT - MARGIN - 0.1) / 20)
    for attempt in range(tries + 1):
        decoded = roundtrip_aac(tracks, rate)
        peaks = [true_peak(decoded[a:b]) for a, b in zip(edges, edges[1:], strict=False)]
        over = [i for i, p in enumerate(peaks) if p > PEAK_LIMIT - MARGIN]
        if not over or attempt == tries:
            break
        for i in over:  # spread over an AAC frame either side, as the encoder spreads noise
            gain = limiter_gain(sample_true_peaks(decoded[edges[i]:edges[i + 1]]), allowed,
                                AAC_FRAME)
            tracks[i] = (tracks[i] * gain).astype(np.float32)
    return tracks, peaks
