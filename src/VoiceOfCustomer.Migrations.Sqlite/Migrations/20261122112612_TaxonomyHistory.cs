using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VoiceOfCustomer.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TaxonomyHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TaxonomyChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    EntryId = table.Column<int>(type: "INTEGER", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ChangedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    BeforeJson = table.Column<string>(type: "TEXT", nullable: true),
                    AfterJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaxonomyChanges", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TaxonomyChanges_Kind_EntryId_ChangedAt",
                table: "TaxonomyChanges",
                columns: new[] { "Kind", "EntryId", "ChangedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TaxonomyChanges");
        }
    }
}
