using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VoiceOfCustomer.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CodingWorkbench : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AwaitingCustomerNote",
                table: "FeedbackItems",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "AwaitingCustomerSince",
                table: "FeedbackItems",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DomainEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FeedbackItemId = table.Column<long>(type: "INTEGER", nullable: true),
                    OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    DataJson = table.Column<string>(type: "TEXT", nullable: true),
                    DispatchedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DomainEvents", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FeedbackItems_OpenQueue",
                table: "FeedbackItems",
                columns: new[] { "AttributionDueAt", "Id" },
                filter: "\"Status\" IN ('New', 'InProgress', 'AwaitingCustomer')");

            migrationBuilder.CreateIndex(
                name: "IX_FeedbackItems_OpenQueueByOwner",
                table: "FeedbackItems",
                columns: new[] { "OwnerCsmId", "AttributionDueAt", "Id" },
                filter: "\"Status\" IN ('New', 'InProgress', 'AwaitingCustomer')");

            migrationBuilder.CreateIndex(
                name: "IX_DomainEvents_DispatchedAt_Id",
                table: "DomainEvents",
                columns: new[] { "DispatchedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_DomainEvents_FeedbackItemId_Id",
                table: "DomainEvents",
                columns: new[] { "FeedbackItemId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DomainEvents");

            migrationBuilder.DropIndex(
                name: "IX_FeedbackItems_OpenQueue",
                table: "FeedbackItems");

            migrationBuilder.DropIndex(
                name: "IX_FeedbackItems_OpenQueueByOwner",
                table: "FeedbackItems");

            migrationBuilder.DropColumn(
                name: "AwaitingCustomerNote",
                table: "FeedbackItems");

            migrationBuilder.DropColumn(
                name: "AwaitingCustomerSince",
                table: "FeedbackItems");
        }
    }
}
