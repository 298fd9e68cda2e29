#!/usr/bin/env bash
# Adds an EF Core migration to both providers' migrations sets: scripts/add-migration.sh NAME
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh NAME}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  project=src/VoiceOfCustomer.Migrations.$provider
  dotnet build "$project" -p:EfDesignTime=true -v:q -nologo
  dotnet dotnet-ef migrations add "$name" --no-build --project "$project" --output-dir Migrations
done
