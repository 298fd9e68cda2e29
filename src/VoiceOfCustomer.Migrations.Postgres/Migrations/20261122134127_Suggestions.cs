using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace VoiceOfCustomer.Migrations.Postgres.Migrations
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
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Calls = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LlmDailyUsage", x => x.Day);
                });

            migrationBuilder.CreateTable(
                name: "LlmSuggestions",
                columns: table => new
                {
                    FeedbackItemId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AnswerJson = table.Column<string>(type: "text", nullable: true),
                    DiscardReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ElapsedMs = table.Column<double>(type: "double precision", nullable: false)
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    TrainedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    TrainingItems = table.Column<int>(type: "integer", nullable: false),
                    IsColdStart = table.Column<bool>(type: "boolean", nullable: false),
                    TrainSeconds = table.Column<double>(type: "double precision", nullable: false),
                    EvaluationJson = table.Column<string>(type: "text", nullable: true),
                    Payload = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SuggestionModels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SuggestionRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FeedbackItemId = table.Column<long>(type: "bigint", nullable: false),
                    Field = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ModelVersion = table.Column<int>(type: "integer", nullable: false),
                    SuggestedValue = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Confidence = table.Column<double>(type: "double precision", nullable: true),
                    AlternativesJson = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ShownAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ShownToId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    FinalValue = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ResolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
