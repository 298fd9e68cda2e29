using System.Threading.Channels;
using VoiceOfCustomer.Import;

namespace VoiceOfCustomer.Web.Features.Import;

/// <summary>An uploaded file waiting for the worker: where it was saved and how to import it.</summary>
/// <param name="CustomerData">Set for a customer-data file (customers, contracts, purchases, metrics); then <paramref name="Request"/> only names the job.</param>
public sealed record ImportWorkItem(string FilePath, ImportRequest Request, CustomerDataImportRequest? CustomerData = null);

/// <summary>Uploads waiting to be imported, in order. In memory: a restart fails the jobs still waiting (see <see cref="ImportWorker"/>).</summary>
public sealed class ImportQueue
{
    private readonly Channel<ImportWorkItem> _channel = Channel.CreateUnbounded<ImportWorkItem>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<ImportWorkItem> Reader => _channel.Reader;

    public void Enqueue(ImportWorkItem item)
    {
        if (!_channel.Writer.TryWrite(item))
            throw new InvalidOperationException("The import queue is closed.");
    }
}
