#!/usr/bin/env bash
# Refresh the vendored uPlot (movequal/report/charts/vendor/uplot) from the npm registry.
# Usage: bash scripts/vendor_uplot.sh [VERSION]   (default: the version recorded in movequal/report/charts/__init__.py)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/movequal/report/charts/vendor/uplot"
init="$here/movequal/report/charts/__init__.py"
version="${1:-$(sed -n 's/^UPLOT_VERSION = "\(.*\)"$/\1/p' "$init")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack --silent "uplot@$version" >/dev/null )  # npm checks the tarball against the registry's integrity
tar -xzf "$work/uplot-$version.tgz" -C "$work"
integrity="$(cd "$work" && npm view "uplot@$version" dist.integrity)"
cp "$work/package/dist/uPlot.iife.min.js" "$work/package/dist/uPlot.min.css" "$dest/"
cp "$work/package/LICENSE" "$dest/LICENSE"
sed -i "s/^UPLOT_VERSION = \".*\"$/UPLOT_VERSION = \"$version\"/" "$init"
{
  echo "# uPlot, vendored"
  echo
  echo "- Package: \`uplot\` $version from the npm registry (\`https://registry.npmjs.org/uplot/-/uplot-$version.tgz\`,"
  echo "  integrity \`$integrity\`)."
  echo "- Upstream: https://github.com/leeoniya/uPlot, MIT licence (\`LICENSE\`, copied from the package)."
  echo "- Files, unchanged from the package's \`dist/\` (SHA-256):"
  echo
  echo "| file | sha256 |"
  echo "|---|---|"
  for f in uPlot.iife.min.js uPlot.min.css LICENSE; do
    echo "| $f | $(sha256sum "$dest/$f" | cut -d' ' -f1) |"
  done
  echo
  echo "Refresh with \`bash scripts/vendor_uplot.sh VERSION\` (npm pack, integrity check, copy, this table rewritten);"
  echo "\`tests/test_charts_assets.py\` checks the table against the files."
} > "$dest/VENDOR.md"
echo "uPlot $version vendored into $dest"
