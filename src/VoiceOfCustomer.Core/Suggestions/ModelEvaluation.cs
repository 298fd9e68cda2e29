namespace VoiceOfCustomer.Suggestions;

/// <summary>
/// How a trained model did on the share of its training data it held out, per field; stored as
/// <see cref="SuggestionModelRecord.EvaluationJson"/> (System.Text.Json, web defaults: camelCase).
/// </summary>
public sealed record ModelEvaluation(IReadOnlyList<FieldEvaluation> Fields);

/// <summary>One field's held-out figures; top-1/top-3 are null for cold-start fields, which have nothing to hold out.</summary>
public sealed record FieldEvaluation(
    SuggestionField Field,
    SuggestionSource Source,
    int Examples,
    int Labels,
    double? HeldOutTop1,
    double? HeldOutTop3,
    double Temperature,
    IReadOnlyList<ReliabilityBin> Reliability);

/// <summary>Asks the background trainer to retrain soon (an admin's "retrain now"); never trains on the caller's thread.</summary>
public interface ISuggestionTrainingTrigger
{
    void RequestRetrain();
}
