"""Which narration voice a build uses, decided once, and what its audio depends on.

``hibari`` (the default, scenes/voice/hibari.py) and ``piper`` (scenes/voice/piper.py) need
their engine and its verified model; without them the build warns once and narrates with
flite, whose voice and code are free to publish with (README, "Narration voice"); flite
without its program speaks with espeak-ng. :func:`resolve_voice` is the only place these
rules live: ``lecture render`` calls it once and hands the whole choice (engine, model
path, hash) to every scene process (:meth:`VoiceChoice.to_env`), which builds its speech
service from it without deciding again. The signature goes into every scene's cache key
and the manifest, so a change of engine version or model file renders the scenes again.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import asdict, dataclass, field

from scenes.voice import hibari, piper
from scenes.voice.names import DEFAULT_VOICE, VOICES
from scenes.voice.neural import VoiceModel, VoiceUnavailable

__all__ = ["SERVICES", "VOICES", "VoiceChoice", "resolve_voice", "scene_voice"]

SERVICES = ("hibari", "piper", "flite", "espeak", "silence")  # the engines a choice can name
NEURAL = {"hibari": hibari, "piper": piper}  # each module: locate_model() and CREDIT
# The offline voices' licences (the manifest's record) and closing credits
OFFLINE = {
    "flite": ("BSD-style (flite, Carnegie Mellon University; the slt voice from CMU ARCTIC)",
              'Narrated by flite\'s "slt" voice (Carnegie Mellon University, BSD-style).'),
    "espeak": ("GPL-3.0-or-later (espeak-ng, its rules and voice data)",
               'Narrated by espeak-ng\'s "en-us" voice (GPL-3.0-or-later).'),
}


@dataclass(frozen=True)
class VoiceChoice:
    requested: str
    name: str  # the voice the scenes are narrated with
    signature: str  # what the audio depends on: part of the scenes' cache keys
    detail: dict = field(default_factory=dict)  # for the manifest
    warning: str = ""  # one line, when the requested voice could not be used
    service: str = "silence"  # the engine that speaks: one of SERVICES
    model: VoiceModel | None = None  # a neural voice's verified model
    credit: str = ""  # one line for the closing credits: who speaks, under which licence

    def to_env(self) -> str:
        """The choice as one line of JSON, for a scene process's environment."""
        return json.dumps({**asdict(self), "model": self.model and self.model.to_dict()},
                          sort_keys=True)

    @classmethod
    def from_env(cls, text: str) -> VoiceChoice:
        try:
            fields = json.loads(text)
            model = fields.pop("model")
            if model is not None:
                model = VoiceModel.from_dict(model)
            choice = cls(**fields, model=model)
        except (ValueError, TypeError, KeyError, AttributeError):
            raise ValueError("the voice handed to this scene is not a voice choice") from None
        if choice.service not in SERVICES or (choice.service in NEURAL) != bool(model):
            raise ValueError(f"the voice handed to this scene names no usable engine "
                             f"({choice.service!r})")
        return choice


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
                           warning, "silence")
    if voice == "flite" and shutil.which("flite"):
        service, engine, model = "flite", _tool_version(["flite", "--version"]), "slt"
    else:  # the espeak voice, and flite's fallback when its program is missing
        service, engine, model = "espeak", _tool_version(["espeak-ng", "--version"]), "en-us"
    licence, credit = OFFLINE[service]
    return VoiceChoice(requested, voice, f"{voice}:{engine}:{model}",
                       {"engine": engine, "model": model, "licence": licence}, warning, service,
                       credit=credit)


def resolve_voice(voice: str) -> VoiceChoice:
    """The voice a build narrates with, for the voice asked for; ValueError for a name that
    is not one of :data:`VOICES`."""
    if voice not in VOICES:
        raise ValueError(f"unknown voice {voice!r}; choose one of {', '.join(VOICES)}")
    if voice not in NEURAL:
        return _offline(voice, voice)
    try:
        model = NEURAL[voice].locate_model()
    except VoiceUnavailable as e:
        return _offline("flite", voice, f"the {voice} voice is unavailable ({e}); narrating "
                        "with flite")
    detail = {"engine": f"{model.engine} {model.engine_version}", "model": model.voice,
              "model_sha256": model.sha256, "licence": model.licence,
              "lineage": model.lineage}
    if model.package:
        detail["model_package"] = model.package
    return VoiceChoice(voice, voice, model.signature, detail, service=voice, model=model,
                       credit=NEURAL[voice].CREDIT)


def scene_voice(value: str | None) -> VoiceChoice:
    """The voice of a scene process: the choice ``lecture render`` handed over (JSON), or,
    for a scene run by hand, the voice named (default: :data:`DEFAULT_VOICE`), resolved."""
    if value and value.lstrip().startswith("{"):
        return VoiceChoice.from_env(value)
    return resolve_voice(value or DEFAULT_VOICE)
