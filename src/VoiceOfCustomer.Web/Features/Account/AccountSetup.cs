namespace VoiceOfCustomer.Web.Features.Account;

public static class AccountSetup
{
    public static IServiceCollection AddAccountFeature(this IServiceCollection services, IConfiguration configuration) => services;
}
