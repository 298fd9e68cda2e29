using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace VoiceOfCustomer.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class FlowWorkflows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_OneLivePerSubject",
                table: "WorkflowInstances");

            migrationBuilder.AddColumn<string>(
                name: "Argument",
                table: "WorkflowTimers",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Step",
                table: "WorkflowTimers",
                type: "character varying(60)",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "StepEntry",
                table: "WorkflowTimers",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "WorkflowInstances",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "CurrentStep",
                table: "WorkflowInstances",
                type: "character varying(60)",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "WorkflowInstances",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ParentInstanceId",
                table: "WorkflowInstances",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "WorkflowInstances",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "RunKey",
                table: "WorkflowInstances",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StartedBy",
                table: "WorkflowInstances",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "StepEntry",
                table: "WorkflowInstances",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "VariablesJson",
                table: "WorkflowInstances",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "WorkflowHistory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    InstanceId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Step = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    Event = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Actor = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    Detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowHistory", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowSchedules",
                columns: table => new
                {
                    DefinitionId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    LastOccurrence = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowSchedules", x => x.DefinitionId);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowTasks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    InstanceId = table.Column<long>(type: "bigint", nullable: false),
                    DefinitionId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Step = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    StepEntry = table.Column<int>(type: "integer", nullable: false),
                    Key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    AssigneeUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    AssigneeEmail = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    AssigneeName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    AssigneeKind = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Language = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Comment = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CompletedBy = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    LinkNonce = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RemindersSent = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowTasks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WorkflowTasks_WorkflowInstances_InstanceId",
                        column: x => x.InstanceId,
                        principalTable: "WorkflowInstances",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_DefinitionId_Status_Id",
                table: "WorkflowInstances",
                columns: new[] { "DefinitionId", "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_OneLivePerSubject",
                table: "WorkflowInstances",
                columns: new[] { "DefinitionId", "SubjectType", "SubjectId" },
                unique: true,
                filter: "\"Status\" IN ('Running', 'Paused') AND \"RunKey\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_ParentInstanceId",
                table: "WorkflowInstances",
                column: "ParentInstanceId");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_RunKey",
                table: "WorkflowInstances",
                column: "RunKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowHistory_InstanceId_Id",
                table: "WorkflowHistory",
                columns: new[] { "InstanceId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowTasks_InstanceId_Step_StepEntry",
                table: "WorkflowTasks",
                columns: new[] { "InstanceId", "Step", "StepEntry" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowTasks_Key",
                table: "WorkflowTasks",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowTasks_OpenByAssignee",
                table: "WorkflowTasks",
                columns: new[] { "AssigneeUserId", "DueAt", "Id" },
                filter: "\"Status\" = 'Open'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WorkflowHistory");

            migrationBuilder.DropTable(
                name: "WorkflowSchedules");

            migrationBuilder.DropTable(
                name: "WorkflowTasks");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_DefinitionId_Status_Id",
                table: "WorkflowInstances");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_OneLivePerSubject",
                table: "WorkflowInstances");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_ParentInstanceId",
                table: "WorkflowInstances");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_RunKey",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "Argument",
                table: "WorkflowTimers");

            migrationBuilder.DropColumn(
                name: "Step",
                table: "WorkflowTimers");

            migrationBuilder.DropColumn(
                name: "StepEntry",
                table: "WorkflowTimers");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "CurrentStep",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "LastError",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "ParentInstanceId",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "RunKey",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "StartedBy",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "StepEntry",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "VariablesJson",
                table: "WorkflowInstances");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_OneLivePerSubject",
                table: "WorkflowInstances",
                columns: new[] { "DefinitionId", "SubjectType", "SubjectId" },
                unique: true,
                filter: "\"Status\" IN ('Running', 'Paused')");
        }
    }
}
