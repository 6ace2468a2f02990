// The lecture deck's own keys, on top of reveal.js's (arrows step, S opens the speaker
// notes, ? lists every key):
//   Space  play or pause the slide's video (an ended slide goes on to the next)
//   P      play through: go on to the next slide when a slide's video ends
//   M      mute or unmute the narration
//   T      hide or show the slide titles
//   C      show or hide the captions (each slide's video carries its own, as a <track>)
// The address can start a mode: index.html?play (play through), ?muted, ?notitles,
// ?captions.
(function () {
  "use strict";
  const query = new URLSearchParams(window.location.search);
  const state = {
    playThrough: query.has("play"),
    muted: query.has("muted"),
    captions: query.has("captions"),
  };
  if (query.has("notitles")) document.body.classList.add("titles-hidden");

  function currentVideo() {
    const background = Reveal.getSlideBackground(Reveal.getCurrentSlide());
    return background ? background.querySelector("video") : null;
  }

  function showStatus() {
    const parts = [];
    if (state.playThrough) parts.push("play through");
    if (state.muted) parts.push("muted");
    if (state.captions) parts.push("captions");
    document.getElementById("deck-status").innerHTML =
      parts.map((p) => "<span>" + p + "</span>").join("");
  }

  function setMuted(muted) {
    state.muted = muted;
    document.querySelectorAll(".reveal .backgrounds video").forEach((v) => {
      v.muted = muted;
    });
    showStatus();
  }

  // Each slide's captions, as a <track kind="captions"> of its video: reveal.js makes a
  // slide's background <video> as the slide comes near, so a track is added to every
  // video that has none yet, from its slide's data-captions.
  function addTracks() {
    Reveal.getSlides().forEach((slide) => {
      const background = Reveal.getSlideBackground(slide);
      const video = background && background.querySelector("video");
      if (!video || !slide.dataset.captions || video.querySelector("track")) return;
      const track = document.createElement("track");
      Object.assign(track, { kind: "captions", srclang: "en", label: "English",
                             src: slide.dataset.captions, default: true });
      video.appendChild(track);
      track.track.mode = state.captions ? "showing" : "hidden";
    });
  }

  function setCaptions(on) {
    state.captions = on;
    document.querySelectorAll(".reveal .backgrounds video").forEach((v) => {
      Array.from(v.textTracks).forEach((t) => { t.mode = on ? "showing" : "hidden"; });
    });
    showStatus();
  }

  // reveal.js creates each slide's <video> as the slide comes near: mute it as it starts.
  document.addEventListener("play", (event) => {
    if (state.muted && event.target.tagName === "VIDEO") event.target.muted = true;
  }, true);

  // Play through: a slide whose video ends hands over to the next ("ended" does not bubble).
  document.addEventListener("ended", (event) => {
    if (state.playThrough && event.target === currentVideo()) Reveal.next();
  }, true);

  Reveal.addKeyBinding({ keyCode: 32, key: "Space", description: "Play / pause the slide" },
    () => {
      const video = currentVideo();
      if (!video || video.ended) Reveal.next();
      else if (video.paused) video.play();
      else video.pause();
    });
  Reveal.addKeyBinding({ keyCode: 80, key: "P", description: "Play through on / off" }, () => {
    state.playThrough = !state.playThrough;
    showStatus();
    const video = currentVideo();
    if (state.playThrough && video && video.ended) Reveal.next();
  });
  Reveal.addKeyBinding({ keyCode: 77, key: "M", description: "Mute / unmute the narration" },
    () => {
      // the slide playing decides: a browser that blocked sound may have muted it already
      const video = currentVideo();
      setMuted(!(video ? video.muted : state.muted));
    });
  Reveal.addKeyBinding({ keyCode: 84, key: "T", description: "Hide / show slide titles" },
    () => document.body.classList.toggle("titles-hidden"));

  Reveal.addKeyBinding({ keyCode: 67, key: "C", description: "Show / hide the captions" },
    () => setCaptions(!state.captions));

  Reveal.on("ready", () => {
    addTracks();
    new MutationObserver(addTracks).observe(document.querySelector(".reveal .backgrounds"),
                                            { childList: true, subtree: true });
    setMuted(state.muted);
  });
  window.deck = { state, currentVideo, setMuted, setCaptions };
})();
