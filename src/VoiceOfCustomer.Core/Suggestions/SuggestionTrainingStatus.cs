namespace VoiceOfCustomer.Suggestions;

public enum SuggestionTrainingState
{
    Idle,
    Training,
    Failed,
}

/// <summary>What the trainer is doing now, for an admin page; written by the training thread, read by requests.</summary>
public sealed class SuggestionTrainingStatus
{
    private readonly Lock _gate = new();
    private SuggestionTrainingState _state;
    private double _progress;
    private string? _lastError;
    private int? _lastTrainedVersion;
    private DateTime? _lastTrainedAt;

    public SuggestionTrainingState State { get { lock (_gate) return _state; } }

    /// <summary>0 to 1 while training.</summary>
    public double Progress { get { lock (_gate) return _progress; } }

    public string? LastError { get { lock (_gate) return _lastError; } }

    public int? LastTrainedVersion { get { lock (_gate) return _lastTrainedVersion; } }

    public DateTime? LastTrainedAt { get { lock (_gate) return _lastTrainedAt; } }

    internal void Started()
    {
        lock (_gate)
        {
            _state = SuggestionTrainingState.Training;
            _progress = 0;
        }
    }

    internal void Report(double progress)
    {
        lock (_gate)
            _progress = Math.Clamp(progress, 0, 1);
    }

    internal void Finished(int? version, DateTime at)
    {
        lock (_gate)
        {
            _state = SuggestionTrainingState.Idle;
            _progress = 1;
            _lastError = null;
            if (version is not null)
            {
                _lastTrainedVersion = version;
                _lastTrainedAt = at;
            }
        }
    }

    internal void Failed(string error)
    {
        lock (_gate)
        {
            _state = SuggestionTrainingState.Failed;
            _lastError = error;
        }
    }
}
