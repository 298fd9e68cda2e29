using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Import;

/// <summary>One run of a CSV import, with its progress and outcome, so the web page can poll it.</summary>
public sealed class ImportJob
{
    public Guid Id { get; set; }
    public required string FileName { get; set; }
    public required string ChannelKey { get; set; }
    public ImportJobStatus Status { get; set; } = ImportJobStatus.Queued;
    public long? FileBytes { get; set; }
    public long BytesRead { get; set; }
    public int RowsRead { get; set; }
    public int Imported { get; set; }
    public int Duplicates { get; set; }
    public int Rejected { get; set; }
    public string? Error { get; set; }
    public string? StartedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary>
    /// When the process running the job last said it was alive (at the start and with every saved batch). A process
    /// killed mid-import cannot mark its job failed; a heartbeat that stops shows it.
    /// </summary>
    public DateTime? HeartbeatAt { get; set; }

    public List<ImportRejection> Rejections { get; set; } = [];

    /// <summary>The status to show: <see cref="ImportJobStatus.Interrupted"/> for a running job whose heartbeat is older than <paramref name="heartbeatTimeout"/>.</summary>
    public ImportJobStatus StatusAt(DateTime utcNow, TimeSpan heartbeatTimeout) =>
        Status == ImportJobStatus.Running && utcNow - (HeartbeatAt ?? CreatedAt) > heartbeatTimeout ? ImportJobStatus.Interrupted : Status;

    /// <summary>No more progress will come: succeeded, failed, or interrupted.</summary>
    public static bool IsOver(ImportJobStatus shown) => shown is ImportJobStatus.Succeeded or ImportJobStatus.Failed or ImportJobStatus.Interrupted;
}

public enum ImportJobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,

    /// <summary>Shown, never stored: the job is still Running in the database but its process stopped (killed, crashed, power lost).</summary>
    Interrupted,
}

/// <summary>A row the import refused: its line in the file, the field at fault and why.</summary>
public sealed class ImportRejection
{
    public long Id { get; set; }
    public Guid ImportJobId { get; set; }
    public int LineNumber { get; set; }
    public required string Field { get; set; }
    public required string Reason { get; set; }
}

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> builder)
    {
        builder.Property(j => j.FileName).HasMaxLength(260);
        builder.Property(j => j.ChannelKey).HasMaxLength(64);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Error).HasMaxLength(2000);
        builder.Property(j => j.StartedById).HasMaxLength(450);
        builder.HasIndex(j => j.CreatedAt);
        builder.HasMany(j => j.Rejections).WithOne().HasForeignKey(r => r.ImportJobId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ImportRejectionConfiguration : IEntityTypeConfiguration<ImportRejection>
{
    public void Configure(EntityTypeBuilder<ImportRejection> builder)
    {
        builder.Property(r => r.Field).HasMaxLength(64);
        builder.Property(r => r.Reason).HasMaxLength(500);
        builder.HasIndex(r => new { r.ImportJobId, r.LineNumber });
    }
}
