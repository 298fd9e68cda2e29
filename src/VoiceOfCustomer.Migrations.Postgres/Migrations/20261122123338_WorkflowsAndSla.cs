using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace VoiceOfCustomer.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class WorkflowsAndSla : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "SlaBreachedAt",
                table: "FeedbackItems",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SlaStartedAt",
                table: "FeedbackItems",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "BusinessCalendars",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TimeZoneId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    HoursJson = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    HolidaysJson = table.Column<string>(type: "character varying(16000)", maxLength: 16000, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BusinessCalendars", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OutboxEmails",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    ToAddress = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    ToName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Language = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Subject = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    TextBody = table.Column<string>(type: "text", nullable: false),
                    HtmlBody = table.Column<string>(type: "text", nullable: false),
                    Template = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LeaseUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxEmails", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SlaEscalations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FeedbackItemId = table.Column<long>(type: "bigint", nullable: false),
                    Level = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    WorkflowInstanceId = table.Column<long>(type: "bigint", nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    OwnerCsmId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    SegmentId = table.Column<int>(type: "integer", nullable: true),
                    Recipients = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlaEscalations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SlaEscalations_FeedbackItems_FeedbackItemId",
                        column: x => x.FeedbackItemId,
                        principalTable: "FeedbackItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowDefinitions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DefinitionId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Json = table.Column<string>(type: "text", nullable: false),
                    SourceFile = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    LoadedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowDefinitions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowInstances",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DefinitionRecordId = table.Column<int>(type: "integer", nullable: false),
                    DefinitionId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    SubjectType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    SubjectId = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AnchorAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Target = table.Column<TimeSpan>(type: "interval", nullable: false),
                    CalendarKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Consumed = table.Column<TimeSpan>(type: "interval", nullable: false),
                    RunningSince = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FiredMilestones = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    ParametersJson = table.Column<string>(type: "text", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndReason = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowInstances", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WorkflowInstances_WorkflowDefinitions_DefinitionRecordId",
                        column: x => x.DefinitionRecordId,
                        principalTable: "WorkflowDefinitions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowTimers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    InstanceId = table.Column<long>(type: "bigint", nullable: false),
                    Key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Milestone = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    ResumeAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FiredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FiredBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowTimers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WorkflowTimers_WorkflowInstances_InstanceId",
                        column: x => x.InstanceId,
                        principalTable: "WorkflowInstances",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FeedbackItems_SlaNotStarted",
                table: "FeedbackItems",
                column: "Id",
                filter: "\"SlaStartedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_BusinessCalendars_Key",
                table: "BusinessCalendars",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxEmails_Key",
                table: "OutboxEmails",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxEmails_Pending",
                table: "OutboxEmails",
                columns: new[] { "NextAttemptAt", "Id" },
                filter: "\"State\" = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxEmails_State_CreatedAt",
                table: "OutboxEmails",
                columns: new[] { "State", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SlaEscalations_FeedbackItemId_Level",
                table: "SlaEscalations",
                columns: new[] { "FeedbackItemId", "Level" });

            migrationBuilder.CreateIndex(
                name: "IX_SlaEscalations_Key",
                table: "SlaEscalations",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SlaEscalations_Level_OccurredAt_Id",
                table: "SlaEscalations",
                columns: new[] { "Level", "OccurredAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowDefinitions_DefinitionId_ContentHash",
                table: "WorkflowDefinitions",
                columns: new[] { "DefinitionId", "ContentHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowDefinitions_DefinitionId_Version",
                table: "WorkflowDefinitions",
                columns: new[] { "DefinitionId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_DefinitionRecordId",
                table: "WorkflowInstances",
                column: "DefinitionRecordId");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_OneLivePerSubject",
                table: "WorkflowInstances",
                columns: new[] { "DefinitionId", "SubjectType", "SubjectId" },
                unique: true,
                filter: "\"Status\" IN ('Running', 'Paused')");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_SubjectType_SubjectId_DefinitionId",
                table: "WorkflowInstances",
                columns: new[] { "SubjectType", "SubjectId", "DefinitionId" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowTimers_Due",
                table: "WorkflowTimers",
                columns: new[] { "ResumeAt", "Id" },
                filter: "\"State\" = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowTimers_InstanceId",
                table: "WorkflowTimers",
                column: "InstanceId");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowTimers_Key",
                table: "WorkflowTimers",
                column: "Key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BusinessCalendars");

            migrationBuilder.DropTable(
                name: "OutboxEmails");

            migrationBuilder.DropTable(
                name: "SlaEscalations");

            migrationBuilder.DropTable(
                name: "WorkflowTimers");

            migrationBuilder.DropTable(
                name: "WorkflowInstances");

            migrationBuilder.DropTable(
                name: "WorkflowDefinitions");

            migrationBuilder.DropIndex(
                name: "IX_FeedbackItems_SlaNotStarted",
                table: "FeedbackItems");

            migrationBuilder.DropColumn(
                name: "SlaBreachedAt",
                table: "FeedbackItems");

            migrationBuilder.DropColumn(
                name: "SlaStartedAt",
                table: "FeedbackItems");
        }
    }
}
