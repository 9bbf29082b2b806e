#!/usr/bin/env bash
# Adds a migration with the same name for both providers. Migrations are generated, never hand-edited.
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh MigrationName}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet dotnet-ef migrations add "$name" --project src/Patchpeil.Server --context SqlitePatchpeilDbContext --output-dir Data/Migrations/Sqlite
dotnet dotnet-ef migrations add "$name" --project src/Patchpeil.Server --context PostgresPatchpeilDbContext --output-dir Data/Migrations/Postgres
