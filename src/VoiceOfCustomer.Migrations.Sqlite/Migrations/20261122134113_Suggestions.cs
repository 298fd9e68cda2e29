using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VoiceOfCustomer.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Suggestions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LlmDailyUsage",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Calls = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LlmDailyUsage", x => x.Day);
                });

            migrationBuilder.CreateTable(
                name: "LlmSuggestions",
                columns: table => new
                {
                    FeedbackItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AnswerJson = table.Column<string>(type: "TEXT", nullable: true),
                    DiscardReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ElapsedMs = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LlmSuggestions", x => x.FeedbackItemId);
                    table.ForeignKey(
                        name: "FK_LlmSuggestions_FeedbackItems_FeedbackItemId",
                        column: x => x.FeedbackItemId,
                        principalTable: "FeedbackItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SuggestionModels",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    TrainedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TrainingItems = table.Column<int>(type: "INTEGER", nullable: false),
                    IsColdStart = table.Column<bool>(type: "INTEGER", nullable: false),
                    TrainSeconds = table.Column<double>(type: "REAL", nullable: false),
                    EvaluationJson = table.Column<string>(type: "TEXT", nullable: true),
                    Payload = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SuggestionModels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SuggestionRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FeedbackItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    Field = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ModelVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    SuggestedValue = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Confidence = table.Column<double>(type: "REAL", nullable: true),
                    AlternativesJson = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ShownAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ShownToId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    FinalValue = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SuggestionRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SuggestionRecords_FeedbackItems_FeedbackItemId",
                        column: x => x.FeedbackItemId,
                        principalTable: "FeedbackItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SuggestionModels_Version",
                table: "SuggestionModels",
                column: "Version",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SuggestionRecords_FeedbackItemId_Field_Source_ModelVersion",
                table: "SuggestionRecords",
                columns: new[] { "FeedbackItemId", "Field", "Source", "ModelVersion" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SuggestionRecords_ResolvedAt_Field",
                table: "SuggestionRecords",
                columns: new[] { "ResolvedAt", "Field" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LlmDailyUsage");

            migrationBuilder.DropTable(
                name: "LlmSuggestions");

            migrationBuilder.DropTable(
                name: "SuggestionModels");

            migrationBuilder.DropTable(
                name: "SuggestionRecords");
        }
    }
}
