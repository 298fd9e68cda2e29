namespace VoiceOfCustomer.IntegrationTests.Infrastructure;

/// <summary><see cref="Progress{T}"/> posts to the thread pool; tests want every report, in order.</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
