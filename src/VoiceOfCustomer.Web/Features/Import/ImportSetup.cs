namespace VoiceOfCustomer.Web.Features.Import;

public static class ImportSetup
{
    public static IServiceCollection AddImportFeature(this IServiceCollection services, IConfiguration configuration) => services;
}
