namespace VoiceOfCustomer.Web.Features.CustomersApi;

/// <summary>
/// What every write of customer data answers: how many rows were new, how many changed a stored row (same reference
/// or period, other values) and how many repeated what was stored. 201 when something was created, else 200.
/// </summary>
public sealed record WriteResponse(int Created, int Updated, int Unchanged);
