#!/usr/bin/env bash
# Compile examples/latex/paper.tex against a depthsep report folder (default: reports/), in a
# scratch folder, with pdflatex and bibtex (Debian: texlive-latex-base texlive-latex-recommended).
# Prints the path of the PDF. Usage: bash examples/latex/build.sh [REPORT_DIR] [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
report="$(cd "${1:-$here/../../reports}" && pwd)"
out="${2:-$(mktemp -d)}"
mkdir -p "$out"
for tool in pdflatex bibtex; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool not found (install texlive-latex-base)" >&2; exit 3; }
done
for f in methods.tex headline.tex references.bib gap.pdf; do
  [ -f "$report/$f" ] || { echo "build.sh: $report/$f missing: run \`depthsep report\` first" >&2; exit 2; }
  cp "$report/$f" "$out/"
done
cp "$here/paper.tex" "$out/"
cd "$out"
run() { pdflatex -interaction=nonstopmode -halt-on-error paper.tex > pdflatex.log 2>&1 || { tail -40 pdflatex.log >&2; exit 1; }; }
run
bibtex paper > bibtex.log 2>&1 || { cat bibtex.log >&2; exit 1; }
run
run
echo "$out/paper.pdf"
