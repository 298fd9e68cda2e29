using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VoiceOfCustomer.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SlaClockStart : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "SlaClockStartsAt",
                table: "FeedbackItems",
                type: "TEXT",
                nullable: true);

            // Items stored before: their clock started at ingestion (or a later received time), as the dispatcher read it.
            migrationBuilder.Sql("""
                UPDATE "FeedbackItems"
                SET "SlaClockStartsAt" = CASE WHEN "ReceivedAt" > "IngestedAt" THEN "ReceivedAt" ELSE "IngestedAt" END
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SlaClockStartsAt",
                table: "FeedbackItems");
        }
    }
}
