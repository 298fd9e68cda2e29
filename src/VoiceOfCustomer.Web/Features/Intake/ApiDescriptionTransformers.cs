using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Taxonomy;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Features.Intake;

/// <summary>
/// What the XML comments cannot say in the OpenAPI document: the API's title and tags, what each enum value means,
/// the values of the enum-like strings a request takes, and which answer properties may be left out. Operations,
/// parameters and types are described by their XML comments (the build-time generator).
/// </summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["Feedback"] = "Customer voices: store one or a batch, read and list them.",
        ["Webhooks"] = "Voices pushed by helpdesks, survey tools or forums in their own JSON, mapped by configuration.",
        ["Coding"] = "The CSM's coding of a voice (impact → root cause → owning domain), its status changes, history, queue and suggestions.",
        ["Taxonomy"] = "The business metrics, capability gaps, owning domains and tags a coding refers to.",
        ["Customers"] = "Customer data in and out: customers, contracts and renewals, purchases, behaviour measurements and targets (scope `customers`).",
        ["Workflow tasks"] = "The caller's own human tasks of workflows (a review, an approval): list the open ones and answer them.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "VoiceOfCustomer API";
        document.Info.Description =
            "Send customer voices in, code them, and read them back. Authenticate with an API key in `X-Api-Key` (scopes `intake`, `read`, " +
            "`coding`, `tasks`, `customers`) or, from the web app, with the session cookie of a role that may do the same; a write with the cookie also sends the " +
            "page's antiforgery token in `RequestVerificationToken`. Bodies are `application/json`. Errors are RFC 9457 problem details " +
            "naming the field. Enum values are lower-case kebab (`in-progress`). Examples: docs/api.md.";
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        return Task.CompletedTask;
    }

    // The controllers declare 401 and 403 once for every action; say what they mean here. The API answers JSON only:
    // MVC's other formatters (text/plain, text/json) would offer a generated client media types it never gets.
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var content in (operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>()).Select(r => r.Content).OfType<IDictionary<string, OpenApiMediaType>>())
            foreach (var mediaType in content.Keys.Where(k => k is "text/plain" or "text/json").ToList())
                content.Remove(mediaType);
        if (operation.RequestBody?.Content is { } accepted)
            foreach (var mediaType in accepted.Keys.Where(k => k is not "application/json").ToList())
                accepted.Remove(mediaType);
        if (operation.Responses?.TryGetValue("401", out var unauthorized) == true && unauthorized is OpenApiResponse missing)
            missing.Description = "No API key and no session, or the key is unknown or revoked.";
        if (operation.Responses?.TryGetValue("403", out var forbidden) == true && forbidden is OpenApiResponse refused)
            refused.Description = "The key lacks the scope, or the signed-in user's role lacks the permission; the detail says which.";
        return Task.CompletedTask;
    }
}

internal sealed class ApiSchemaTransformer : IOpenApiSchemaTransformer
{
    /// <summary>What each enum in the API means; every value is named (a test holds it to that).</summary>
    public static readonly IReadOnlyDictionary<Type, string> EnumDescriptions = new Dictionary<Type, string>
    {
        [typeof(FeedbackStatus)] = "Where an item stands: `new` (nobody has coded it), `in-progress` (a coding draft is saved), " +
            "`awaiting-customer` (waiting for the customer's answer; the SLA clock pauses), `attributed` (the coding is submitted), " +
            "`duplicate` (merged into another item).",
        [typeof(Touchpoint)] = "Where in the customer journey the channel sits: `pre-sales-consult`, `support-ticket`, " +
            "`customer-success-interview`, `community-post`, `survey`.",
        [typeof(LifecycleStage)] = "The customer's lifecycle stage, computed from purchases, activity, P(alive) and contracts: `prospect` " +
            "(not yet a customer; also every customer created by intake), `new`, `active`, `churn-risk`, `win-back`, `churned`.",
        [typeof(ContractStatus)] = "Where a contract term stands: `active` (running, or ended and not yet renewed), `renewed` (a later term renews it), `cancelled`.",
        [typeof(ValueTier)] = "The customer's share of customer equity: `top` (the customers holding the top 20%), `middle` (the next 30%), `rest`.",
        [typeof(ValueModel)] = "Which model values the customer: `contract` (shifted-beta-geometric renewals), `purchases` (BG/NBD and Gamma-Gamma), " +
            "`prospect` (comparable customers' value × the conversion probability).",
        [typeof(ContactRole)] = "Whose voice the contact is: `buyer` (who pays) or `user` (who works with the product).",
        [typeof(AttributionState)] = "The coding's state: `draft` (saved, not complete), `submitted` (every layer coded), " +
            "`none` (nothing coded yet: version 0).",
        [typeof(ImpactDirection)] = "Which way the business metric moved: `up` or `down` (the magnitude carries no sign).",
        [typeof(ValueDimension)] = "Where the voice sits on the value map: `pain` (broken or costly today), `need` (a missing capability), " +
            "`expectation` (expected as standard), `dream` (an aspiration).",
        [typeof(VoiceRole)] = "Whose voice it is: `buyer` (who pays) or `user` (who works with the product).",
        [typeof(MetricPolarity)] = "Which way is good for the metric: `higher-is-better` or `lower-is-better`.",
        [typeof(CapabilityGapStatus)] = "`accepted` (part of the taxonomy) or `proposed` (suggested while coding, waiting for an Admin).",
        [typeof(SuggestionField)] = "The coding field a suggestion is for: `business-metric`, `capability-gap`, `owning-domain`, " +
            "`value-dimension`, `tags`.",
        [typeof(SuggestionSource)] = "Where a suggestion came from: `local` (the model trained on submitted codings), `cold-start` " +
            "(built from the taxonomy's names; ranked, no confidence), `llm` (refined by the optional chat endpoint).",
        [typeof(AbstainReason)] = "Why no value is suggested: `empty`, `too-long` (over 20,000 characters), `no-words` (no letters), " +
            "`mixed-script`, `unknown-words` (mostly words the model never saw), `low-confidence` (below Suggestions:AbstainBelow), " +
            "`no-model` (nothing trained for the field yet).",
        [typeof(WorkflowTaskStatus)] = "Where a workflow task stands: `open` (waiting for its assignee's answer), `completed` (answered), " +
            "`closed` (its deadline passed, or the step was decided without it), `cancelled` (its workflow was cancelled).",
    };

    /// <summary>Request fields that are strings (so validation, not the binder, names a wrong value) but take an enum's names.</summary>
    private static readonly Dictionary<(Type Declaring, string Member), Type> EnumStrings = new()
    {
        [(typeof(ImpactInput), nameof(ImpactInput.Direction))] = typeof(ImpactDirection),
        [(typeof(AttributionInput), nameof(AttributionInput.ValueDimension))] = typeof(ValueDimension),
        [(typeof(AttributionInput), nameof(AttributionInput.VoiceRole))] = typeof(VoiceRole),
        [(typeof(ContactSubmission), nameof(ContactSubmission.Role))] = typeof(ContactRole),
        [(typeof(Behaviour.TargetInput), nameof(Behaviour.TargetInput.Stage))] = typeof(LifecycleStage),
    };

    public async Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Web.Features.CustomersApi.OneOrMany<>))
        {
            // One object, or an array of 1 to 5,000 of them (its own converter, so the generator sees no shape).
            var item = await context.GetOrCreateSchemaAsync(type.GetGenericArguments()[0], null, cancellationToken);
            schema.Type = null;
            schema.Description = "One object, or an array of 1 to 5,000 of them (stored all-or-nothing).";
            schema.OneOf = [item, new OpenApiSchema { Type = JsonSchemaType.Array, Items = item, MinItems = 1, MaxItems = 5_000 }];
            return;
        }
        if (type.IsEnum && EnumDescriptions.TryGetValue(type, out var description))
        {
            // Nullability belongs to the property that holds the enum, not to the shared enum schema.
            if (schema.Enum is { } values)
                schema.Enum = [.. values.Where(v => v is not null && !v.IsJsonNullSentinel())];
            schema.Description = description;
        }

        if (context.JsonPropertyInfo is { AttributeProvider: MemberInfo member } property
            && EnumStrings.TryGetValue((property.DeclaringType, member.Name), out var enumType))
            schema.Enum = [.. EnumNames.All(enumType).Select(name => (JsonNode)JsonValue.Create(name)), JsonNullSentinel.JsonNull];

        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Required is { Count: > 0 } required)
            foreach (var omitted in context.JsonTypeInfo.Properties.Where(MayBeLeftOut))
                required.Remove(omitted.Name);
    }

    /// <summary>
    /// Nulls are left out of answers (<c>WhenWritingNull</c>), so a nullable property is not required unless it is
    /// always written (<c>[JsonIgnore(Condition = Never)]</c>); a property written only when set is not either.
    /// </summary>
    private static bool MayBeLeftOut(JsonPropertyInfo property)
    {
        var member = property.AttributeProvider as MemberInfo;
        var ignore = member?.GetCustomAttribute<JsonIgnoreAttribute>()?.Condition;
        if (ignore == JsonIgnoreCondition.Never)
            return false;
        if (ignore is JsonIgnoreCondition.WhenWritingDefault or JsonIgnoreCondition.WhenWritingNull)
            return true;
        var nullability = member switch
        {
            PropertyInfo p => new NullabilityInfoContext().Create(p),
            FieldInfo f => new NullabilityInfoContext().Create(f),
            _ => null,
        };
        return nullability?.ReadState == NullabilityState.Nullable;
    }
}
