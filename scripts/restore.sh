#!/usr/bin/env bash
# Restore a backup made by backup.sh into DATABASE_URL (which must be an empty database)
# and PRIVATE_MEDIA_ROOT, after checking every file against the backup's manifest.
#
#   DATABASE_URL=postgres://…/ventanilla_restaurada PRIVATE_MEDIA_ROOT=/srv/… scripts/restore.sh /backups/20261122T030000Z
set -euo pipefail

src="${1:?uso: scripts/restore.sh <directorio del respaldo>}"
: "${DATABASE_URL:?DATABASE_URL es obligatorio}"
media="${PRIVATE_MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/var/privado}"
url="${DATABASE_URL/postgres:\/\//postgresql://}"

( cd "$src" && sha256sum --quiet --check MANIFIESTO.sha256 ) || { echo "el respaldo está dañado" >&2; exit 3; }

tables="$(psql "$url" -Atc "select count(*) from information_schema.tables where table_schema='public'")"
if [ "$tables" != "0" ]; then
  echo "la base de destino no está vacía ($tables tablas); restaure en una base nueva" >&2
  exit 4
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$url" "$src/base.dump"

if [ -f "$src/privado.tar.gz" ]; then
  mkdir -p "$media"
  tar -C "$media" -xzf "$src/privado.tar.gz"
fi
echo "restaurado desde $src"
