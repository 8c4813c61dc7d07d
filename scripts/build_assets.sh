#!/usr/bin/env bash
# Rebuilds the committed front-end files in static/vendor and static/css from the npm packages
# pinned in package.json. Run after changing a version there: `npm install && npm run build`.
set -euo pipefail
cd "$(dirname "$0")/.."
nm=node_modules
out=static/vendor
rm -rf "$out"
mkdir -p "$out/govuk" static/css
cp -r "$nm/govuk-frontend/dist/govuk/assets" "$out/govuk/assets"
cp "$nm/govuk-frontend/dist/govuk/govuk-frontend.min.js" "$out/govuk/"
cp "$nm/htmx.org/dist/htmx.min.js" "$out/htmx.min.js"
cp "$nm/axe-core/axe.min.js" "$out/axe.min.js"
for pkg in govuk-frontend htmx.org axe-core; do
  node -e "const p=require('./$nm/$pkg/package.json'); console.log(p.name+'@'+p.version+' ('+p.license+')')"
done > "$out/VERSIONS.txt"
npx --no-install sass --no-source-map --style=compressed --quiet-deps --load-path="$nm" \
  static/src/app.scss static/css/app.css
echo "built: $(wc -c < static/css/app.css) bytes of CSS; $(cat "$out/VERSIONS.txt" | tr '\n' ' ')"
