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
    public List<ImportRejection> Rejections { get; set; } = [];
}

public enum ImportJobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
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
