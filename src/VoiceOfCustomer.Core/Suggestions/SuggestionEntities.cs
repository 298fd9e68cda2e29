using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Suggestions;

/// <summary>The coding fields the suggester proposes. Stored by name.</summary>
public enum SuggestionField
{
    BusinessMetric,
    CapabilityGap,
    OwningDomain,
    ValueDimension,
    Tags,
}

/// <summary>Where a shown suggestion came from.</summary>
public enum SuggestionSource
{
    /// <summary>The local model trained from coded items.</summary>
    Local,
    /// <summary>The local cold-start model built from the taxonomy's names and descriptions.</summary>
    ColdStart,
    /// <summary>An OpenAI-compatible chat endpoint refined the local suggestion.</summary>
    Llm,
}

/// <summary>What the CSM did with a shown suggestion, known once the item's coding is submitted.</summary>
public enum SuggestionOutcome
{
    Pending,
    Accepted,
    Corrected,
    /// <summary>The model abstained; the row keeps what the CSM chose so abstentions can be scored too.</summary>
    Abstained,
}

/// <summary>
/// One trained local model, persisted so a restart does not start from zero. Versions only grow; the newest row
/// is the one in use. <see cref="Payload"/> is the serialized <see cref="SuggestionModel"/>.
/// </summary>
public sealed class SuggestionModelRecord
{
    public int Id { get; set; }
    public int Version { get; set; }
    public DateTime TrainedAt { get; set; }
    /// <summary>Coded items the model learned from (0 for a cold-start model).</summary>
    public int TrainingItems { get; set; }
    /// <summary>
    /// Submitted codings in the database when the model was trained, learned from or not: codings imported later with
    /// earlier submit dates still raise this count, so they still count towards the next retraining.
    /// </summary>
    public int SubmittedCodings { get; set; }
    public bool IsColdStart { get; set; }
    public double TrainSeconds { get; set; }
    /// <summary>Held-out quality per field and the reliability table, as JSON (<see cref="ModelEvaluation"/>).</summary>
    public string? EvaluationJson { get; set; }
    public required byte[] Payload { get; set; }
}

/// <summary>
/// One suggestion as shown on the coding form, and, once the coding is submitted, what the CSM chose instead or
/// accepted. One row per item, field, source and model version: showing the form again does not add rows.
/// </summary>
public sealed class SuggestionRecord
{
    public long Id { get; set; }
    public long FeedbackItemId { get; set; }
    public SuggestionField Field { get; set; }
    public SuggestionSource Source { get; set; }
    public int ModelVersion { get; set; }
    /// <summary>Taxonomy key (or value-dimension name; tags comma-separated); null when the model abstained.</summary>
    public string? SuggestedValue { get; set; }
    public double? Confidence { get; set; }
    /// <summary>The two runner-up values with their confidences, as JSON.</summary>
    public string? AlternativesJson { get; set; }
    public DateTime ShownAt { get; set; }
    public string? ShownToId { get; set; }
    public string? FinalValue { get; set; }
    public SuggestionOutcome Outcome { get; set; } = SuggestionOutcome.Pending;
    public DateTime? ResolvedAt { get; set; }
}

/// <summary>An LLM's refinement of an item's suggestion, computed in the background when the item arrives.</summary>
public sealed class LlmSuggestionRecord
{
    public long FeedbackItemId { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string Model { get; set; }
    /// <summary>The validated answer (field → taxonomy key), JSON; null when the answer was discarded.</summary>
    public string? AnswerJson { get; set; }
    /// <summary>Why the answer was discarded, or null when it was used.</summary>
    public string? DiscardReason { get; set; }
    public double ElapsedMs { get; set; }
}

/// <summary>LLM calls made on one UTC day, shared by every app instance so the daily budget holds across them.</summary>
public sealed class LlmDailyUsage
{
    public DateOnly Day { get; set; }
    public int Calls { get; set; }
}

internal sealed class SuggestionModelRecordConfiguration : IEntityTypeConfiguration<SuggestionModelRecord>
{
    public void Configure(EntityTypeBuilder<SuggestionModelRecord> builder)
    {
        builder.HasIndex(m => m.Version).IsUnique();
    }
}

internal sealed class SuggestionRecordConfiguration : IEntityTypeConfiguration<SuggestionRecord>
{
    public void Configure(EntityTypeBuilder<SuggestionRecord> builder)
    {
        builder.Property(s => s.Field).HasConversion<string>().HasMaxLength(24);
        builder.Property(s => s.Source).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.SuggestedValue).HasMaxLength(1000);
        builder.Property(s => s.FinalValue).HasMaxLength(1000);
        builder.Property(s => s.AlternativesJson).HasMaxLength(2000);
        builder.Property(s => s.ShownToId).HasMaxLength(450);
        builder.HasIndex(s => new { s.FeedbackItemId, s.Field, s.Source, s.ModelVersion }).IsUnique();
        builder.HasIndex(s => new { s.ResolvedAt, s.Field });
        builder.HasOne<FeedbackItem>().WithMany().HasForeignKey(s => s.FeedbackItemId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LlmSuggestionRecordConfiguration : IEntityTypeConfiguration<LlmSuggestionRecord>
{
    public void Configure(EntityTypeBuilder<LlmSuggestionRecord> builder)
    {
        builder.HasKey(s => s.FeedbackItemId);
        builder.Property(s => s.Model).HasMaxLength(200);
        builder.Property(s => s.DiscardReason).HasMaxLength(1000);
        builder.HasOne<FeedbackItem>().WithMany().HasForeignKey(s => s.FeedbackItemId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LlmDailyUsageConfiguration : IEntityTypeConfiguration<LlmDailyUsage>
{
    public void Configure(EntityTypeBuilder<LlmDailyUsage> builder)
    {
        builder.HasKey(u => u.Day);
    }
}
