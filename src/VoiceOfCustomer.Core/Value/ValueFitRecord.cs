using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Value;

/// <summary>
/// One fit of a lifetime-value model: its parameters, data window, when it ran and whether it converged. Customers are
/// scored with the latest converged fit of each model; a fit that did not converge is kept for the record and not used.
/// </summary>
public sealed class ValueFitRecord
{
    public int Id { get; set; }

    /// <summary><c>bgnbd-gg</c> (purchases), <c>sbg:{segment key}</c> (a segment cohort's renewals) or <c>prospect-conversion</c>.</summary>
    public required string Model { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public ValueFitStatus Status { get; set; } = ValueFitStatus.Running;

    /// <summary>First and last transaction or contract date used, and the calibration end.</summary>
    public DateTime? DataFrom { get; set; }
    public DateTime? DataTo { get; set; }
    public int Customers { get; set; }

    /// <summary>The model's parameters, standard errors and log-likelihood as JSON (shape per model; see docs/customer-value.md).</summary>
    public string? ParametersJson { get; set; }
    public double? LogLikelihood { get; set; }
    public bool Converged { get; set; }

    /// <summary>Why a fit failed or did not converge, in plain words.</summary>
    public string? Message { get; set; }

    /// <summary>Progress of a running fit and re-scoring, 0–100, for the page that shows it.</summary>
    public int Progress { get; set; }
    public string? RequestedBy { get; set; }
}

public enum ValueFitStatus
{
    Queued,
    Running,
    Succeeded,
    NotConverged,
    Failed,
}

internal sealed class ValueFitRecordConfiguration : IEntityTypeConfiguration<ValueFitRecord>
{
    public void Configure(EntityTypeBuilder<ValueFitRecord> builder)
    {
        builder.ToTable("ValueFits");
        builder.Property(f => f.Model).HasMaxLength(80);
        builder.Property(f => f.Status).HasConversion<string>().HasMaxLength(14);
        builder.Property(f => f.Message).HasMaxLength(2000);
        builder.Property(f => f.RequestedBy).HasMaxLength(256);
        builder.HasIndex(f => new { f.Model, f.StartedAt });
    }
}
