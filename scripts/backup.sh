#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format) and the private
# files (uploaded documents, generated PDFs) into <destination>/<timestamp>/, with a
# SHA-256 manifest that restore.sh verifies.
#
#   DATABASE_URL=postgres://… PRIVATE_MEDIA_ROOT=/srv/ventanilla/privado scripts/backup.sh /backups
#
# With S3 storage (AWS_STORAGE_BUCKET_NAME set) the files are not copied here: the
# bucket's versioning and replication protect them (docs/deploy.md); only the database
# is dumped.
set -euo pipefail

dest_root="${1:?uso: scripts/backup.sh <directorio destino>}"
: "${DATABASE_URL:?DATABASE_URL es obligatorio}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "solo PostgreSQL: $DATABASE_URL" >&2; exit 2;; esac
media="${PRIVATE_MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/var/privado}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dest="$dest_root/$stamp"
mkdir -p "$dest"
umask 077

pg_dump --format=custom --no-owner --no-privileges --file "$dest/base.dump" "${DATABASE_URL/postgres:\/\//postgresql://}"
if [ -z "${AWS_STORAGE_BUCKET_NAME:-}" ] && [ -d "$media" ]; then
  tar -C "$media" -czf "$dest/privado.tar.gz" .
fi
( cd "$dest" && sha256sum -- * > MANIFIESTO.sha256 )
echo "$dest"
