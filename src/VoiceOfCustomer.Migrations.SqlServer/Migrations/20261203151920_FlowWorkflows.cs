using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VoiceOfCustomer.Migrations.SqlServer.Migrations
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
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.AddColumn<string>(
                name: "Step",
                table: "WorkflowTimers",
                type: "nvarchar(60)",
                maxLength: 60,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.AddColumn<int>(
                name: "StepEntry",
                table: "WorkflowTimers",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "WorkflowInstances",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "CurrentStep",
                table: "WorkflowInstances",
                type: "nvarchar(60)",
                maxLength: 60,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "WorkflowInstances",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.AddColumn<long>(
                name: "ParentInstanceId",
                table: "WorkflowInstances",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "WorkflowInstances",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "RunKey",
                table: "WorkflowInstances",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.AddColumn<string>(
                name: "StartedBy",
                table: "WorkflowInstances",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.AddColumn<int>(
                name: "StepEntry",
                table: "WorkflowInstances",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "VariablesJson",
                table: "WorkflowInstances",
                type: "nvarchar(max)",
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.CreateTable(
                name: "WorkflowHistory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    InstanceId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Step = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: true, collation: "Latin1_General_100_BIN2"),
                    Event = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false, collation: "Latin1_General_100_BIN2"),
                    Actor = table.Column<string>(type: "nvarchar(400)", maxLength: 400, nullable: false, collation: "Latin1_General_100_BIN2"),
                    Detail = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true, collation: "Latin1_General_100_BIN2")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowHistory", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowSchedules",
                columns: table => new
                {
                    DefinitionId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false, collation: "Latin1_General_100_BIN2"),
                    LastOccurrence = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
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
                        .Annotation("SqlServer:Identity", "1, 1"),
                    InstanceId = table.Column<long>(type: "bigint", nullable: false),
                    DefinitionId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false, collation: "Latin1_General_100_BIN2"),
                    Step = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false, collation: "Latin1_General_100_BIN2"),
                    StepEntry = table.Column<int>(type: "int", nullable: false),
                    Key = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false, collation: "Latin1_General_100_BIN2"),
                    AssigneeUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true, collation: "Latin1_General_100_BIN2"),
                    AssigneeEmail = table.Column<string>(type: "nvarchar(320)", maxLength: 320, nullable: false, collation: "Latin1_General_100_BIN2"),
                    AssigneeName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true, collation: "Latin1_General_100_BIN2"),
                    AssigneeKind = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false, collation: "Latin1_General_100_BIN2"),
                    Language = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false, collation: "Latin1_General_100_BIN2"),
                    Title = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false, collation: "Latin1_General_100_BIN2"),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: true, collation: "Latin1_General_100_BIN2"),
                    Comment = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true, collation: "Latin1_General_100_BIN2"),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    DueAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    CompletedBy = table.Column<string>(type: "nvarchar(400)", maxLength: 400, nullable: true, collation: "Latin1_General_100_BIN2"),
                    LinkNonce = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    RemindersSent = table.Column<int>(type: "int", nullable: false)
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
                filter: "[Status] IN ('Running', 'Paused') AND [RunKey] IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_ParentInstanceId",
                table: "WorkflowInstances",
                column: "ParentInstanceId");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_RunKey",
                table: "WorkflowInstances",
                column: "RunKey",
                unique: true,
                filter: "[RunKey] IS NOT NULL");

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
                filter: "[Status] = 'Open'");
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
                filter: "[Status] IN ('Running', 'Paused')");
        }
    }
}
