#!/usr/bin/env bash
# One-time, idempotent set-up on Debian 12 as root: system packages, then a virtual
# environment in .venv with this project installed in editable mode.
#   bash setup.sh           what `lecture` needs
# Re-running it is cheap: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")"

apt_packages=(
  # pycairo and manimpango build from source against these
  libcairo2-dev libpango1.0-dev pkg-config
  # MathTex: LaTeX, standalone.cls (latex-extra), dvisvgm
  texlive-latex-base texlive-latex-recommended texlive-latex-extra
  texlive-fonts-recommended texlive-science dvisvgm cm-super-minimal
  # offline narration voices
  flite espeak-ng sox
  # the fonts the theme names
  fonts-dejavu-core
  # `lecture slides`: its browser tests drive Chromium through its local driver
  chromium chromium-driver
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [[ ! -f $stamp ]]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/pip install -q --upgrade pip
  # torch is pinned: this version's CPU wheel is on local disk; an unpinned torch
  # may pull a CUDA build of several GB.
  .venv/bin/pip install -q torch==2.13.0
  .venv/bin/pip install -q -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# `lecture slides` copies reveal.js (pinned in its package-lock.json) next to each deck.
deck=lecture/deck/template
pinned=$(sed -n 's/.*"reveal.js": "\([^"]*\)".*/\1/p' "$deck/package.json")
installed=$(sed -n '/"version"/{s/.*"version": "\([^"]*\)".*/\1/p;q}' \
  "$deck/node_modules/reveal.js/package.json" 2>/dev/null || true)
if [[ $installed != "$pinned" ]]; then
  if ! command -v npm >/dev/null; then
    echo "setup: installing Debian packages: npm"
    apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  echo "setup: installing reveal.js $pinned into $deck/node_modules"
  npm ci --prefix "$deck" --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
fi
# The narration voice (hibari and its model, from PyPI with the rest): report, do not fail;
# without it a build warns and narrates with flite.
if ! why=$(.venv/bin/python -c "from scenes.voice.hibari import locate_model as m; m()" 2>&1)
then
  echo "setup: warning: the hibari voice is not usable (${why##*$'\n'}); builds use flite"
fi
echo "setup: ready"
