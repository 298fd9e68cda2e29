using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using OpenAiChatMessage = OpenAI.Chat.ChatMessage;

namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>
/// <see cref="IChatClient"/> over the <c>OpenAI</c> package's <see cref="ChatClient"/>, for any OpenAI-compatible
/// endpoint. Microsoft.Extensions.AI.OpenAI (which ships such an adapter) cannot be restored here; callers depend only
/// on <see cref="IChatClient"/>, so it or a Semantic Kernel connector can replace this class later. Text messages only.
/// </summary>
public sealed class OpenAIChatClientAdapter(ChatClient client, Uri? endpoint = null, string? model = null) : IChatClient
{
    private readonly ChatClientMetadata _metadata = new("openai", endpoint, model);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var completion = (await client.CompleteChatAsync(messages.Select(ToOpenAi), ToOpenAi(options), cancellationToken)).Value;
        var text = string.Concat(completion.Content.Where(part => part.Kind == ChatMessageContentPartKind.Text).Select(part => part.Text));
        return new ChatResponse(new AiChatMessage(ChatRole.Assistant, text))
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            Usage = completion.Usage is null ? null : new UsageDetails
            {
                InputTokenCount = completion.Usage.InputTokenCount,
                OutputTokenCount = completion.Usage.OutputTokenCount,
                TotalTokenCount = completion.Usage.TotalTokenCount,
            },
            RawRepresentation = completion,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        throw new NotSupportedException($"{nameof(OpenAIChatClientAdapter)} does not stream: the suggester needs whole JSON answers. Call {nameof(GetResponseAsync)}.");
#pragma warning disable CS0162 // an iterator needs a yield to compile
        yield break;
#pragma warning restore CS0162
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
            return null;
        if (serviceType == typeof(ChatClientMetadata))
            return _metadata;
        if (serviceType.IsInstanceOfType(client))
            return client;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        // ChatClient holds no unmanaged state of its own; its pipeline's HttpClient is shared.
    }

    private static OpenAiChatMessage ToOpenAi(AiChatMessage message)
    {
        var text = message.Text;
        if (message.Role == ChatRole.System)
            return new SystemChatMessage(text);
        if (message.Role == ChatRole.User)
            return new UserChatMessage(text);
        if (message.Role == ChatRole.Assistant)
            return new AssistantChatMessage(text);
        throw new NotSupportedException($"{nameof(OpenAIChatClientAdapter)} maps system, user and assistant text messages only, not role '{message.Role}'.");
    }

    private static ChatCompletionOptions? ToOpenAi(ChatOptions? options)
    {
        if (options is null)
            return null;
        var result = new ChatCompletionOptions
        {
            Temperature = options.Temperature,
            MaxOutputTokenCount = options.MaxOutputTokens,
        };
        switch (options.ResponseFormat)
        {
            case ChatResponseFormatJson { Schema: { } schema } json:
                result.ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat(json.SchemaName ?? "answer",
                    BinaryData.FromString(schema.GetRawText()), json.SchemaDescription);
                break;
            case ChatResponseFormatJson:
                result.ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonObjectFormat();
                break;
            case ChatResponseFormatText:
                result.ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateTextFormat();
                break;
        }
        return result;
    }
}
