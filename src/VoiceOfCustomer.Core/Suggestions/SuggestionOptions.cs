namespace VoiceOfCustomer.Suggestions;

/// <summary>The local suggester in the app: whether it runs, and when it retrains (section <c>Suggestions</c>).</summary>
public sealed class SuggestionOptions
{
    public const string SectionName = "Suggestions";

    /// <summary>Show suggestions on the coding form and record them; off hides the panel and stops retraining.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Run the retraining loop in this process (off on instances that only serve requests, and in tests).</summary>
    public bool BackgroundTraining { get; set; } = true;

    /// <summary>How often the background loop checks whether enough new codings arrived.</summary>
    public TimeSpan RetrainInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Retrain once this many codings were submitted since the newest model was trained (imported past codings included).</summary>
    public int RetrainAfterNewCodings { get; set; } = 50;

    /// <summary>At most this many submitted codings are learned from, newest first.</summary>
    public int MaxTrainingItems { get; set; } = 50_000;

    /// <summary>
    /// How long shown suggestions wait in memory so that the views of that moment are written in one transaction;
    /// the coding form never waits for that write.
    /// </summary>
    public TimeSpan RecordBatchDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Below this calibrated confidence the model says "no confident suggestion".</summary>
    public double AbstainBelow { get; set; } = 0.4;
}
