#!/usr/bin/env bash
# Adds an EF Core migration to every provider's migrations set (SQLite, PostgreSQL, SQL Server): scripts/add-migration.sh NAME
# No database is needed: each project's DesignTimeFactory builds the model with a connection string it never opens.
# A test (MigrationSetsTests) fails when the three sets do not hold the same migration names.
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh NAME}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite Postgres SqlServer; do
  project=src/VoiceOfCustomer.Migrations.$provider
  dotnet build "$project" -p:EfDesignTime=true -v:q -nologo
  dotnet dotnet-ef migrations add "$name" --no-build --project "$project" --output-dir Migrations
done
