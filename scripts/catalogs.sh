#!/usr/bin/env bash
# Bring the translation catalogs up to date after words change in code, templates or form files:
#   bash scripts/catalogs.sh
# 1. extracts the tool's words (babel.cfg) into generator/locale/handbook.pot and, when babel-forms.cfg exists,
#    the form files' words into forms/locale/forms.pot;
# 2. merges each template into every translation (`pybabel update`): new words arrive empty, changed ones fuzzy.
# Then translate the empty and fuzzy entries with any .po editor (Poedit, Lokalize, Weblate) or a text editor;
# the build refuses a language whose catalog misses an entry, naming the file and line. A new language:
#   pybabel init -D handbook -i generator/locale/handbook.pot -d generator/locale -l fr
#   pybabel init -D forms -i forms/locale/forms.pot -d forms/locale -l fr
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"  # this checkout's extractors (forms), not an installed copy

extract() {  # domain, mapping file, template
  mkdir -p "$(dirname "$3")"
  pybabel --quiet extract -F "$2" -o "$3" --project mentoring-handbook --version "$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)" \
    --copyright-holder "Mentoring Handbook contributors" --add-comments TRANSLATORS: --sort-by-file --width 120 \
    --ignore-dirs ".* ._ node_modules site" .
  echo "extracted $1 into $3"
}

update() {  # domain, template, catalogs folder
  if compgen -G "$3/*/LC_MESSAGES/$1.po" >/dev/null; then
    pybabel --quiet update -D "$1" -i "$2" -d "$3" --width 120 --previous --ignore-pot-creation-date
    echo "updated $(compgen -G "$3/*/LC_MESSAGES/$1.po" | tr '\n' ' ')"
  fi
}

extract handbook babel.cfg generator/locale/handbook.pot
update handbook generator/locale/handbook.pot generator/locale
if [ -f babel-forms.cfg ]; then
  extract forms babel-forms.cfg forms/locale/forms.pot
  update forms forms/locale/forms.pot forms/locale
fi
