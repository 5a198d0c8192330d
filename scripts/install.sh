#!/usr/bin/env bash
# Installs everything phusong needs on a Debian machine (idempotent): the C++ toolchain and
# libraries from Debian's packages, the peers used by tests, and the Python package (built with
# scikit-build-core) with its test extras into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libgdal-dev gdal-bin proj-bin libgeos-dev libboost-dev libeigen3-dev
  pybind11-dev libgtest-dev libbenchmark-dev coinor-libcbc-dev
  splat
  clang libclang-rt-dev  # scripts/fuzz.sh: clang++ and libFuzzer (libclang_rt.fuzzer)
  python3 python3-dev python3-venv
  libjs-leaflet                          # map.html: Leaflet inlined from /usr/share/javascript/leaflet
  python3-qgis qgis-providers            # tests: project.qgz loaded headless with QGIS 3.22 (/usr/bin/python3)
  chromium                               # tests: map.html loaded in headless Chromium
  libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core  # report.pdf: WeasyPrint (the 'report' extra)
  poppler-utils                          # tests: pdftotext/pdfimages/pdftoppm on report.pdf
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q ".[test]"
