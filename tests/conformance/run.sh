#!/usr/bin/env bash
# Conformance suite: drives the apivideo-simulator binary with api.video's official
# Python client (PyPI `api.video`, pinned with hashes in requirements.txt), through every journey
# of conformance.py. Builds the simulator, makes the virtual environment (once, under
# target/, remade when the pins change), runs, and stops the simulator.
#
#   tests/conformance/run.sh                  # every journey
#   tests/conformance/run.sh thumbnails tags  # some of them
#
# Needs python3 (3.9 or newer) and network access to PyPI the first time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

python="${PYTHON:-python3}"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/conformance-venv"

pins="$(cat "$here/build-requirements.txt" "$here/requirements.txt")"
if [ "$pins" != "$(cat "$venv/pins" 2>/dev/null)" ]; then
    echo "conformance: installing the pinned client into $venv"
    rm -rf "$venv"
    if "$python" -m venv "$venv" >/dev/null 2>&1; then
        pip=("$venv/bin/python" -m pip)
    else
        # Debian without python3-venv: a venv without pip, filled by the system's pip.
        rm -rf "$venv"
        "$python" -m venv --without-pip "$venv"
        pip=("$python" -m pip --python "$venv/bin/python")
    fi
    quiet=(--quiet --disable-pip-version-check --no-input)
    "${pip[@]}" install "${quiet[@]}" --require-hashes -r "$here/build-requirements.txt"
    "${pip[@]}" install "${quiet[@]}" --require-hashes --no-build-isolation -r "$here/requirements.txt"
    printf '%s' "$pins" >"$venv/pins"
fi

cargo build --locked --quiet -p apivideo-simulator
exec "$venv/bin/python" "$here/conformance.py" --simulator "$target/debug/apivideo-simulator" "$@"
