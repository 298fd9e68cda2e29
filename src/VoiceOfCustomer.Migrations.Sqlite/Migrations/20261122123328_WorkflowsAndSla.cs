using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VoiceOfCustomer.Migrations.Sqlite.Migrations
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SlaStartedAt",
                table: "FeedbackItems",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "BusinessCalendars",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TimeZoneId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    HoursJson = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    HolidaysJson = table.Column<string>(type: "TEXT", maxLength: 16000, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BusinessCalendars", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OutboxEmails",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    ToAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    ToName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Language = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    TextBody = table.Column<string>(type: "TEXT", nullable: false),
                    HtmlBody = table.Column<string>(type: "TEXT", nullable: false),
                    Template = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxEmails", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SlaEscalations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FeedbackItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    Level = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    WorkflowInstanceId = table.Column<long>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    OwnerCsmId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    SegmentId = table.Column<int>(type: "INTEGER", nullable: true),
                    Recipients = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false)
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DefinitionId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    SourceFile = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    LoadedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowDefinitions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowInstances",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DefinitionRecordId = table.Column<int>(type: "INTEGER", nullable: false),
                    DefinitionId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SubjectType = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    SubjectId = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AnchorAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Target = table.Column<TimeSpan>(type: "TEXT", nullable: false),
                    CalendarKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Consumed = table.Column<TimeSpan>(type: "TEXT", nullable: false),
                    RunningSince = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FiredMilestones = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    ParametersJson = table.Column<string>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndReason = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    InstanceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Milestone = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ResumeAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FiredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FiredBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
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
