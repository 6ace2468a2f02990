"""Loudness for YouTube: integrated loudness (ITU-R BS.1770-4, measured by pyloudnorm) at
-16 LUFS, true peak (4x oversampled, as BS.1770 Annex 2 describes) at most -1 dBTP.

Used twice: each narration block is brought to the target when it is synthesised, so blocks
sound alike within a scene and a scene file plays at a sensible level on its own; then the
assembly measures each scene's whole track and corrects it onto the target again, since that
is the audio viewers hear and the level that has to match from scene to scene (and checks
the true peak once more after the AAC encoder: lecture/loudness.py).

A gain that would push the true peak over the ceiling is met by a look-ahead limiter (a
smooth gain dip a few milliseconds around each peak) rather than clipping; a few passes of
gain and limiting settle on the target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CEILING", "TARGET", "TOLERANCE", "Loudness", "limit", "limiter_gain", "measure", "normalise",
    "sample_true_peaks", "true_peak",
]

TARGET = -16.0  # LUFS, integrated
TOLERANCE = 1.0  # LU either side
# dBTP aimed at, 1 dB below the -1 dBTP limit: AAC at 128 kbit/s usually raised true peaks by
# 0.3-0.5 dB here, once by 2 dB; lecture/loudness.py checks the decoded peaks at assembly
CEILING = -2.0
LOOKAHEAD = 0.005  # s: the limiter's gain ramps over this much before and after a peak
OVERSAMPLE = 4


@dataclass(frozen=True)
class Loudness:
    lufs: float  # integrated loudness; -inf for silence
    true_peak: float  # dBTP

    def as_dict(self) -> dict:
        return {"lufs": round(self.lufs, 2), "true_peak_dbtp": round(self.true_peak, 2)}


def sample_true_peaks(x: np.ndarray) -> np.ndarray:
    """Each sample's true peak: the largest |value| of the 4x oversampled signal around it."""
    from scipy.signal import resample_poly

    up = np.abs(resample_poly(x.astype(np.float32), OVERSAMPLE, 1))[: len(x) * OVERSAMPLE]
    peaks = np.abs(x).astype(np.float32)
    for phase in range(OVERSAMPLE):  # strided maxima: far faster than a reduce over axis 1
        np.maximum(peaks, up[phase::OVERSAMPLE], out=peaks)
    return peaks


def true_peak(x: np.ndarray) -> float:
    if not len(x):
        return -math.inf
    peak = float(sample_true_peaks(x).max())
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def integrated_loudness(x: np.ndarray, rate: int) -> float:
    import pyloudnorm

    if len(x) < int(0.4 * rate) or not np.any(x):  # shorter than one gating block, or silent
        return -math.inf
    with np.errstate(divide="ignore"):
        return float(pyloudnorm.Meter(rate).integrated_loudness(x.astype(np.float64)))


def measure(x: np.ndarray, rate: int) -> Loudness:
    return Loudness(integrated_loudness(x, rate), true_peak(x))


def limiter_gain(peaks: np.ndarray, ceiling: float, width: int) -> np.ndarray:
    """The smooth gain that keeps every sample's true peak (``peaks``, linear) at most
    ``ceiling`` (linear), moving over ``width`` samples: the gain each sample needs, its
    minimum over +-width, then a moving average over width. At a peak the average sees only
    values at most the gain that peak needs, so the smooth gain never lets it through."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d  # slow to import: here

    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    return uniform_filter1d(minimum_filter1d(need, 2 * width + 1), width)


def limit(x: np.ndarray, rate: int, ceiling_db: float = CEILING) -> np.ndarray | None:
    """A look-ahead peak limiter: ``x`` never above ``ceiling_db`` dBTP (up to the
    oversampling's accuracy), the gain moving smoothly over ``LOOKAHEAD`` s around each peak;
    None when ``x`` is already below the ceiling."""
    ceiling = 10 ** (ceiling_db / 20)
    peaks = sample_true_peaks(x)
    if peaks.max() <= ceiling:
        return None
    return (x * limiter_gain(peaks, ceiling, max(1, int(LOOKAHEAD * rate)))).astype(np.float32)


def normalise(x: np.ndarray, rate: int, target: float = TARGET,
              ceiling_db: float = CEILING) -> np.ndarray:
    """``x`` at ``target`` LUFS with its true peak at most ``ceiling_db``; silence as is.

    A gain moves the integrated loudness by exactly its own dB; limiting then takes a little
    off, so up to three rounds of gain and limiting settle within a tenth of a dB of the target."""
    out = x.astype(np.float32)
    lufs = integrated_loudness(out, rate)
    if not math.isfinite(lufs):
        return out
    for _ in range(3):
        out = out * np.float32(10 ** ((target - lufs) / 20))
        limited = limit(out, rate, ceiling_db)
        if limited is None:
            break
        out = limited
        lufs = integrated_loudness(out, rate)
        if abs(lufs - target) < 0.1:
            break
    return out
